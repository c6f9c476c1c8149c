/**
 * Date expression operators as mongod computes them, replacing mingo's where it differs: ISO week-year (%G,
 * $isoWeekYear) and ISO week at year boundaries, %w as 1 (Sunday) to 7, any IANA time zone or UTC offset (mingo
 * reads only "Area/City" names), and null for a null or missing date instead of an exception.
 */
import { ObjectId, Timestamp } from 'bson';
import { evalExpr } from 'mingo/core';
import { MongoCommandError } from './errors.js';
import { isPlainObject } from './values.js';

type Operator = (obj: unknown, expr: unknown, options: never) => unknown;

const DAY_MS = 86_400_000;
const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const formatters = new Map<string, Intl.DateTimeFormat>();

function typeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return (value as { _bsontype?: string })?._bsontype ?? 'object';
}

/** A value mongod accepts as a date (Date, ObjectId, Timestamp), null for null/missing; anything else is 16006. */
function toDate(value: unknown, operator: string): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (value instanceof ObjectId) return value.getTimestamp();
  if (value instanceof Timestamp) return new Date(value.high * 1000);
  throw new MongoCommandError(16006, 'Location16006', `can't convert from BSON type ${typeName(value)} to Date (${operator})`);
}

/** The UTC offset in minutes of `tz` (an IANA name or ±hh, ±hhmm, ±hh:mm) at `date`; 0 without a time zone. */
export function offsetMinutes(date: Date, tz: unknown): number {
  if (tz === undefined || tz === null) return 0;
  if (typeof tz !== 'string') throw new MongoCommandError(40517, 'Location40517', `timezone must evaluate to a string, found ${typeName(tz)}`);
  const offset = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(tz);
  if (offset) return (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0));
  // Intl is slow (microseconds a call, which a grouping by day over 100k documents feels): a zone's offset is
  // cached per UTC day when it is the same at both ends of that day (no zone changes offset and back within one).
  const time = date.getTime();
  if (!Number.isFinite(time)) return zoneOffset(date, tz);
  const day = Math.floor(time / DAY_MS);
  let days = offsetCache.get(tz);
  if (!days) offsetCache.set(tz, (days = new Map()));
  let cached = days.get(day);
  if (cached === undefined) {
    const start = zoneOffset(new Date(day * DAY_MS), tz);
    const end = zoneOffset(new Date(day * DAY_MS + DAY_MS - 1000), tz);
    cached = start === end ? start : null;
    if (days.size > 100_000) days.clear();
    days.set(day, cached);
  }
  return cached ?? zoneOffset(date, tz);
}

const offsetCache = new Map<string, Map<number, number | null>>();

/** The offset of an IANA zone at `date`, from Intl. */
function zoneOffset(date: Date, tz: string): number {
  let format = formatters.get(tz);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
    } catch {
      throw new MongoCommandError(40485, 'Location40485', `unrecognized time zone identifier: "${tz}"`);
    }
    formatters.set(tz, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  // Date.UTC reads years 0-99 as 1900-1999: set the year separately (2000 is a leap year, so 29 Feb survives).
  const wall = new Date(Date.UTC(2000, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)));
  wall.setUTCFullYear(year);
  const utc = date.getTime() - (((date.getTime() % 1000) + 1000) % 1000);
  return Math.round((wall.getTime() - utc) / 60_000);
}

/** The wall-clock time in `tz` as a Date whose UTC fields read as that wall clock. */
function wallClock(date: Date, tz: unknown): { wall: Date; offset: number } {
  const offset = offsetMinutes(date, tz);
  return { wall: new Date(date.getTime() + offset * 60_000), offset };
}

function dayOfYear(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
}

/** 1 (Monday) to 7 (Sunday). */
function isoDayOfWeek(d: Date): number {
  return d.getUTCDay() || 7;
}

