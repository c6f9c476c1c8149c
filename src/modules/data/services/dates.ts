/**
 * Statement dates, always day-first (an Indonesian bank never prints month-first; a parser that guesses would turn
 * 03/04 into March 4th). Dates without a year (`25/09`, KlikBCA) take it from the statement period, wrapping
 * December→January when the period spans a new year.
 */
import { jakartaDate } from '../../../lib/time.js';

const MONTHS: Record<string, number> = {
  jan: 1, januari: 1, january: 1,
  feb: 2, februari: 2, february: 2, peb: 2, pebruari: 2,
  mar: 3, maret: 3, march: 3,
  apr: 4, april: 4,
  mei: 5, may: 5,
  jun: 6, juni: 6, june: 6,
  jul: 7, juli: 7, july: 7,
  agu: 8, ags: 8, agt: 8, agustus: 8, aug: 8, august: 8,
  sep: 9, sept: 9, september: 9,
  okt: 10, oct: 10, oktober: 10, october: 10,
  nov: 11, nop: 11, november: 11, nopember: 11,
  des: 12, dec: 12, desember: 12, december: 12,
};

export function monthNumber(name: string): number | undefined {
  return MONTHS[name.toLowerCase().replace(/\.$/, '')];
}

export interface Period {
  from: string;
  to: string;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function valid(y: number, m: number, d: number): string | undefined {
  if (!(y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return undefined;
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCMonth() !== m - 1) return undefined; // 31/02
  return `${y}-${pad(m)}-${pad(d)}`;
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length <= 2 ? 2000 + n : n;
}

/** Year for a day and month printed without one: the period's end year, or the one before when that lands after the period. */
export function yearFromPeriod(month: number, day: number, period: Period | undefined): number | undefined {
  if (!period) return undefined;
  const endYear = Number(period.to.slice(0, 4));
  const candidate = valid(endYear, month, day);
  if (candidate && candidate > period.to) return endYear - 1;
  return endYear;
}

/**
 * An ISO timestamp that carries its zone (`2024-12-17T18:30:00Z`, `…+00:00`) is an instant: the day is the one it
 * falls on in Jakarta (18:30 UTC is 01:30 the next morning there), the day bank sync gives the same transaction.
 * A timestamp without a zone is a wall-clock time as the bank printed it, and keeps its date.
 */
function zonedDay(t: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$/i.test(t)) return undefined;
  const ms = Date.parse(t.replace(' ', 'T').replace(/\s+(?=[Zz+-]\d*)/, '').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : jakartaDate(ms);
}

/**
 * Parses the day-first forms banks print: dd/mm/yyyy, dd-mm-yy, dd.mm.yyyy, dd/mm (with a period), yyyy-mm-dd
 * (ISO, unambiguous), yyyymmdd (OFX/BRI), `25 Sep 2024`, `25-SEP-24`, `25 Agustus 2024`, `25 Sep` (with a period).
 */
export function parseStatementDate(text: string, period?: Period): string | undefined {
  const t = text.replace(/^'+/, '').trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(t);
  if (m) {
    const day = valid(+m[1], +m[2], +m[3]);
    return day && (zonedDay(t) ?? day);
  }
  m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?(?:\.\d+)?(?:\[([+-]?\d{1,2}(?:\.\d+)?)(?::[^\]]*)?\])?$/.exec(t);
  if (m) {
    const day = valid(+m[1], +m[2], +m[3]);
    // OFX `20241217183000[0:GMT]`: an instant with its offset, booked on its Jakarta day. Without an offset the
    // time is the bank's own wall clock, taken as written.
    if (!day || m[4] === undefined || m[7] === undefined) return day;
    const offsetMs = Number(m[7]) * 3_600_000;
    return jakartaDate(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - offsetMs);
  }
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?$/.exec(t);
  if (m) return valid(fullYear(m[3]), +m[2], +m[1]);
  m = /^(\d{1,2})[/.-](\d{1,2})$/.exec(t);
  if (m) {
    const year = yearFromPeriod(+m[2], +m[1], period);
    return year ? valid(year, +m[2], +m[1]) : undefined;
  }
  m = /^(\d{1,2})[\s/.-]+([A-Za-z]+)\.?(?:[\s/.-]+(\d{2}|\d{4}))?(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?$/.exec(t);
  if (m) {
    const month = monthNumber(m[2]);
    if (!month) return undefined;
    const year = m[3] ? fullYear(m[3]) : yearFromPeriod(month, +m[1], period);
    return year ? valid(year, month, +m[1]) : undefined;
  }
  return undefined;
}

/**
 * A user-given pattern for a custom mapping: tokens DD/D, MM/M, MMM (month name, Indonesian or English), YYYY/YY,
 * anything else literal. `MM/DD/YYYY` is allowed here because the user said so.
 */
export function parseWithPattern(text: string, pattern: string, period?: Period): string | undefined {
  const tokens = pattern.match(/YYYY|YY|MMM|MM|M|DD|D|[^YMD]+/g) ?? [];
  let source = '^';
  const order: string[] = [];
  for (const token of tokens) {
    if (/^Y+$|^M+$|^D+$/.test(token)) {
      order.push(token[0] === 'M' && token.length === 3 ? 'MMM' : token[0]);
      source += token === 'MMM' ? '([A-Za-z]+)\\.?' : token === 'YYYY' ? '(\\d{4})' : token.length === 2 && token !== 'MM' && token !== 'DD' ? '(\\d{2})' : '(\\d{1,2})';
    } else source += token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  }
  const m = new RegExp(`${source}$`).exec(text.replace(/^'+/, '').trim());
  if (!m) return undefined;
  let y: number | undefined;
  let mo: number | undefined;
  let d: number | undefined;
  order.forEach((kind, i) => {
    const v = m[i + 1];
    if (kind === 'Y') y = fullYear(v);
    else if (kind === 'M') mo = Number(v);
    else if (kind === 'MMM') mo = monthNumber(v);
    else d = Number(v);
  });
  if (!mo || !d) return undefined;
  y ??= yearFromPeriod(mo, d, period);
  return y ? valid(y, mo, d) : undefined;
}

/** `01/12/2024 - 31/12/2024`, `01 Des 2024 s/d 31 Des 2024`, `DESEMBER 2024` (a whole month). */
export function parsePeriod(text: string): Period | undefined {
  const parts = text.split(/\s+(?:-|s\/d|sd|to|until|hingga|sampai)\s+/i).map((p) => p.trim());
  if (parts.length === 2) {
    const from = parseStatementDate(parts[0]);
    const to = parseStatementDate(parts[1]);
    if (from && to) return { from, to };
  }
  const month = /^([A-Za-z]+)\s+(\d{4})$/.exec(text.trim());
  if (month) {
    const m = monthNumber(month[1]);
    if (m) {
      const y = Number(month[2]);
      const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
      return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(last)}` };
    }
  }
  return undefined;
}

/** A spreadsheet date cell (exceljs gives a Date in UTC for the serial number) as 'YYYY-MM-DD'. */
export function isoFromDateCell(value: Date): string | undefined {
  if (Number.isNaN(value.getTime())) return undefined;
  return valid(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
}
