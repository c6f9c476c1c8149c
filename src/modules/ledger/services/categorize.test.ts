import { describe, expect, it } from 'vitest';
import { categorize, detectOwnTransfers, type OwnTransferCandidate } from './categorize.js';

describe('categorize', () => {
  it.each([
    ['GAJI PT MAJU JAYA ABADI', 1_250_000_000, 'income:salary'],
    ['KR OTOMATIS LLG-ANZ GAJI NOV', 900_000_000, 'income:salary'],
    ['BUNGA INTEREST', 12_300, 'income:interest'],
    ['PAJAK BUNGA TAX', -2_500, 'tax'],
    ['BIAYA ADM MONTHLY FEE', -1_250_000, 'fees'],
    ['QRIS PAYMENT KOPI KENANGAN', -3_800_000, 'food_drink'],
    ['QRIS PAYMENT TOKO SUMBER REJEKI', -4_500_000, 'shopping'],
    ['DEBIT POS INDOMARET', -8_750_000, 'groceries'],
    ['TRANSAKSI DEBIT ALFAMART CILANDAK', -2_350_000, 'groceries'],
    ['GRAB GRABFOOD', -6_500_000, 'food_drink'],
    ['GRAB GRABCAR', -4_200_000, 'transport'],
    ['PLN PREPAID 51234567890', -10_250_000, 'utilities'],
    ['TELKOMSEL HALO POSTPAID', -35_000_000, 'telecom'],
    ['BPJS KESEHATAN 888812345678', -15_000_000, 'health'],
    ['TOKOPEDIA INV/20261201/MPL/123', -45_000_000, 'shopping'],
    ['TOPUP GOPAY 081234567890', -10_000_000, 'ewallet_topup'],
    ['TARIKAN ATM 01/12', -50_000_000, 'cash_withdrawal'],
    ['NETFLIX.COM SUBSCRIPTION', -18_600_000, 'entertainment'],
    ['BI-FAST CR ANDI WIJAYA', 25_000_000, 'transfer:in'],
    ['BI-FAST DB SITI RAHMAWATI', -25_000_000, 'transfer:out'],
    ['TRSF E-BANKING DB 0112/FTSCY/WS95051', -100_000_000, 'transfer:out'],
    ['SOMETHING UNUSUAL', -100_000, 'uncategorized'],
    ['SOMETHING UNUSUAL', 100_000, 'income:other'],
  ])('%s (%d) → %s', (description, amountMinor, category) => {
    expect(categorize({ description, amountMinor }).category).toBe(category);
  });

  it('a user override wins over the rules, matched on the normalised description', () => {
    const overrides = [{ match: 'bi-fast db siti', category: 'insurance' as const }];
    expect(categorize({ description: 'BI-FAST DB SITI RAHMAWATI', amountMinor: -1 }, overrides)).toEqual({ category: 'insurance', source: 'user' });
    expect(categorize({ description: 'BI-FAST DB ANDI WIJAYA', amountMinor: -1 }, overrides)).toMatchObject({ category: 'transfer:out', source: 'rule' });
  });

  it('direction matters: a refund credited from a marketplace is not spending', () => {
    expect(categorize({ description: 'TOKOPEDIA REFUND', amountMinor: 4_500_000 }).category).toBe('income:other');
  });
});

describe('detectOwnTransfers', () => {
  const at = (h: number) => new Date(Date.UTC(2026, 11, 1, h));
  const row = (id: string, accountId: string, h: number, amountMinor: number, description: string): OwnTransferCandidate => ({ id, accountId, bookedAt: at(h), amountMinor, currency: 'IDR', description });

  it('pairs a debit on one own account with the matching credit on another, one to one', () => {
    const rows = [
      row('d1', 'bca', 1, -500_000_000, 'TRSF E-BANKING DB 0112/FTSCY/WS95051'),
      row('c1', 'bri', 2, 500_000_000, 'BI-FAST CR BUDI SANTOSO'),
      row('c2', 'bri', 30, 500_000_000, 'BI-FAST CR ANDI WIJAYA'),
      row('d2', 'bca', 3, -75_000, 'QRIS PAYMENT KOPI KENANGAN'),
      row('c3', 'bca', 4, 75_000, 'BI-FAST CR RIZKY'),
    ];
    const own = detectOwnTransfers(rows, [{ accountId: 'bca' }, { accountId: 'bri' }]);
    expect([...own].sort()).toEqual(['c1', 'd1']);
  });

  it('does not pair amounts in different currencies or too far apart', () => {
    const rows = [row('d1', 'bca', 1, -100_000, 'TRSF DB'), { ...row('c1', 'bri', 2, 100_000, 'TRSF CR'), currency: 'USD' }, row('c2', 'bri', 1 + 24 * 5, 100_000, 'TRSF CR')];
    expect(detectOwnTransfers(rows, [{ accountId: 'bca' }, { accountId: 'bri' }]).size).toBe(0);
  });

  it('recognises a transfer naming another own account number or the holder, with the other side not connected', () => {
    const rows = [row('a', 'bca', 1, -200_000_000, 'TRSF E-BANKING DB 0112/FTSCY/WS95051 034101000743303'), row('b', 'bca', 2, 300_000_000, 'BI-FAST CR BUDI SANTOSO'), row('c', 'bca', 3, 300_000_000, 'BI-FAST CR SITI RAHMAWATI'), row('d', 'bca', 4, -90_000, 'QRIS BUDI SANTOSO BAKERY')];
    const own = detectOwnTransfers(rows, [{ accountId: 'bca', holderName: 'Budi Santoso' }, { accountId: 'bri', accountNumber: '034101000743303' }]);
    expect([...own].sort()).toEqual(['a', 'b']);
  });
});