/** ISO 8601 week-numbering year and week: the week (Monday to Sunday) holding the year's first Thursday is week 1. */
function isoWeekParts(d: Date): { year: number; week: number } {
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + (4 - isoDayOfWeek(d)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return { year, week };
}

/** Week of the year, 0 (the days before the first Sunday) to 53. */
function week(d: Date): number {
  return Math.floor((dayOfYear(d) - 1 + 7 - d.getUTCDay()) / 7);
}

function padded(n: number, width: number): string {
  if (n < 0 || n > 9999) throw new MongoCommandError(18537, 'Location18537', `Could not convert date to string: date component was outside the supported range of 0-9999: ${n}`);
  return String(n).padStart(width, '0');
}

function formatDate(format: string, date: Date, tz: unknown): string {
  const { wall, offset } = wallClock(date, tz);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const spec = format[++i];
    switch (spec) {
      case '%': out += '%'; break;
      case 'Y': out += padded(wall.getUTCFullYear(), 4); break;
      case 'm': out += padded(wall.getUTCMonth() + 1, 2); break;
      case 'd': out += padded(wall.getUTCDate(), 2); break;
      case 'H': out += padded(wall.getUTCHours(), 2); break;
      case 'M': out += padded(wall.getUTCMinutes(), 2); break;
      case 'S': out += padded(wall.getUTCSeconds(), 2); break;
      case 'L': out += padded(wall.getUTCMilliseconds(), 3); break;
      case 'j': out += padded(dayOfYear(wall), 3); break;
      case 'w': out += padded(wall.getUTCDay() + 1, 1); break;
      case 'U': out += padded(week(wall), 2); break;
      case 'G': out += padded(isoWeekParts(wall).year, 4); break;
      case 'V': out += padded(isoWeekParts(wall).week, 2); break;
      case 'u': out += padded(isoDayOfWeek(wall), 1); break;
      case 'b': out += MONTHS_SHORT[wall.getUTCMonth()]; break;
      case 'B': out += MONTHS_LONG[wall.getUTCMonth()]; break;
      case 'z': out += `${offset < 0 ? '-' : '+'}${padded(Math.floor(Math.abs(offset) / 60), 2)}${padded(Math.abs(offset) % 60, 2)}`; break;
      case 'Z': out += String(offset); break;
      default:
        throw new MongoCommandError(18536, 'Location18536', `Invalid format character '%${spec ?? ''}' in format string`);
    }
  }
  return out;
}

function isUtc(tz: unknown): boolean {
  return tz === undefined || tz === null || tz === 'UTC' || tz === 'GMT' || tz === 'Etc/UTC' || tz === 'Etc/GMT' || /^[+-]00(:?00)?$/.test(String(tz));
}

const $dateToString: Operator = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw new MongoCommandError(18629, 'Location18629', '$dateToString only supports an object as its argument');
  for (const key of Object.keys(expr)) if (!['date', 'format', 'timezone', 'onNull'].includes(key)) throw new MongoCommandError(18534, 'Location18534', `Unrecognized argument to $dateToString: ${key}`);
  if (!('date' in expr)) throw new MongoCommandError(18628, 'Location18628', "Missing 'date' parameter to $dateToString");
  const value = evalExpr(obj, expr.date, options);
  const tz = expr.timezone === undefined ? undefined : evalExpr(obj, expr.timezone, options);
  const format = expr.format === undefined ? undefined : evalExpr(obj, expr.format, options);
  if (value === null || value === undefined) return expr.onNull === undefined ? null : evalExpr(obj, expr.onNull, options) ?? null;
  if (tz === null || (expr.format !== undefined && (format === null || format === undefined))) return null;
  if (format !== undefined && typeof format !== 'string') throw new MongoCommandError(18533, 'Location18533', `$dateToString requires that 'format' be a string, found: ${typeName(format)}`);
  const date = toDate(value, '$dateToString')!;
  // mongod 7.1+: the default format carries a 'Z' only when the result is in UTC.
  return formatDate(format ?? (isUtc(tz) ? '%Y-%m-%dT%H:%M:%S.%LZ' : '%Y-%m-%dT%H:%M:%S.%L'), date, tz);
};

/** `{$year: <date>}`, `{$year: [<date>]}` or `{$year: {date, timezone}}` → the part in that time zone; null for null. */
function datePart(name: string, part: (wall: Date) => number): Operator {
  return (obj, expr, options) => {
    let dateExpr = expr;
    let tzExpr: unknown;
    if (Array.isArray(dateExpr)) {
      if (dateExpr.length !== 1) throw new MongoCommandError(40536, 'Location40536', `${name} accepts exactly one argument if given an array, but was given ${dateExpr.length}`);
      dateExpr = dateExpr[0];
    }
    if (isPlainObject(dateExpr) && 'date' in dateExpr && Object.keys(dateExpr).every((k) => k === 'date' || k === 'timezone')) {
      tzExpr = dateExpr.timezone;
      dateExpr = dateExpr.date;
    }
    const date = toDate(evalExpr(obj, dateExpr, options), name);
    if (!date) return null;
    const tz = tzExpr === undefined ? undefined : evalExpr(obj, tzExpr, options);
    if (tz === null) return null;
    return part(wallClock(date, tz).wall);
  };
}

const DATE_PARTS: Record<string, (wall: Date) => number> = {
  $year: (d) => d.getUTCFullYear(),
  $month: (d) => d.getUTCMonth() + 1,
  $dayOfMonth: (d) => d.getUTCDate(),
  $hour: (d) => d.getUTCHours(),
  $minute: (d) => d.getUTCMinutes(),
  $second: (d) => d.getUTCSeconds(),
  $millisecond: (d) => d.getUTCMilliseconds(),
  $dayOfYear: dayOfYear,
  $dayOfWeek: (d) => d.getUTCDay() + 1,
  $week: week,
  $isoWeek: (d) => isoWeekParts(d).week,
  $isoWeekYear: (d) => isoWeekParts(d).year,
  $isoDayOfWeek: isoDayOfWeek,
};

