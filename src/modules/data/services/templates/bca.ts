/**
 * BCA: KlikBCA Individual "Mutasi Rekening" CSV (Indonesian and English UI), KlikBCA Bisnis CSV, myBCA PDF e-statement.
 * Layouts from provider-protocols §g (several independent parsers agree on KlikBCA individual).
 */
import { STYLE_FORMAT } from '../amount.js';
import { key } from '../table.js';
import { findColumn } from './layout.js';
import type { StatementTemplate } from './template.js';

/** `Tanggal Transaksi,Keterangan,Cabang,Jumlah,,Saldo`: the unnamed 5th column holds CR/DB. */
function klikbcaIndividual(lang: 'id' | 'en'): StatementTemplate {
  const names = lang === 'id' ? ['tanggal transaksi', 'keterangan', 'cabang', 'jumlah', 'saldo'] : ['date', 'description', 'branch', 'amount', 'balance'];
  return {
    id: `bca-klikbca-${lang}`,
    bank: 'BCA',
    name: `KlikBCA Individual — Mutasi Rekening CSV (${lang === 'id' ? 'Bahasa Indonesia' : 'English'})`,
    formats: ['csv', 'xlsx'],
    certainty: 'known',
    note: 'Dates are dd/mm without a year (taken from Periode); PEND rows are reported, not imported.',
    columns: lang === 'id' ? ['Tanggal Transaksi', 'Keterangan', 'Cabang', 'Jumlah', '', 'Saldo'] : ['Date', 'Description', 'Branch', 'Amount', '', 'Balance'],
    example: `bca-klikbca-${lang}.csv`,
    numberFormat: STYLE_FORMAT.us,
    options: { numberFormat: STYLE_FORMAT.us },
    bankHint: /klikbca|mutasi rekening|kode mata uang/i,
    findColumns(cells) {
      const keys = cells.map(key);
      const date = findColumn(keys, [names[0]]);
      const amount = findColumn(keys, [names[3]]);
      const balance = findColumn(keys, [names[4]]);
      if (date === undefined || amount === undefined || balance === undefined || balance !== amount + 2 || keys[amount + 1] !== '') return undefined;
      const description = findColumn(keys, [names[1]]);
      if (description === undefined) return undefined;
      return { date, description: [description], amount, direction: amount + 1, balance };
    },
  };
}

export const klikbcaId = klikbcaIndividual('id');
export const klikbcaEn = klikbcaIndividual('en');

/** KlikBCA Bisnis: `Tanggal Transaksi,"Keterangan","Cabang","Jumlah"`, full dates, `287,490.00 DB` in one field, no balance. */
export const klikbcaBisnis: StatementTemplate = {
  id: 'bca-klikbca-bisnis',
  bank: 'BCA',
  name: 'KlikBCA Bisnis — Mutasi Rekening CSV',
  formats: ['csv', 'xlsx'],
  certainty: 'known',
  note: 'Amount and direction share one field ("287,490.00 DB"); an amount without suffix is a credit.',
  columns: ['Tanggal Transaksi', 'Keterangan', 'Cabang', 'Jumlah'],
  example: 'bca-klikbca-bisnis.csv',
  numberFormat: STYLE_FORMAT.us,
  options: { numberFormat: STYLE_FORMAT.us, unsignedMeans: 'credit' },
  bankHint: /klikbca|bisnis/i,
  findColumns(cells) {
    const keys = cells.map(key);
    const date = findColumn(keys, ['tanggal transaksi', 'tanggal']);
    const description = findColumn(keys, ['keterangan']);
    const amount = findColumn(keys, ['jumlah']);
    if (date === undefined || description === undefined || amount === undefined) return undefined;
    if (keys.includes('saldo') || keys[amount + 1] === '' && keys.length > amount + 2) return undefined;
    return { date, description: [description], amount };
  },
};

/** myBCA / KlikBCA PDF e-statement: TANGGAL KETERANGAN CBG MUTASI SALDO; debits carry `DB`, credits nothing. */
export const bcaEstatementPdf: StatementTemplate = {
  id: 'bca-estatement-pdf',
  bank: 'BCA',
  name: 'BCA e-Statement (PDF, myBCA/KlikBCA)',
  formats: ['pdf'],
  certainty: 'known',
  note: 'Continuation lines of long descriptions are joined to their row; SALDO AWAL is the opening balance.',
  columns: ['TANGGAL', 'KETERANGAN', 'CBG', 'MUTASI', 'SALDO'],
  example: 'generated in importers/pdf.test.ts',
  numberFormat: STYLE_FORMAT.us,
  options: { numberFormat: STYLE_FORMAT.us, unsignedMeans: 'credit', continuationLines: true },
  bankHint: /\bBCA\b|REKENING TAHAPAN|KCU|TAHAPAN/i,
  findColumns(cells) {
    const keys = cells.map(key);
    const date = findColumn(keys, ['tanggal', 'tgl']);
    const description = findColumn(keys, ['keterangan']);
    const amount = findColumn(keys, ['mutasi']);
    const balance = findColumn(keys, ['saldo']);
    if (date === undefined || description === undefined || amount === undefined || !keys.includes('cbg')) return undefined;
    return { date, description: [description], amount, balance };
  },
};
