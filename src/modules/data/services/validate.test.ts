import { describe, expect, it } from 'vitest';
import { fingerprintBatch } from '../../ledger/services/fingerprint.js';
import { fixture } from './test-helpers.js';
import { validateStatement, type LedgerCandidate } from './validate.js';

describe('validation against the ledger', () => {
  it('counts rows the ledger already has by the shared fingerprint rule, and nothing else', async () => {
    const accountId = '665f00000000000000000001';
    const first = await validateStatement(fixture('bca-klikbca-id.csv'), { accountId });
    // The ledger holds what the same rule gives for this file's first five rows (as if a bank sync had stored them).
    const stored = new Set(fingerprintBatch(first.rows.slice(0, 5).map((r) => ({ ...r, accountId }))).map((r) => r.fingerprint));
    const seen: LedgerCandidate[] = [];
    const again = await validateStatement(fixture('bca-klikbca-id.csv'), {
      accountId,
      existing: async (candidates) => {
        seen.push(...candidates);
        return new Set(candidates.map((c) => c.fingerprint).filter((f) => stored.has(f)));
      },
    });
    expect(seen).toHaveLength(10);
    expect(again.summary.duplicates).toBe(5);
    // Both coffees of 24/12 were stored, so both are duplicates; neither is mistaken for the other.
    expect(again.rows.map((r) => r.duplicate ?? null)).toEqual(['ledger', 'ledger', 'ledger', 'ledger', 'ledger', null, null, null, null, null]);
  });

  it('caps the rows it returns but counts them all', async () => {
    const r = await validateStatement(fixture('bca-klikbca-id.csv'), { maxRows: 3 });
    expect(r.rows).toHaveLength(3);
    expect(r.summary.valid).toBe(10);
    expect(r.truncated).toBe(true);
  });
});
