/**
 * Files no bank template claims: a spreadsheet of the user's own, or an unknown bank's CSV. `genericTemplate` finds
 * the usual column names (English and Indonesian); `mappingTemplate` follows a user's saved mapping exactly.
 */
import { z } from 'zod';
import type { NumberFormat } from '../amount.js';
import { key, type Cell } from '../table.js';
import { allColumns, findColumn, type ColumnLayout } from './layout.js';
import type { StatementTemplate } from './template.js';

const ALIASES = {
  date: ['date', 'tanggal', 'tgl', 'transaction date', 'tanggal transaksi', 'posting date', 'post date', 'booking date', 'tgl transaksi', 'waktu'],
  description: ['description', 'keterangan', 'uraian', 'memo', 'narrative', 'details', 'rincian', 'rincian transaksi', 'payee', 'remarks', 'catatan', 'merchant'],
  amount: ['amount', 'jumlah', 'nominal', 'mutasi', 'nilai', 'value'],
  debit: ['debit', 'debet', 'withdrawal', 'pengeluaran', 'keluar', 'money out'],
  credit: ['credit', 'kredit', 'deposit', 'pemasukan', 'masuk', 'money in'],
  direction: ['type', 'tipe', 'db cr', 'cr db', 'd k', 'jenis', 'direction'],
  balance: ['balance', 'saldo', 'running balance'],
  externalId: ['id', 'reference', 'reference no', 'ref', 'no referensi', 'transaction id', 'fitid'],
  currency: ['currency', 'ccy', 'mata uang'],
};

export function genericColumns(cells: Cell[]): ColumnLayout | undefined {
  const keys = cells.map(key);
  const date = findColumn(keys, ALIASES.date);
  const description = findColumn(keys, ALIASES.description);
  if (date === undefined || description === undefined) return undefined;
  const amount = findColumn(keys, ALIASES.amount);
  const debit = findColumn(keys, ALIASES.debit);
  const credit = findColumn(keys, ALIASES.credit);
  if (amount === undefined && (debit === undefined || credit === undefined)) return undefined;
  const base = { date, description: [description], balance: findColumn(keys, ALIASES.balance), externalId: findColumn(keys, ALIASES.externalId), currency: findColumn(keys, ALIASES.currency) };
  if (debit !== undefined && credit !== undefined) return { ...base, debit, credit };
  return { ...base, amount, direction: findColumn(keys, ALIASES.direction) };
}

export const genericTemplate: StatementTemplate = {
  id: 'generic',
  bank: 'ANY',
  name: 'Generic table (Date, Description, Amount or Debit/Credit, Balance)',
  formats: ['csv', 'xlsx', 'pdf'],
  certainty: 'known',
  note: 'Column names in English or Indonesian; amounts signed, with a CR/DB column or suffix, or in Debit/Credit columns.',
  columns: ['Date', 'Description', 'Amount', 'Balance'],
  example: 'generic-id.csv',
  options: {},
  findColumns: genericColumns,
};

const columnRef = z.union([z.string().min(1).max(100), z.number().int().min(1).max(256)]);

