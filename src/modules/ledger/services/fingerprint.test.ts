import { describe, expect, it } from 'vitest';
import { fingerprintBatch, normalizeDescription } from './fingerprint.js';

const row = (description: string, amountMinor = -2500000, date = '2026-11-03') => ({ accountId: 'a1', date, amountMinor, currency: 'IDR', description });

describe('ledger fingerprint', () => {
  it('reads the same description from an API, a CSV and a PDF as one', () => {
    expect(normalizeDescription('TRSF E-BANKING DB 0112/FTSCY/WS95051')).toBe(normalizeDescription(' trsf  e-banking db 0112 ftscy ws95051 '));
  });

  it('keeps two identical purchases on one day apart, and the same statement twice as the same rows', () => {
    const statement = [row('QRIS KOPI KENANGAN'), row('QRIS KOPI KENANGAN'), row('INDOMARET', -1500000)];
    const first = fingerprintBatch(statement).map((r) => r.fingerprint);
    const again = fingerprintBatch(statement).map((r) => r.fingerprint);
    expect(new Set(first).size).toBe(3);
    expect(again).toEqual(first);
  });

  it('differs by account, date, amount and currency', () => {
    const base = fingerprintBatch([row('X')])[0]!.fingerprint;
    expect(fingerprintBatch([{ ...row('X'), accountId: 'a2' }])[0]!.fingerprint).not.toBe(base);
    expect(fingerprintBatch([row('X', -2500000, '2026-11-04')])[0]!.fingerprint).not.toBe(base);
    expect(fingerprintBatch([row('X', 2500000)])[0]!.fingerprint).not.toBe(base);
    expect(fingerprintBatch([{ ...row('X'), currency: 'USD' }])[0]!.fingerprint).not.toBe(base);
  });

  it('continues the occurrence count after rows already stored from another batch', () => {
    const [single] = fingerprintBatch([row('QRIS KOPI KENANGAN')]);
    const [next] = fingerprintBatch([row('QRIS KOPI KENANGAN')], (key) => (key === single!.contentKey ? 1 : 0));
    expect(next!.fingerprint).not.toBe(single!.fingerprint);
  });
});
