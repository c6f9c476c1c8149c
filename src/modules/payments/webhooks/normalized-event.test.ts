import { describe, expect, it } from 'vitest';
import { parseStoredPaymentEvent } from './normalized-event.js';

const stored = {
  provider: 'midtrans',
  eventKey: 'midtrans:SWH-1:settlement',
  orderId: 'SWH-1',
  status: 'success',
  providerStatus: 'settlement',
  amount: { amountMinor: 15_000_000, currency: 'IDR' },
  occurredAt: new Date('2026-11-25T02:00:00Z'),
};

describe('a payment event read back from the inbox', () => {
  it('parses what an intake stored, and a JSON round trip of it (dates as strings)', () => {
    const direct = parseStoredPaymentEvent(stored);
    expect(direct).toEqual({ ok: true, event: stored });
    const roundTrip = parseStoredPaymentEvent(JSON.parse(JSON.stringify(stored)));
    expect(roundTrip.ok && roundTrip.event.occurredAt).toEqual(stored.occurredAt);
  });

  it('refuses a field of the wrong kind, naming it, instead of handing it to the state machine', () => {
    expect(parseStoredPaymentEvent({ ...stored, status: 'paid' })).toMatchObject({ ok: false, reason: expect.stringContaining('status') });
    expect(parseStoredPaymentEvent({ ...stored, amount: { amountMinor: '150000', currency: 'IDR' } })).toMatchObject({ ok: false, reason: expect.stringContaining('amount.amountMinor') });
    expect(parseStoredPaymentEvent({ ...stored, occurredAt: 'yesterday' })).toMatchObject({ ok: false, reason: expect.stringContaining('occurredAt') });
    expect(parseStoredPaymentEvent(null)).toMatchObject({ ok: false });
  });
});
