/**
 * QIF (Quicken Interchange Format): `!Type:Bank` then records of `D`ate, `T`amount (signed), `P`ayee, `M`emo,
 * `N`umber, `L`category, each ended by `^`. QIF has no ids, so dedupe falls to the content fingerprint. Its date
 * order is not fixed: day-first unless told otherwise, and Quicken's US `MM/DD'YY` (apostrophe year) is month-first.
 */
import { createInterface } from 'node:readline';
import { parseAmount } from '../amount.js';
import { parseStatementDate, parseWithPattern } from '../dates.js';
import { LIMITS, StatementFileError, type ImportEvent } from '../model.js';
import { openText, type StatementSource, type TextEncoding } from '../source.js';

export interface QifOptions {
  currency?: string;
  dateOrder?: 'dmy' | 'mdy';
}

function qifDate(text: string, order: 'dmy' | 'mdy'): string | undefined {
  const t = text.trim();
  const us = /^(\d{1,2})\/\s?(\d{1,2})'\s?(\d{2,4})$/.exec(t);
  if (us) return parseWithPattern(`${us[1]}/${us[2]}/${us[3]}`, us[3].length === 2 ? 'M/D/YY' : 'M/D/YYYY');
  if (order === 'mdy') return parseWithPattern(t.replace(/-/g, '/'), /\/\d{4}$/.test(t) ? 'M/D/YYYY' : 'M/D/YY');
  return parseStatementDate(t);
}

export async function* importQif(source: StatementSource, encoding: TextEncoding, options: QifOptions = {}): AsyncGenerator<ImportEvent> {
  const currency = options.currency ?? 'IDR';
  const order = options.dateOrder ?? 'dmy';
  const lines = createInterface({ input: openText(source, encoding), crlfDelay: Infinity });
  let record: Record<string, string> = {};
  let startLine = 0;
  let lineNo = 0;
  let sawType = false;
  const finish = function* (): Generator<ImportEvent> {
    if (!Object.keys(record).length) return;
    const r = record;
    record = {};
    const date = r.D ? qifDate(r.D, order) : undefined;
    if (!date) return yield { kind: 'error', error: { row: startLine, field: 'D', message: r.D ? `"${r.D}" is not a date` : 'missing date' } };
    const parsed = r.T ?? r.U ? parseAmount(r.T ?? r.U, currency, { decimal: '.', thousands: ',' }) : undefined;
    if (!parsed) return yield { kind: 'error', error: { row: startLine, field: 'T', message: r.T ? `"${r.T}" is not an amount` : 'missing amount' } };
    const description = [r.P, r.M && r.M !== r.P ? r.M : undefined].filter(Boolean).join(' — ');
    if (!description) return yield { kind: 'error', error: { row: startLine, field: 'P', message: 'no payee or memo' } };
    yield { kind: 'row', line: startLine, row: { date, description, amountMinor: parsed.minor, currency } };
  };
  for await (const raw of lines) {
    lineNo++;
    if (raw.length > LIMITS.maxLineBytes) throw new StatementFileError('UNPROCESSABLE', `line ${lineNo} is longer than ${LIMITS.maxLineBytes} bytes`);
    const line = raw.replace(/^\uFEFF/, '');
    if (!line.trim()) continue;
    if (line.startsWith('!')) {
      if (/^!Type:/i.test(line)) sawType = true;
      continue;
    }
    if (line.startsWith('^')) {
      yield* finish();
      continue;
    }
    if (!Object.keys(record).length) startLine = lineNo;
    const code = line[0];
    // Split lines (S/E/$) describe category splits; the transaction total is on T.
    if ('DTUPMNLC'.includes(code) && record[code] === undefined) record[code] = line.slice(1).trim();
  }
  yield* finish();
  if (!sawType) throw new StatementFileError('UNPROCESSABLE', 'no !Type: line: not a QIF file');
}
