/**
 * Dates accepted from outside (request bodies, queries, chat arguments). `new Date('2027-02-30')` quietly becomes
 * 2 March and `new Date('+275760-09-13')` is a valid instant that breaks later arithmetic and formatting, so
 * inputs are read strictly: ISO 8601 with a four-digit year, every calendar field checked against its month, and
 * an optional bound on how far ahead it may be.
 */
import { z } from 'zod';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const YEAR_MS = 365.25 * 86_400_000;

/** Why a date string is not a real ISO 8601 date or instant, or undefined when it is. */
export function invalidDateReason(value: string): string | undefined {
  const m = ISO.exec(value.trim());
  if (!m) return 'must be an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:mm:ssZ)';
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) => (part === undefined ? undefined : Number(part))) as number[];
  if (month < 1 || month > 12) return `has no month ${m[2]}`;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return `${m[1]}-${m[2]} has no day ${m[3]} (it has ${daysInMonth} days)`;
  if (hour > 23 || minute > 59 || second > 59) return 'has a time of day that does not exist';
  const offset = m[7];
  if (offset && offset !== 'Z') {
    const [oh, om] = [Number(offset.slice(1, 3)), Number(offset.slice(-2))];
    if (oh > 14 || om > 59) return 'has a time zone offset that does not exist';
  }
  return undefined;
}

export interface StrictDateOptions {
  /** Refuse instants more than this many years after now (schedules: a typo, not a plan). */
  maxYearsAhead?: number;
}

/**
 * A zod schema for an accepted date: an ISO 8601 string (or a Date from inside the process) → Date. A date
 * without a time is midnight UTC, as `new Date('YYYY-MM-DD')` reads it.
 */
export function strictDate(options: StrictDateOptions = {}) {
  return z.union([z.string(), z.date()]).transform((value, ctx) => {
    if (typeof value === 'string') {
      const reason = invalidDateReason(value);
      if (reason) {
        ctx.addIssue({ code: 'custom', message: reason });
        return z.NEVER;
      }
    }
    const date = typeof value === 'string' ? new Date(value.trim()) : value;
    if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 9999) {
      ctx.addIssue({ code: 'custom', message: 'is not a date between the years 1900 and 9999' });
      return z.NEVER;
    }
    if (options.maxYearsAhead !== undefined && date.getTime() > Date.now() + options.maxYearsAhead * YEAR_MS) {
      ctx.addIssue({ code: 'custom', message: `is more than ${options.maxYearsAhead} years ahead` });
      return z.NEVER;
    }
    return date;
  });
}
