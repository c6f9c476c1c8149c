import { DateTime } from 'luxon';

/** Users live in Western Indonesia Time; everything is stored in UTC and shown in this zone. */
export const JAKARTA = 'Asia/Jakarta';

/**
 * Asia/Jakarta has been UTC+07:00 (WIB) without daylight saving since 1 January 1964 (tzdb: `7:30 … 1964`, then
 * `7:00 - WIB`). Inside that span the conversions below are plain arithmetic; luxon's zone lookup goes through
 * Intl on every call and cost a bank sync ~0.2 s per 10,000 rows (a date per row, a timestamp per request). Outside
 * it (earlier offsets, years past 9999) they ask luxon, so they are exact for any instant.
 */
// From the first whole WIB day (1 Jan 1964 00:00 +07:00), so a day's start is inside the span too.
const WIB_SINCE = Date.UTC(1963, 11, 31, 17);
const WIB_UNTIL = Date.UTC(9999, 11, 31);
const WIB_OFFSET_MS = 7 * 3_600_000;
const isWib = (t: number) => t >= WIB_SINCE && t < WIB_UNTIL;

export function toJakartaIso(date: Date): string {
  const t = date.getTime();
  if (isWib(t)) {
    // The wall clock in Jakarta, written as ISO (luxon's form: milliseconds only when there are some).
    const wall = new Date(t + WIB_OFFSET_MS).toISOString();
    return `${t % 1000 === 0 ? wall.slice(0, 19) : wall.slice(0, 23)}+07:00`;
  }
  return DateTime.fromJSDate(date, { zone: JAKARTA }).toISO({ suppressMilliseconds: true }) ?? date.toISOString();
}

const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

/**
 * A date or date-time without an offset, as an Indonesian bank or provider prints it ('YYYY-MM-DD',
 * 'YYYY-MM-DD HH:mm:ss', with T or a space), read as Jakarta wall-clock time (+07:00): the instant it names.
 * Undefined for any other form (one with its own offset is read as given, by the caller).
 */
export function fromJakartaWallClock(text: string): Date | undefined {
  if (!WALL_CLOCK.test(text)) return undefined;
  return new Date(`${text.length === 10 ? `${text}T00:00:00` : text.replace(' ', 'T')}+07:00`);
}

/** The Jakarta calendar date of an instant, 'YYYY-MM-DD'. */
export function jakartaDate(date: Date | number): string {
  const t = typeof date === 'number' ? date : date.getTime();
  if (isWib(t)) return new Date(t + WIB_OFFSET_MS).toISOString().slice(0, 10);
  return DateTime.fromMillis(t, { zone: JAKARTA }).toISODate()!;
}

/** Midnight (the first millisecond) of the Jakarta day an instant falls on. */
export function jakartaStartOfDay(date: Date | number): Date {
  const t = typeof date === 'number' ? date : date.getTime();
  if (isWib(t)) return new Date(t - ((((t + WIB_OFFSET_MS) % 86_400_000) + 86_400_000) % 86_400_000));
  return DateTime.fromMillis(t, { zone: JAKARTA }).startOf('day').toJSDate();
}

/** The last millisecond of the Jakarta day an instant falls on. */
export function jakartaEndOfDay(date: Date | number): Date {
  const t = typeof date === 'number' ? date : date.getTime();
  if (isWib(t)) return new Date(jakartaStartOfDay(t).getTime() + 86_400_000 - 1);
  return DateTime.fromMillis(t, { zone: JAKARTA }).endOf('day').toJSDate();
}

export function formatJakarta(date: Date, format = 'dd LLL yyyy HH:mm'): string {
  return DateTime.fromJSDate(date, { zone: JAKARTA }).toFormat(format);
}
