/** Mandiri: Mandiri Cash Management (MCM, business) CSV in its comma and semicolon variants, and Livin' by Mandiri e-statements. */
import { STYLE_FORMAT } from '../amount.js';
import { key } from '../table.js';
import { allColumns, findColumn } from './layout.js';
import type { StatementTemplate } from './template.js';

/**
 * `Account No,Date,Val. Date,Transaction Code,Description,Description,Reference No.,Debit,Credit`: two Description
 * columns (joined), dd/mm/yy dates, zero as `.00`, US thousands. The semicolon variant names them
 * `AccountNo;Ccy;PostDate;Remarks;…;Credit Amount;Debit Amount`.
 */
export const mandiriMcm: StatementTemplate = {
  id: 'mandiri-mcm',
  bank: 'MANDIRI',
  name: 'Mandiri Cash Management (MCM) CSV',
  formats: ['csv', 'xlsx'],
  certainty: 'known',
  note: 'The semicolon variant (AccountNo;Ccy;PostDate;Remarks;…) is read by the same template.',
  columns: ['Account No', 'Date', 'Val. Date', 'Transaction Code', 'Description', 'Description', 'Reference No.', 'Debit', 'Credit'],
  example: 'mandiri-mcm.csv',
  numberFormat: STYLE_FORMAT.us,
  options: { numberFormat: STYLE_FORMAT.us },
  bankHint: /mandiri|mcm/i,
  findColumns(cells) {
    const keys = cells.map(key);
    const account = findColumn(keys, ['account no', 'accountno']);
    if (account === undefined) return undefined;
    const date = findColumn(keys, ['date', 'postdate', 'post date']);
    const description = allColumns(keys, ['description', 'remarks', 'additional desc', 'additionaldesc']);
    const debit = findColumn(keys, ['debit', 'debit amount']);
    const credit = findColumn(keys, ['credit', 'credit amount']);
    if (date === undefined || !description.length || debit === undefined || credit === undefined) return undefined;
    return {
      date,
      description,
      debit,
      credit,
      externalId: findColumn(keys, ['reference no', 'reference no.', 'referenceno']),
      currency: findColumn(keys, ['ccy', 'currency']),
      balance: findColumn(keys, ['balance', 'close balance', 'closing balance']),
      // MCM names its account on every row, not in a header: the import's account is found by it.
      account,
    };
  },
};

/** Livin' by Mandiri e-statement (Excel/PDF): Indonesian numbers `1.234.567,89`. Column names reported by users. */
export const mandiriLivin: StatementTemplate = {
  id: 'mandiri-livin',
  bank: 'MANDIRI',
  name: "Livin' by Mandiri e-Statement (XLSX/CSV/PDF)",
  formats: ['xlsx', 'csv', 'pdf'],
  certainty: 'best-guess',
  note: 'Columns from user reports (Tgl./Tanggal, Rincian Transaksi/Keterangan, No. Referensi, Debit, Kredit, Saldo); no real export was available.',
  columns: ['Tanggal', 'Rincian Transaksi', 'No. Referensi', 'Debit', 'Kredit', 'Saldo'],
  example: 'mandiri-livin.csv',
  numberFormat: STYLE_FORMAT.id,
  options: { numberFormat: STYLE_FORMAT.id, continuationLines: false },
  bankHint: /livin|mandiri/i,
  findColumns(cells) {
    const keys = cells.map(key);
    const date = findColumn(keys, ['tgl', 'tanggal', 'tanggal transaksi']);
    const description = findColumn(keys, ['rincian transaksi', 'keterangan', 'rincian']);
    const debit = findColumn(keys, ['debit', 'debet']);
    const credit = findColumn(keys, ['kredit']);
    if (date === undefined || description === undefined || debit === undefined || credit === undefined) return undefined;
    if (!keys.includes('no referensi') && !keys.includes('tgl val') && !keys.includes('rincian transaksi')) return undefined;
    return { date, description: [description], debit, credit, balance: findColumn(keys, ['saldo']), externalId: findColumn(keys, ['no referensi']) };
  },
};
