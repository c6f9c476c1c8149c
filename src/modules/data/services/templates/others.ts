/**
 * BNI, CIMB Niaga and Danamon publish PDF e-statements only and no public export sample was found: these three
 * templates are documented best guesses from parser code and statement screenshots, marked `best-guess` so the
 * user is told, and any file they do not fit can be read with a custom mapping.
 */
import { STYLE_FORMAT } from '../amount.js';
import { key } from '../table.js';
import { findColumn } from './layout.js';
import type { StatementTemplate } from './template.js';

/** BNI e-statement: Posting Date | Effective Date | Branch | Journal No. | Description | Amount | DB/CR | Balance (US numbers). */
export const bni: StatementTemplate = {
  id: 'bni-estatement',
  bank: 'BNI',
  name: 'BNI e-Statement (PDF/CSV)',
  formats: ['pdf', 'csv', 'xlsx'],
  certainty: 'best-guess',
  note: 'Layout reconstructed from BNI e-statement screenshots; not confirmed against a real export.',
  columns: ['Posting Date', 'Effective Date', 'Branch', 'Journal No.', 'Description', 'Amount', 'DB/CR', 'Balance'],
  example: 'bni-estatement.csv',
  numberFormat: STYLE_FORMAT.us,
  options: { numberFormat: STYLE_FORMAT.us, continuationLines: true },
  bankHint: /\bBNI\b|bank negara indonesia|wondr/i,
  findColumns(cells) {
    const keys = cells.map(key);
    const date = findColumn(keys, ['posting date', 'tanggal posting']);
    const description = findColumn(keys, ['description', 'uraian transaksi', 'keterangan']);
    const amount = findColumn(keys, ['amount', 'nominal']);
    const direction = findColumn(keys, ['db cr', 'd k', 'tipe']);
    if (date === undefined || description === undefined || amount === undefined || direction === undefined) return undefined;
    return { date, description: [description], amount, direction, balance: findColumn(keys, ['balance', 'saldo']), externalId: findColumn(keys, ['journal no', 'no jurnal']) };
  },
};

/** CIMB Niaga (OCTO) 2024 English layout: POST DATE | EFF DATE | CHEQUE NO | DESCRIPTION | DEBIT | CREDIT | BALANCE. */
export const cimbNiaga: StatementTemplate = {
  id: 'cimb-niaga-estatement',
  bank: 'CIMB',
  name: 'CIMB Niaga e-Statement (PDF/CSV, 2024 layout)',
  formats: ['pdf', 'csv', 'xlsx'],
  certainty: 'best-guess',
  note: 'From parser code describing the 2024 nine-column layout; the 2022 bilingual layout reads through a custom mapping.',
  columns: ['Post Date', 'Eff Date', 'Cheque No', 'Description', 'Debit', 'Credit', 'Balance'],
  example: 'cimb-niaga-estatement.csv',
  numberFormat: STYLE_FORMAT.us,
  options: { numberFormat: STYLE_FORMAT.us, continuationLines: true },
  bankHint: /cimb|niaga|octo/i,
  findColumns(cells) {
    const keys = cells.map(key);
    const date = findColumn(keys, ['post date', 'posting date', 'tgl posting']);
    const effective = findColumn(keys, ['eff date', 'effective date']);
    const description = findColumn(keys, ['description', 'keterangan', 'transaction description']);
    const debit = findColumn(keys, ['debit', 'debet']);
    const credit = findColumn(keys, ['credit', 'kredit']);
    if (date === undefined || effective === undefined || description === undefined || debit === undefined || credit === undefined) return undefined;
    return { date, description: [description], debit, credit, balance: findColumn(keys, ['balance', 'saldo']) };
  },
};

/** Danamon (D-Bank) e-statement: Tanggal | Tanggal Valuta | Keterangan | Debit | Kredit | Saldo, Indonesian numbers. */
export const danamon: StatementTemplate = {
  id: 'danamon-estatement',
  bank: 'DANAMON',
  name: 'Danamon e-Statement (PDF/CSV)',
  formats: ['pdf', 'csv', 'xlsx'],
  certainty: 'best-guess',
  note: 'No public sample exists; Indonesian number format assumed as in other Indonesian PDF statements.',
  columns: ['Tanggal', 'Tanggal Valuta', 'Keterangan', 'Debit', 'Kredit', 'Saldo'],
  example: 'danamon-estatement.csv',
  numberFormat: STYLE_FORMAT.id,
  options: { continuationLines: true },
  bankHint: /danamon|d-bank/i,
  findColumns(cells) {
    const keys = cells.map(key);
    const date = findColumn(keys, ['tanggal', 'tanggal transaksi']);
    const valuta = findColumn(keys, ['tanggal valuta', 'tgl valuta']);
    const description = findColumn(keys, ['keterangan', 'uraian']);
    const debit = findColumn(keys, ['debit', 'debet']);
    const credit = findColumn(keys, ['kredit']);
    if (date === undefined || valuta === undefined || description === undefined || debit === undefined || credit === undefined) return undefined;
    return { date, description: [description], debit, credit, balance: findColumn(keys, ['saldo']) };
  },
};
