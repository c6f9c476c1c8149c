/**
 * Amount text as Indonesian statements print it, to signed minor units without floats.
 *
 * Two number conventions coexist: US (`1,000,000.00`, BCA/Mandiri CSV) and Indonesian (`1.000.000,00`, PDFs, Excel,
 * typed text). A file uses one; `detectNumberStyle` finds it from the values that are unambiguous, and
 * `parseAmount` falls back to the per-value rule (last separator of two kinds is the decimal; a single separator
 * followed by exactly two digits is a decimal; repeated or followed by three digits, a thousands separator).
 */
import { decimalToMinor } from '../../../lib/money.js';

export type NumberStyle = 'us' | 'id';

export interface NumberFormat {
  decimal: '.' | ',';
  thousands: ',' | '.' | ' ' | '';
}

export const STYLE_FORMAT: Record<NumberStyle, NumberFormat> = {
  us: { decimal: '.', thousands: ',' },
  id: { decimal: ',', thousands: '.' },
};

export type Direction = 'credit' | 'debit';

export interface ParsedAmount {
  /** Unsigned or signed magnitude as written, in minor units. */
  minor: number;
  /** A direction the text itself carried: `CR`/`DB`/`D`/`K` suffix. Sign from `-`/`()` is already in `minor`. */
  direction?: Direction;
}

// `CR`/`DB`/`DR` may follow the digits without a space ("1,000.00DB"); a lone letter needs one, since "50K" is how
// people write fifty thousand.
const DIRECTION_SUFFIX = /(?:\s*\b|(?<=\d)(?=(?:CR|DB|DR)\.?\s*$))(CR|DB|CR\.|DB\.|DR|D|K|C|DEBET|DEBIT|KREDIT|CREDIT)\s*$/i;

/** Strips what banks wrap numbers in: currency marks, Excel `'` guards, spaces and non-breaking spaces. */
function clean(text: string): string {
  return text.replace(/^'+/, '').replace(/\u00a0/g, ' ').replace(/\b(Rp\.?|IDR)\s*/gi, '').trim();
}

/** Which convention an unambiguous value shows, or undefined when it could be either (`1,000`, `150000`). */
export function styleOf(text: string): NumberStyle | undefined {
  const t = clean(text).replace(DIRECTION_SUFFIX, '').replace(/[\s()+-]/g, '');
  const lastDot = t.lastIndexOf('.');
  const lastComma = t.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) return lastDot > lastComma ? 'us' : 'id';
  const sep = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : undefined;
  if (!sep) return undefined;
  const count = t.split(sep).length - 1;
  const tail = t.length - t.lastIndexOf(sep) - 1;
  if (count > 1) return sep === '.' ? 'id' : 'us'; // repeated: thousands
  if (tail === 2 || tail === 1) return sep === '.' ? 'us' : 'id'; // ".00"/",5": decimal
  return undefined; // "1.000" / "1,000": either
}

/** Votes over sample values; the majority of unambiguous ones wins. */
export function detectNumberStyle(samples: Iterable<string>): NumberStyle | undefined {
  let us = 0;
  let id = 0;
  for (const s of samples) {
    const style = styleOf(s);
    if (style === 'us') us++;
    else if (style === 'id') id++;
  }
  if (us === 0 && id === 0) return undefined;
  return us >= id ? 'us' : 'id';
}

const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a value is written the way a format says: thousands in groups of three before one decimal separator. */
function fits(body: string, format: NumberFormat): boolean {
  const d = escape(format.decimal);
  const plain = new RegExp(`^\\d+(${d}\\d*)?$`);
  if (plain.test(body)) return true;
  if (!format.thousands) return false;
  return new RegExp(`^\\d{1,3}(${escape(format.thousands)}\\d{3})+(${d}\\d*)?$`).test(body);
}