/** A user's mapping: column names (or 1-based positions) to fields, date pattern, separators, sign convention. */
export const mappingSchema = z
  .object({
    columns: z.object({
      date: columnRef,
      description: z.union([columnRef, z.array(columnRef).min(1).max(5)]),
      amount: columnRef.optional(),
      debit: columnRef.optional(),
      credit: columnRef.optional(),
      direction: columnRef.optional(),
      balance: columnRef.optional(),
      externalId: columnRef.optional(),
      currency: columnRef.optional(),
    }),
    dateFormat: z.string().regex(/^[DMY/.\- ]+$/, 'use D, M, Y and / . - or space, e.g. DD/MM/YYYY').max(20).optional(),
    decimalSeparator: z.enum(['.', ',']).optional(),
    thousandsSeparator: z.enum([',', '.', ' ', '']).optional(),
    /** signed: negative = debit; inverted: negative = credit (card statements); debit-credit: two columns; direction: a CR/DB column. */
    sign: z.enum(['signed', 'inverted', 'debit-credit', 'direction']).default('signed'),
    currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  })
  .superRefine((m, ctx) => {
    const c = m.columns;
    if (m.sign === 'debit-credit' && (c.debit === undefined || c.credit === undefined)) ctx.addIssue({ code: 'custom', path: ['columns', 'debit'], message: 'sign "debit-credit" needs both debit and credit columns' });
    if (m.sign !== 'debit-credit' && c.amount === undefined) ctx.addIssue({ code: 'custom', path: ['columns', 'amount'], message: 'an amount column is required unless sign is "debit-credit"' });
    if (m.sign === 'direction' && c.direction === undefined) ctx.addIssue({ code: 'custom', path: ['columns', 'direction'], message: 'sign "direction" needs a direction column' });
    if (m.decimalSeparator && m.thousandsSeparator && m.decimalSeparator === m.thousandsSeparator) ctx.addIssue({ code: 'custom', path: ['thousandsSeparator'], message: 'must differ from the decimal separator' });
  });
export type Mapping = z.infer<typeof mappingSchema>;

function numberFormatOf(m: Mapping): NumberFormat | undefined {
  if (!m.decimalSeparator && m.thousandsSeparator === undefined) return undefined;
  const decimal = m.decimalSeparator ?? (m.thousandsSeparator === '.' ? ',' : '.');
  const thousands = m.thousandsSeparator ?? (decimal === ',' ? '.' : ',');
  return { decimal, thousands };
}

export function mappingTemplate(mapping: Mapping): StatementTemplate {
  const refs = mapping.columns;
  const byName = Object.values(refs).flat().some((r) => typeof r === 'string');
  const findColumns = (cells: Cell[]): ColumnLayout | undefined => {
    const keys = cells.map(key);
    const resolve = (ref: string | number | undefined): number | undefined => {
      if (ref === undefined) return undefined;
      if (typeof ref === 'number') return ref - 1;
      const i = keys.indexOf(key(ref));
      return i >= 0 ? i : undefined;
    };
    const descriptionRefs = Array.isArray(refs.description) ? refs.description : [refs.description];
    const description = descriptionRefs.map(resolve);
    const date = resolve(refs.date);
    if (date === undefined || description.some((d) => d === undefined)) return undefined;
    // A mapping by position alone has no header row to find: the first row that does not parse is reported.
    if (!byName && keys.filter(Boolean).length === 0) return undefined;
    const layout: ColumnLayout = { date, description: description as number[], balance: resolve(refs.balance), externalId: resolve(refs.externalId), currency: resolve(refs.currency) };
    if (mapping.sign === 'debit-credit') {
      layout.debit = resolve(refs.debit);
      layout.credit = resolve(refs.credit);
      if (layout.debit === undefined || layout.credit === undefined) return undefined;
    } else {
      layout.amount = resolve(refs.amount);
      if (layout.amount === undefined) return undefined;
      if (mapping.sign === 'direction') {
        layout.direction = resolve(refs.direction);
        if (layout.direction === undefined) return undefined;
      }
    }
    // Names must all be found in one row for it to be the header.
    if (byName) {
      const named = Object.values(refs).flat().filter((r): r is string => typeof r === 'string');
      if (!named.every((n) => keys.includes(key(n)))) return undefined;
    }
    return layout;
  };
  return {
    id: 'custom-mapping',
    bank: 'ANY',
    name: 'Custom mapping',
    formats: ['csv', 'xlsx', 'pdf'],
    certainty: 'known',
    columns: Object.values(refs).flat().map(String),
    example: 'custom-mapping.xlsx',
    options: { numberFormat: numberFormatOf(mapping), datePattern: mapping.dateFormat, invertSign: mapping.sign === 'inverted', currency: mapping.currency },
    findColumns,
  };
}
