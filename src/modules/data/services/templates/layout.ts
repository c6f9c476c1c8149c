/**
 * One interpreter for every tabular statement (bank templates and custom mappings alike): a header block of
 * `label : value` lines (No. rekening, Periode, Kode Mata Uang), a column header row, transaction rows, and a footer
 * of totals. What differs per bank is which columns mean what and how amounts carry their direction; that is the
 * `ColumnLayout` a template finds in the header row.
 */
import { detectNumberStyle, parseAmount, signed, STYLE_FORMAT, type Direction, type NumberFormat } from '../amount.js';
import { parsePeriod, parseStatementDate, parseWithPattern, type Period } from '../dates.js';
import type { ImportEvent, StatementInfo, StatementRow, StatementTotals } from '../model.js';
import { alignToHeader, isBlank, key, text, type Cell, type TableRecord } from '../table.js';

export interface ColumnLayout {
  date: number;
  description: number[];
  /** One amount column; its direction from `direction`, a CR/DB suffix, its sign, or `unsignedMeans`. */
  amount?: number;
  direction?: number;
  debit?: number;
  credit?: number;
  balance?: number;
  externalId?: number;
  currency?: number;
  /** A column holding the account number on every row (Mandiri MCM), when no header block names it. */
  account?: number;
}

export interface LayoutOptions {
  /** Fixed by the template when the bank always prints one style; else detected from the file's first rows. */
  numberFormat?: NumberFormat;
  /** A user's date pattern (custom mapping); templates use the day-first parser. */
  datePattern?: string;
  /** What an amount without sign, suffix or direction column means. */
  unsignedMeans?: 'signed' | 'credit' | 'debit';
  /** Negative amounts are money in (credit-card style exports). */
  invertSign?: boolean;
  /** PDFs wrap long descriptions onto lines without a date: append them to the row above. */
  continuationLines?: boolean;
  currency?: string;
}

export interface InterpretInput {
  findColumns(cells: Cell[]): ColumnLayout | undefined;
  options: LayoutOptions;
  /** User-given currency/period override the header block. */
  currency?: string;
  period?: Period;
}

const HEADER_FIELDS: [RegExp, keyof StatementInfo | 'currencyLabel'][] = [
  [/^(no\.?\s*rekening|nomor rekening|no\.?\s*rek|account\s*(no|number)|nomor akun)\b/i, 'accountNumber'],
  [/^(periode|period|statement period|periode transaksi|periode mutasi)\b/i, 'period'],
  [/^(nama|name|account name|nama rekening)\b/i, 'holder'],
  [/^(kode mata uang|mata uang|currency)\b/i, 'currencyLabel'],
];

const FOOTER_FIELDS: [RegExp, keyof StatementTotals][] = [
  [/^(saldo awal|opening balance|beginning balance|starting balance|saldo awal periode)\b/i, 'openingMinor'],
  [/^(saldo akhir|closing balance|ending balance|saldo akhir periode)\b/i, 'closingMinor'],
  [/^(mutasi kredit|mutasi cr|total kredit|total credit|credit total|credit mutation|total mutasi kredit)\b/i, 'creditMinor'],
  [/^(mutasi debet|mutasi debit|mutasi db|total debet|total debit|debit total|debit mutation|total mutasi debet)\b/i, 'debitMinor'],
];

function currencyFromLabel(value: string): string | undefined {
  const v = value.trim().toUpperCase();
  if (v === 'RP' || v === 'RP.' || v === 'RUPIAH') return 'IDR';
  return /^[A-Z]{3}$/.test(v) ? v : undefined;
}

/** `No. rekening : 1234567890` in one cell, `No. rekening,:,1234567890` across three, or `Periode : ,01/12/2024 - …`. */
export function labelValue(cells: Cell[]): [string, string] | undefined {
  const parts = cells.map(text).filter((c) => c !== '' && c !== ':');
  if (!parts.length) return undefined;
  const joined = parts.join(' ');
  const m = /^([^:]+?)\s*:\s*(.*)$/.exec(joined);
  if (m) return [m[1].trim(), m[2].trim()];
  if (parts.length >= 2) return [parts[0], parts.slice(1).join(' ')];
  return undefined;
}

