/**
 * Turns one loosely-named record (a JSON object, an OFX STMTTRN) into a StatementRow or the reason it is not one.
 * JSON files come from other apps and from our own export, so both `amountMinor` (integer) and `amount` (decimal,
 * signed, or with a `type` of credit/debit) are accepted.
 */
import { parseAmount, signed } from '../amount.js';
import { parseStatementDate } from '../dates.js';
import type { RowError, StatementRow } from '../model.js';
import { directionFromText } from '../templates/layout.js';
import { isSupportedCurrency } from '../../../../lib/money.js';

function pick(record: Record<string, unknown>, names: string[]): unknown {
  for (const n of names) if (record[n] !== undefined && record[n] !== null && record[n] !== '') return record[n];
  return undefined;
}

export function rowFromObject(record: unknown, row: number, defaultCurrency = 'IDR'): StatementRow | RowError {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { row, field: 'row', message: 'not an object' };
  const r = record as Record<string, unknown>;
  const currencyRaw = pick(r, ['currency', 'ccy', 'mataUang']);
  const currency = typeof currencyRaw === 'string' ? currencyRaw.toUpperCase() : defaultCurrency;
  if (!isSupportedCurrency(currency)) return { row, field: 'currency', message: `unsupported currency "${currency}"` };
  const dateRaw = pick(r, ['date', 'tanggal', 'bookingDate', 'bookedAt', 'transactionDate']);
  // Whole: a timestamp with a zone (`…T18:30:00Z`) is booked on its Jakarta day, not on the UTC date in front of it.
  const date = typeof dateRaw === 'string' ? parseStatementDate(dateRaw) : undefined;
  if (!date) return { row, field: 'date', message: dateRaw === undefined ? 'missing' : `"${String(dateRaw)}" is not a date` };
  const descriptionRaw = pick(r, ['description', 'keterangan', 'memo', 'name', 'payee', 'remark']);
  const description = typeof descriptionRaw === 'string' ? descriptionRaw.trim() : '';
  if (!description) return { row, field: 'description', message: 'missing' };
  let amountMinor: number | undefined;
  const minorRaw = r.amountMinor;
  if (minorRaw !== undefined) {
    if (typeof minorRaw !== 'number' || !Number.isSafeInteger(minorRaw)) return { row, field: 'amountMinor', message: 'must be an integer count of minor units' };
    amountMinor = minorRaw;
  } else {
    const amountRaw = pick(r, ['amount', 'jumlah', 'nominal']);
    // A machine-written "12.345" is a decimal, not twelve thousand: plain numbers keep '.' as the decimal point.
    const machine = typeof amountRaw === 'string' && /^[+-]?\d+(\.\d+)?$/.test(amountRaw.trim());
    const parsed = typeof amountRaw === 'string' || typeof amountRaw === 'number' ? parseAmount(amountRaw, currency, machine ? { decimal: '.', thousands: '' } : undefined) : undefined;
    if (!parsed) return { row, field: 'amount', message: amountRaw === undefined ? 'missing' : `"${String(amountRaw)}" is not an amount in ${currency}` };
    const typeRaw = pick(r, ['type', 'direction', 'dbcr']);
    amountMinor = signed(parsed, typeof typeRaw === 'string' ? directionFromText(typeRaw) : undefined);
  }
  const out: StatementRow = { date, description, amountMinor, currency };
  const balanceMinor = r.balanceMinor;
  if (typeof balanceMinor === 'number' && Number.isSafeInteger(balanceMinor)) out.balanceMinor = balanceMinor;
  else {
    const b = pick(r, ['balance', 'saldo']);
    const parsed = typeof b === 'string' || typeof b === 'number' ? parseAmount(b, currency) : undefined;
    if (parsed) out.balanceMinor = parsed.minor;
  }
  const id = pick(r, ['externalId', 'id', 'reference', 'fitid']);
  if (typeof id === 'string' || typeof id === 'number') out.externalId = String(id);
  return out;
}

export function isRowError(v: StatementRow | RowError): v is RowError {
  return 'field' in v && 'message' in v;
}
