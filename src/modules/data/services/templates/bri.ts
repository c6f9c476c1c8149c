/**
 * BRI e-statement / Qlola / IBBIZ CSV: one header row in UPPER_SNAKE (`TGL_TRAN`, `DESK_TRAN`, `MUTASI_DEBET`,
 * `MUTASI_KREDIT`, `SALDO_AKHIR_MUTASI`), ISO-ish dates, plain decimals. The full column list is unverified, so the
 * template finds columns by name and ignores the rest.
 */
import { STYLE_FORMAT } from '../amount.js';
import { key } from '../table.js';
import { findColumn } from './layout.js';
import type { StatementTemplate } from './template.js';

export const bri: StatementTemplate = {
  id: 'bri-csv',
  bank: 'BRI',
  name: 'BRI e-Statement / Qlola / IBBIZ CSV',
  formats: ['csv', 'xlsx'],
  certainty: 'best-guess',
  note: 'Column names confirmed (TGL_TRAN, MUTASI_DEBET, MUTASI_KREDIT, SALDO_AKHIR_MUTASI, DESK_TRAN/TRREMK); their full list and order are not.',
  columns: ['ID', 'NOREK', 'TGL_TRAN', 'TGL_EFEKTIF', 'JAM_TRAN', 'KODE_TRAN', 'DESK_TRAN', 'MUTASI_DEBET', 'MUTASI_KREDIT', 'SALDO_AWAL_MUTASI', 'SALDO_AKHIR_MUTASI', 'TRREMK', 'REMARK_CUSTOM'],
  example: 'bri.csv',
  numberFormat: STYLE_FORMAT.us,
  options: { numberFormat: { decimal: '.', thousands: '' } },
  bankHint: /NOREK|TGL_TRAN/,
  findColumns(cells) {
    const keys = cells.map((c) => key(c).replace(/ /g, '_'));
    const date = findColumn(keys, ['tgl_tran']);
    const debit = findColumn(keys, ['mutasi_debet']);
    const credit = findColumn(keys, ['mutasi_kredit']);
    const description = findColumn(keys, ['desk_tran']) ?? findColumn(keys, ['trremk']);
    if (date === undefined || debit === undefined || credit === undefined || description === undefined) return undefined;
    const remark = findColumn(keys, ['trremk']);
    return {
      date,
      description: remark !== undefined && remark !== description ? [description, remark] : [description],
      debit,
      credit,
      balance: findColumn(keys, ['saldo_akhir_mutasi']),
    };
  },
};
