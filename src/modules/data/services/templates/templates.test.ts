import { describe, expect, it } from 'vitest';
import { fixture } from '../test-helpers.js';
import { validateStatement } from '../validate.js';
import { mappingSchema } from './generic.js';

const amounts = (r: Awaited<ReturnType<typeof validateStatement>>) => r.rows.map((x) => [x.date, x.amountMinor]);

describe('bank templates', () => {
  it('KlikBCA individual (ID): header block, yearless dates across New Year, CR/DB column, PEND, footer checks', async () => {
    const r = await validateStatement(fixture('bca-klikbca-id.csv'));
    expect(r.template).toMatchObject({ id: 'bca-klikbca-id', confidence: 1 });
    expect(r.info).toMatchObject({ accountNumber: '0123456789', period: { from: '2024-12-15', to: '2025-01-14' }, currency: 'IDR' });
    expect(r.summary).toEqual({ total: 10, valid: 10, invalid: 0, duplicates: 0, pending: 1 });
    expect(r.rows[0]).toMatchObject({ date: '2024-12-16', amountMinor: -15000000, balanceMinor: 985000000, currency: 'IDR', description: 'TRSF E-BANKING DB 1612/FTSCY/WS95051 150000.00 ANDI WIJAYA' });
    expect(r.rows[1]).toMatchObject({ date: '2024-12-18', amountMinor: 1250000000 });
    expect(r.rows.at(-1)).toMatchObject({ date: '2025-01-05', amountMinor: -275487654, balanceMinor: 1900000000 });
    // Two identical coffees on one day are two rows, not a duplicate.
    expect(r.rows.filter((x) => x.description.includes('KOPI KENANGAN'))).toHaveLength(2);
    expect(r.pending[0]).toMatchObject({ amountMinor: -25000000 });
    expect(r.checks.map((c) => [c.check, c.ok])).toEqual([['credit-total', true], ['debit-total', true], ['closing-balance', true]]);
  });

  it('KlikBCA individual (EN), Windows-1252 encoded', async () => {
    const r = await validateStatement(fixture('bca-klikbca-en.csv'));
    expect(r.template?.id).toBe('bca-klikbca-en');
    expect(r.info.holder).toBe('JOSÉ RAMOS');
    expect(r.rows[0].description).toContain('JOSÉ RAMOS');
    expect(amounts(r)).toEqual([['2024-09-02', 250000000], ['2024-09-03', -8750000], ['2024-09-05', -125000000], ['2024-09-30', -1000000]]);
    expect(r.checks.every((c) => c.ok)).toBe(true);
  });

  it('KlikBCA Bisnis: amount and direction in one field, no suffix = credit', async () => {
    const r = await validateStatement(fixture('bca-klikbca-bisnis.csv'));
    expect(r.template?.id).toBe('bca-klikbca-bisnis');
    expect(amounts(r)).toEqual([['2024-06-03', -28749000], ['2024-06-03', 451230000], ['2024-06-04', 1500000000], ['2024-06-05', -500000], ['2024-06-06', 125000000]]);
  });

  it('a broken KlikBCA file: each bad row rejected with its reason, the rest kept, the footer mismatch reported', async () => {
    const r = await validateStatement(fixture('bca-klikbca-broken.csv'));
    expect(r.summary).toMatchObject({ total: 5, valid: 2, invalid: 3 });
    expect(r.errors.slice(0, 3)).toEqual([
      { row: 7, field: 'date', message: '"31/11" is not a day-first date' },
      { row: 8, field: 'amount', message: '"sepuluh ribu" is not an amount' },
      { row: 9, field: 'direction', message: 'no CR/DB for this amount' },
    ]);
    const debit = r.checks.find((c) => c.check === 'debit-total')!;
    expect(debit).toMatchObject({ ok: false, expectedMinor: 16000000, actualMinor: 5000000 });
    expect(r.errors.some((e) => e.field === 'debit-total' && e.message.includes('3 rejected rows'))).toBe(true);
  });

  it('Mandiri MCM: duplicate Description columns joined, dd/mm/yy, ".00" zeros, reference as id', async () => {
    const r = await validateStatement(fixture('mandiri-mcm.csv'));
    expect(r.template?.id).toBe('mandiri-mcm');
    expect(r.rows[0]).toMatchObject({ date: '2025-01-02', amountMinor: -45368400, externalId: 'MCM2501020001', description: 'MCM InhouseTrf KE 1370012345678 PT ANUGERAH' });
    expect(amounts(r).slice(1)).toEqual([['2025-01-03', 1275000000], ['2025-01-06', -290000], ['2025-01-31', 841525], ['2025-01-31', -168305]]);
  });

  it('Mandiri MCM semicolon variant', async () => {
    const r = await validateStatement(fixture('mandiri-mcm-semicolon.csv'));
    expect(r.template?.id).toBe('mandiri-mcm');
    expect(r.rows.map((x) => [x.amountMinor, x.balanceMinor])).toEqual([[150000000, 1150000000], [-25000000, 1125000000]]);
  });

  it("Livin' (Indonesian numbers, month names), BRI, BNI, CIMB Niaga, Danamon", async () => {
    const livin = await validateStatement(fixture('mandiri-livin.csv'));
    expect(livin.template).toMatchObject({ id: 'mandiri-livin', certainty: 'best-guess' });
    expect(amounts(livin)).toEqual([['2024-08-01', 150000000], ['2024-08-03', -8200000], ['2024-08-17', -10000000], ['2024-08-31', -1250000]]);
    const bri = await validateStatement(fixture('bri.csv'));
    expect(bri.template?.id).toBe('bri-csv');
    expect(bri.rows[1]).toMatchObject({ date: '2024-10-02', amountMinor: -35000000, balanceMinor: 215000000, description: 'PEMBAYARAN BRIVA BRIVA 88908123456' });
    const bni = await validateStatement(fixture('bni-estatement.csv'));
    expect(bni.template?.id).toBe('bni-estatement');
    expect(amounts(bni)).toEqual([['2024-07-01', 200000000], ['2024-07-02', -5000000]]);
    const cimb = await validateStatement(fixture('cimb-niaga-estatement.csv'));
    expect(cimb.template?.id).toBe('cimb-niaga-estatement');
    expect(amounts(cimb)).toEqual([['2024-03-01', 300000000], ['2024-03-04', -50000000], ['2024-03-31', 123456], ['2024-03-31', -24691]]);
    const danamon = await validateStatement(fixture('danamon-estatement.csv'));
    expect(danamon.template?.id).toBe('danamon-estatement');
    expect(amounts(danamon)).toEqual([['2024-05-02', 100000000], ['2024-05-03', -250000000]]);
  });

  it('a generic Indonesian table (BOM, semicolons, signed 1.000,00 amounts) falls to the generic layout', async () => {
    const r = await validateStatement(fixture('generic-id.csv'));
    expect(r.template).toMatchObject({ id: 'generic', confidence: 0.55 });
    expect(r.rows.map((x) => [x.amountMinor, x.description])).toEqual([[1500000000, 'Gaji April'], [-250000000, 'Sewa kos'], [-2500000, 'Makan siang; warteg']]);
  });

  it('an unrecognised layout is refused with what was recognised', async () => {
    await expect(validateStatement(fixture('not-a-statement.txt'))).rejects.toMatchObject({ code: 'UNPROCESSABLE', details: { recognised: { format: 'csv' } } });
  });

  it('a custom mapping reads a layout no template knows, and a mapping that does not fit says so', async () => {
    const mapping = mappingSchema.parse({ columns: { date: 'Keterangan', description: 'Tanggal', amount: 'Jumlah' } });
    await expect(validateStatement(fixture('mandiri-mcm.csv'), { mapping })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    const byPosition = mappingSchema.parse({ columns: { date: 1, description: 2, amount: 3 }, decimalSeparator: ',', thousandsSeparator: '.', sign: 'inverted' });
    const r = await validateStatement(fixture('generic-id.csv'), { mapping: byPosition });
    // Inverted: the sheet's negative numbers are money in.
    expect(r.rows.map((x) => x.amountMinor)).toEqual([-1500000000, 250000000, 2500000]);
  });

  it('the mapping schema explains what is missing', () => {
    const bad = mappingSchema.safeParse({ columns: { date: 'A', description: 'B' }, sign: 'debit-credit' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toContain('columns.debit');
  });
});