function toPlainDecimal(body: string, format: NumberFormat | undefined): string {
  // A value that breaks the file's format ("150.000,00" in a KlikBCA CSV re-saved by Excel on Indonesian Windows)
  // would otherwise lose its separators into a number a thousand times off; when the value itself says which
  // convention it uses, that wins, else it is refused below.
  if (format && !fits(body, format)) {
    const own = styleOf(body);
    const alternative = own ? STYLE_FORMAT[own] : undefined;
    return alternative && fits(body, alternative) ? toPlainDecimal(body, alternative) : body;
  }
  if (format) {
    let t = body;
    if (format.thousands) t = t.split(format.thousands).join('');
    if (format.decimal === ',') t = t.replace(',', '.');
    return t;
  }
  const style = styleOf(body);
  if (style) return toPlainDecimal(body, STYLE_FORMAT[style]);
  // Ambiguous single separator followed by three digits: thousands ("1.000" = 1000, "1,000" = 1000).
  return body.replace(/[.,](?=\d{3}$)/, '');
}

/**
 * Parses `150000.00`, `"1,500,000.00"`, `1.500.000,00`, `Rp 25.000`, `-1,000.50`, `(1,000.50)`, `287,490.00 DB`.
 * Returns undefined for text that is not an amount at all.
 */
export function parseAmount(text: string | number, currency: string, format?: NumberFormat): ParsedAmount | undefined {
  if (typeof text === 'number') {
    try {
      return { minor: decimalToMinor(text, currency) };
    } catch {
      // Float noise from a spreadsheet (0.1+0.2); round to the currency's minor unit once, here.
      return Number.isFinite(text) ? { minor: decimalToMinor(text.toFixed(2), currency) } : undefined;
    }
  }
  let t = clean(text);
  if (!t) return undefined;
  let direction: Direction | undefined;
  const suffix = DIRECTION_SUFFIX.exec(t);
  if (suffix && /\d/.test(t.slice(0, suffix.index))) {
    const s = suffix[1].toUpperCase().replace('.', '');
    direction = ['CR', 'K', 'C', 'KREDIT', 'CREDIT'].includes(s) ? 'credit' : 'debit';
    t = t.slice(0, suffix.index).trim();
  }
  // "Rp 25.000,-": no cents, written the Indonesian way. The dash is not a sign, and a comma in front of it is the
  // decimal one, so the dots are thousands. ("10.000.-" is seen too; its dot says nothing, the file's format decides.)
  const noCents = /^(.*\d)([.,])-$/.exec(t);
  if (noCents) {
    t = noCents[1];
    if (noCents[2] === ',') format = STYLE_FORMAT.id;
  }
  let negative = false;
  if (/^\(.*\)$/.test(t)) {
    negative = true;
    t = t.slice(1, -1).trim();
  }
  if (t.startsWith('-')) {
    negative = !negative;
    t = t.slice(1).trim();
  } else if (t.startsWith('+')) t = t.slice(1).trim();
  else if (t.endsWith('-')) {
    negative = !negative;
    t = t.slice(0, -1).trim();
  }
  t = t.replace(/\s+/g, format?.thousands === ' ' ? ' ' : '');
  if (!/^(\d[\d.,' ]*|[.,]\d+)$/.test(t)) return undefined;
  // Mandiri MCM writes zero as ".00".
  if (/^[.,]/.test(t)) t = `0${t}`;
  const plain = toPlainDecimal(t.replace(/'/g, ''), format);
  if (!/^\d+(\.\d+)?$/.test(plain)) return undefined;
  try {
    const minor = decimalToMinor(plain, currency);
    return { minor: negative ? -minor : minor, direction };
  } catch {
    return undefined;
  }
}

/** The amount with its sign applied from a direction (CR/DB column or suffix); a signed text keeps its own sign. */
export function signed(amount: ParsedAmount, direction?: Direction): number {
  const dir = amount.direction ?? direction;
  if (!dir) return amount.minor;
  const magnitude = Math.abs(amount.minor);
  return dir === 'credit' ? magnitude : -magnitude;
}
