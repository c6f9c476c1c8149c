import { describe, expect, it } from 'vitest';
import { allowedFrom, canTransition } from './state-machine.js';

describe('payment state machine', () => {
  it('never moves a settled payment back to pending or to another outcome', () => {
    expect(canTransition('success', 'pending')).toBe(false);
    expect(canTransition('success', 'failed')).toBe(false);
    expect(canTransition('success', 'expired')).toBe(false);
    expect(canTransition('expired', 'success')).toBe(false);
  });

  it('allows refunds only after success and repeated partial refunds', () => {
    expect(canTransition('pending', 'refunded')).toBe(false);
    expect(canTransition('success', 'partially_refunded')).toBe(true);
    expect(canTransition('partially_refunded', 'partially_refunded')).toBe(true);
    expect(canTransition('refunded', 'partially_refunded')).toBe(false);
  });

  it('lists the guard states for each target', () => {
    expect(allowedFrom('success')).toEqual(['pending']);
    expect(allowedFrom('cancelled').sort()).toEqual(['pending', 'scheduled']);
    expect(allowedFrom('pending')).toEqual(['scheduled']);
  });
});