export const dateOperators: Record<string, Operator> = {
  $dateToString,
  ...Object.fromEntries(Object.entries(DATE_PARTS).map(([name, part]) => [name, datePart(name, part)])),
};

type Compiled = (doc: Record<string, unknown>) => unknown;

/**
 * The same operators for compiled aggregation (compiled.ts): sub-expressions compiled once, the same checks and
 * errors. The argument forms compiled.ts does not take here fall back to mingo with these operators.
 */
export const compiledDateOperators: Record<string, (spec: unknown, compile: (expr: unknown) => Compiled) => Compiled> = {
  $dateToString: (expr, compile) => {
    if (!isPlainObject(expr)) throw new MongoCommandError(18629, 'Location18629', '$dateToString only supports an object as its argument');
    for (const key of Object.keys(expr)) if (!['date', 'format', 'timezone', 'onNull'].includes(key)) throw new MongoCommandError(18534, 'Location18534', `Unrecognized argument to $dateToString: ${key}`);
    if (!('date' in expr)) throw new MongoCommandError(18628, 'Location18628', "Missing 'date' parameter to $dateToString");
    const dateOf = compile(expr.date);
    const tzOf = expr.timezone === undefined ? undefined : compile(expr.timezone);
    const formatOf = expr.format === undefined ? undefined : compile(expr.format);
    const onNull = expr.onNull === undefined ? undefined : compile(expr.onNull);
    // A literal format with day-level parts only ('%Y-%m', '%G-W%V') in a literal zone: the text depends only on the
    // local day, so it is cached per local day (the offset itself is cached per UTC day, see offsetMinutes).
    const constantFormat = typeof expr.format === 'string' && !/%[HMSLzZ]/.test(expr.format) ? expr.format : undefined;
    const constantZone = expr.timezone === undefined || typeof expr.timezone === 'string';
    const byDay = constantFormat && constantZone ? new Map<number, string>() : undefined;
    // And the last local day's bounds in UTC milliseconds with its text: documents read in date order (an index
    // on createdAt) fall in the same day one after another, so most need one comparison, not a zone lookup.
    let dayStart = 1;
    let dayEnd = 0;
    let dayText = '';
    return (doc) => {
      const value = dateOf(doc);
      if (byDay && value instanceof Date) {
        const time = value.getTime();
        if (time >= dayStart && time < dayEnd) return dayText;
      }
      const tz = tzOf?.(doc);
      const format = formatOf?.(doc);
      if (value === null || value === undefined) return onNull ? (onNull(doc) ?? null) : null;
      if (tz === null || (formatOf && (format === null || format === undefined))) return null;
      if (format !== undefined && typeof format !== 'string') throw new MongoCommandError(18533, 'Location18533', `$dateToString requires that 'format' be a string, found: ${typeName(format)}`);
      const date = toDate(value, '$dateToString')!;
      if (byDay) {
        const time = date.getTime();
        if (Number.isFinite(time)) {
          const offset = offsetMinutes(date, tz) * 60_000;
          const day = Math.floor((time + offset) / DAY_MS);
          let text = byDay.get(day);
          if (text === undefined) {
            text = formatDate(constantFormat!, date, tz);
            if (byDay.size > 50_000) byDay.clear();
            byDay.set(day, text);
          }
          // The local day is [start, end) in UTC when the zone keeps this offset at both ends of it.
          const start = day * DAY_MS - offset;
          const end = start + DAY_MS;
          if (offsetMinutes(new Date(start), tz) * 60_000 === offset && offsetMinutes(new Date(end - 1), tz) * 60_000 === offset) {
            dayStart = start;
            dayEnd = end;
            dayText = text;
          }
          return text;
        }
      }
      return formatDate((format as string | undefined) ?? (isUtc(tz) ? '%Y-%m-%dT%H:%M:%S.%LZ' : '%Y-%m-%dT%H:%M:%S.%L'), date, tz);
    };
  },
  ...Object.fromEntries(
    Object.entries(DATE_PARTS).map(([name, part]) => [
      name,
      (spec: unknown, compile: (expr: unknown) => Compiled): Compiled => {
        let dateExpr = spec;
        let tzExpr: unknown;
        if (Array.isArray(dateExpr)) {
          if (dateExpr.length !== 1) throw new MongoCommandError(40536, 'Location40536', `${name} accepts exactly one argument if given an array, but was given ${dateExpr.length}`);
          dateExpr = dateExpr[0];
        }
        if (isPlainObject(dateExpr) && 'date' in dateExpr && Object.keys(dateExpr).every((k) => k === 'date' || k === 'timezone')) {
          tzExpr = dateExpr.timezone;
          dateExpr = dateExpr.date;
        }
        const dateOf = compile(dateExpr);
        const tzOf = tzExpr === undefined ? undefined : compile(tzExpr);
        return (doc) => {
          const date = toDate(dateOf(doc), name);
          if (!date) return null;
          const tz = tzOf?.(doc);
          if (tz === null) return null;
          return part(wallClock(date, tz).wall);
        };
      },
    ]),
  ),
};