function readHeaderLine(cells: Cell[], info: StatementInfo): boolean {
  const lv = labelValue(cells);
  if (!lv) return false;
  for (const [re, field] of HEADER_FIELDS) {
    if (!re.test(lv[0])) continue;
    if (field === 'accountNumber') info.accountNumber = lv[1].replace(/^'+/, '').replace(/\s/g, '');
    else if (field === 'holder') info.holder = lv[1];
    else if (field === 'period') {
      const period = parsePeriod(lv[1]);
      if (period) info.period = period;
    } else if (field === 'currencyLabel') info.currency = currencyFromLabel(lv[1]) ?? info.currency;
    return true;
  }
  return false;
}

/**
 * What the header block above the column header row says (account number, period, holder, currency), from the first
 * records alone: the import needs the account a statement names before the job reads the whole file.
 */
export function headerInfo(head: TableRecord[], findColumns: (cells: Cell[]) => ColumnLayout | undefined): StatementInfo {
  const info: StatementInfo = {};
  let layout: ColumnLayout | undefined;
  for (const record of head) {
    if (layout) {
      if (accountFromRow(record.cells, layout, info)) break;
      continue;
    }
    layout = findColumns(record.cells);
    if (!layout) readHeaderLine(record.cells, info);
    else if (layout.account === undefined || info.accountNumber) break;
  }
  return info;
}

/** The account number a row carries in its own column (Mandiri MCM), when the header block named none. */
function accountFromRow(cells: Cell[], layout: ColumnLayout, info: StatementInfo): boolean {
  if (layout.account === undefined || info.accountNumber) return false;
  const value = text(cells[layout.account]).replace(/\s/g, '');
  if (!/^\d{6,}$/.test(value)) return false;
  info.accountNumber = value;
  return true;
}

/** A footer line's total, or undefined when the line is not one. `Mutasi Kredit : 3 , 1,500,000.00` keeps the count. */
function readFooterLine(cells: Cell[], totals: StatementTotals, currency: string, format: NumberFormat | undefined, line: number): boolean {
  const parts = cells.map(text).filter((c) => c !== '' && c !== ':');
  if (!parts.length) return false;
  const joined = parts.join(' ');
  for (const [re, field] of FOOTER_FIELDS) {
    const m = re.exec(joined);
    if (!m) continue;
    const rest = joined.slice(m[0].length).replace(/^[\s:]+/, '');
    // The amount is the last number-like token; a count of rows may come before it.
    const tokens = rest.split(/\s+/).filter(Boolean);
    let amount: number | undefined;
    let count: number | undefined;
    for (let i = tokens.length - 1; i >= 0 && amount === undefined; i--) {
      const t = tokens[i];
      const tail = /^(CR|DB)$/i.test(t) && i > 0 ? `${tokens[i - 1]} ${t}` : t;
      const parsed = parseAmount(tail, currency, format);
      if (parsed && /[.,]\d{2}\b/.test(tail)) amount = Math.abs(parsed.minor) * (parsed.direction === 'debit' || parsed.minor < 0 ? -1 : 1);
      if (amount !== undefined && i > 0 && /^\d+$/.test(tokens[i - 1])) count = Number(tokens[i - 1]);
    }
    if (amount === undefined && tokens.length) {
      const parsed = parseAmount(tokens[tokens.length - 1], currency, format);
      if (parsed) amount = parsed.minor;
    }
    if (amount === undefined) return false;
    if (field === 'creditMinor' || field === 'debitMinor') {
      totals[field] = Math.abs(amount);
      if (count !== undefined) totals[field === 'creditMinor' ? 'creditCount' : 'debitCount'] = count;
    } else totals[field] = amount;
    totals.row ??= line;
    return true;
  }
  return false;
}

export function directionFromText(value: string): Direction | undefined {
  const v = value.trim().toUpperCase().replace(/\.$/, '');
  if (['CR', 'K', 'C', 'KREDIT', 'CREDIT', 'CRDT', 'MASUK', 'IN', '+'].includes(v)) return 'credit';
  if (['DB', 'DR', 'D', 'DEBET', 'DEBIT', 'DBIT', 'KELUAR', 'OUT', '-'].includes(v)) return 'debit';
  return undefined;
}

function amountSamples(records: TableRecord[], layout: ColumnLayout): string[] {
  const cols = [layout.amount, layout.debit, layout.credit, layout.balance].filter((c): c is number => c !== undefined);
  const out: string[] = [];
  for (const r of records) for (const c of cols) if (typeof r.cells[c] === 'string') out.push(r.cells[c] as string);
  return out;
}

type RowOutcome = { row: StatementRow } | { error: { field: string; message: string } } | { pending: true; amountMinor?: number } | { continuation: string } | { skip: true };

/**
 * Reads a table record by record. Bodies are buffered 50 records before the first row is given out, so the number
 * style is decided from the file's own values; after that, one record in, at most one event out.
 */
export async function* interpretTable(records: AsyncIterable<TableRecord>, input: InterpretInput): AsyncGenerator<ImportEvent> {
  const info: StatementInfo = {};
  const totals: StatementTotals = {};
  let layout: ColumnLayout | undefined;
  let headerKeys: string | undefined;
  let format = input.options.numberFormat;
  let currency = input.currency ?? input.options.currency ?? 'IDR';
  let buffered: TableRecord[] | undefined = [];
  let held: { row: StatementRow; line: number } | undefined;
  let inFooter = false;
  let headerLine = 0;
  let headerXs: number[] = [];

  const rowFrom = (record: TableRecord): RowOutcome => {
    const cells = record.cells;
    const l = layout!;
    const dateText = text(cells[l.date]);
    const description = l.description.map((i) => text(cells[i])).filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
    if (key(cells.join(' ')) === headerKeys) return { skip: true }; // header repeated on each PDF page
    if (/^pend(ing)?$/i.test(dateText)) {
      const parsed = l.amount !== undefined ? parseAmount(text(cells[l.amount]), currency, format) : undefined;
      return { pending: true, amountMinor: parsed ? signed(parsed, l.direction !== undefined ? directionFromText(text(cells[l.direction])) : undefined) : undefined };
    }
    const dateCell = cells[l.date];
    let date: string | undefined;
    if (dateCell instanceof Date) date = dateCell.toISOString().slice(0, 10);
    else if (dateText) date = input.options.datePattern ? parseWithPattern(dateText, input.options.datePattern, input.period ?? info.period) : parseStatementDate(dateText, input.period ?? info.period);
    if (!date) {
      if (!dateText && input.options.continuationLines && description) return { continuation: description };
      if (!dateText) return isBlank(cells) ? { skip: true } : { error: { field: 'date', message: 'no date in this row' } };
      const noYear = /^\d{1,2}[/.-]\d{1,2}$/.test(dateText) && !(input.period ?? info.period);
      return { error: { field: 'date', message: noYear ? `date "${dateText}" has no year and the file has no Periode to take it from` : `"${dateText}" is not a day-first date` } };
    }
    // Balance brought forward printed as a row (myBCA PDF: "01/12 SALDO AWAL 10,000,000.00"): opening balance, not a transaction.
    if (/^(saldo awal|opening balance|beginning balance|saldo sebelumnya)$/i.test(description)) {
      const balanceText = text(cells[l.balance ?? l.amount ?? -1]);
      const parsed = parseAmount(balanceText, currency, format);
      if (parsed) totals.openingMinor ??= parsed.minor;
      return { skip: true };
    }
    let amountMinor: number | undefined;
    if (l.debit !== undefined || l.credit !== undefined) {
      const debit = l.debit !== undefined ? text(cells[l.debit]) : '';
      const credit = l.credit !== undefined ? text(cells[l.credit]) : '';
      const d = debit ? parseAmount(debit, currency, format) : undefined;
      const c = credit ? parseAmount(credit, currency, format) : undefined;
      if (debit && !d) return { error: { field: 'debit', message: `"${debit}" is not an amount` } };
      if (credit && !c) return { error: { field: 'credit', message: `"${credit}" is not an amount` } };
      const dm = d ? Math.abs(d.minor) : 0;
      const cm = c ? Math.abs(c.minor) : 0;
      if (dm && cm) return { error: { field: 'amount', message: 'both debit and credit are filled in' } };
      if (!d && !c) return { error: { field: 'amount', message: 'neither debit nor credit is filled in' } };
      amountMinor = cm - dm;
    } else if (l.amount !== undefined) {
      const raw = text(cells[l.amount]);
      const parsed = parseAmount(raw, currency, format);
      if (!parsed) return { error: { field: 'amount', message: raw ? `"${raw}" is not an amount` : 'no amount in this row' } };
      let direction: Direction | undefined;
      if (l.direction !== undefined) {
        const dirText = text(cells[l.direction]);
        direction = directionFromText(dirText);
        if (!direction && !parsed.direction) return { error: { field: 'direction', message: dirText ? `"${dirText}" is neither credit (CR/K) nor debit (DB/D)` : 'no CR/DB for this amount' } };
      }
      const unsigned = !parsed.direction && !direction && parsed.minor >= 0 && !/^[+-]|^\(/.test(raw);
      if (unsigned && input.options.unsignedMeans && input.options.unsignedMeans !== 'signed') direction = input.options.unsignedMeans;
      amountMinor = signed(parsed, direction);
      if (input.options.invertSign) amountMinor = -amountMinor;
    } else return { error: { field: 'amount', message: 'no amount column' } };
    if (amountMinor === 0 && !description) return { skip: true };
    let rowCurrency = currency;
    if (l.currency !== undefined) {
      const c = currencyFromLabel(text(cells[l.currency]));
      if (c) rowCurrency = c;
    }
    const row: StatementRow = { date, description, amountMinor: amountMinor + 0, currency: rowCurrency };
    if (l.balance !== undefined) {
      const b = text(cells[l.balance]);
      if (b) {
        const parsed = parseAmount(b, rowCurrency, format);
        if (!parsed) return { error: { field: 'balance', message: `"${b}" is not an amount` } };
        row.balanceMinor = signed(parsed);
      }
    }
    if (l.externalId !== undefined) {
      const id = text(cells[l.externalId]);
      if (id && !/^0+$/.test(id) && id !== '-') row.externalId = id;
    }
    if (!description) return { error: { field: 'description', message: 'no description in this row' } };
    return { row };
  };

  function* flushHeld(): Generator<ImportEvent> {
    if (held) yield { kind: 'row', row: held.row, line: held.line };
    held = undefined;
  }

  function* handle(raw: TableRecord): Generator<ImportEvent> {
    if (isBlank(raw.cells)) return;
    const record = alignToHeader(raw, headerXs);
    accountFromRow(record.cells, layout!, info);
    if (inFooter || readFooterLineIfAny(record)) {
      yield* flushHeld();
      return;
    }
    const outcome = rowFrom(record);
    if ('skip' in outcome) return;
    if ('continuation' in outcome) {
      if (held) held.row.description = `${held.row.description} ${outcome.continuation}`;
      return;
    }
    yield* flushHeld();
    if ('row' in outcome) {
      if (input.options.continuationLines) held = { row: outcome.row, line: record.line };
      else yield { kind: 'row', row: outcome.row, line: record.line };
    } else if ('pending' in outcome) {
      yield { kind: 'pending', line: record.line, description: layout!.description.map((i) => text(record.cells[i])).join(' ').trim(), amountMinor: outcome.amountMinor };
    } else yield { kind: 'error', error: { row: record.line, ...outcome.error } };
  }

  function readFooterLineIfAny(record: TableRecord): boolean {
    // A footer line has no date in the date column; rows like "01/12 SALDO AWAL" are handled as rows.
    const dateText = text(record.cells[layout!.date]);
    if (dateText && (parseStatementDate(dateText, info.period) || /^pend/i.test(dateText))) return false;
    if (readFooterLine(record.cells, totals, currency, format, record.line)) {
      // Once KlikBCA's Saldo Akhir is read, the rest is the bank's boilerplate.
      if (totals.closingMinor !== undefined && !input.options.continuationLines) inFooter = true;
      return true;
    }
    return false;
  }

  for await (const record of records) {
    if (!layout) {
      const found = input.findColumns(record.cells);
      if (found) {
        layout = found;
        headerKeys = key(record.cells.join(' '));
        headerLine = record.line;
        headerXs = record.xs ?? [];
        if (info.currency && !input.currency) currency = info.currency;
        continue;
      }
      readHeaderLine(record.cells, info);
      continue;
    }
    if (buffered) {
      buffered.push(record);
      if (buffered.length < 50) continue;
      format ??= styleFormat(amountSamples(buffered, layout));
      const pending = buffered;
      buffered = undefined;
      for (const r of pending) yield* handle(r);
      continue;
    }
    yield* handle(record);
  }
  if (!layout) {
    yield { kind: 'info', info: { ...info, totals: undefined } };
    yield { kind: 'error', error: { row: 0, field: 'header', message: 'no column header row was recognised' } };
    return;
  }
  if (buffered) {
    format ??= styleFormat(amountSamples(buffered, layout));
    for (const r of buffered) yield* handle(r);
  }
  yield* flushHeld();
  yield { kind: 'info', info: { ...info, currency, totals: Object.keys(totals).length ? totals : undefined } };
  void headerLine;
}

function styleFormat(samples: string[]): NumberFormat | undefined {
  const style = detectNumberStyle(samples);
  return style ? STYLE_FORMAT[style] : undefined;
}

/** Column index of the first header cell whose key is one of the aliases (already keyed). */
export function findColumn(keys: string[], aliases: string[], from = 0): number | undefined {
  for (let i = from; i < keys.length; i++) if (aliases.includes(keys[i])) return i;
  return undefined;
}

export function allColumns(keys: string[], aliases: string[]): number[] {
  return keys.flatMap((k, i) => (aliases.includes(k) ? [i] : []));
}
