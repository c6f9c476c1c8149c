/**
 * Schedule math for recurring payments. Pure: no I/O, no clock (callers pass startAt), so every run time can be
 * recomputed from what is stored (recurrence + bounds + run index) and re-running a job never shifts its schedule.
 *
 * Times the user picks are wall-clock times in Asia/Jakarta (WIB). We convert through a luxon zone rather than a
 * hard-coded +07:00 so the arithmetic is calendar arithmetic in the user's zone, which is what they mean by
 * "the 1st of every month at 09:00".
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { JAKARTA } from '../../../lib/time.js';

export type Recurrence =
  | { frequency: 'daily'; interval?: number; time: string }
  | { frequency: 'weekly'; interval?: number; dayOfWeek: number; time: string }
  | { frequency: 'monthly'; interval?: number; dayOfMonth: number; time: string }
  | { frequency: 'cron'; expression: string };

export interface RecurrenceBounds {
  startAt: Date;
  /** Inclusive: a run exactly at endAt still happens. */
  endAt?: Date;
  /** Total number of runs; run index n exists only while n < maxRuns. */
  maxRuns?: number;
}

/** Cron schedules may not fire more often than this (payments every minute are a mistake or abuse). */
export const MIN_CRON_GAP_MINUTES = 5;

const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

/** Integer field whose every failure message names the field, since API clients see only the message and path. */
function intField(field: string, min: number, max: number) {
  const message = `${field} must be a whole number from ${min} to ${max}`;
  return z
    .number({ error: (issue) => (issue.input === undefined ? `${field} is required` : message) })
    .int(message)
    .min(min, message)
    .max(max, message);
}

const timeField = z
  .string({ error: (issue) => (issue.input === undefined ? 'time is required' : "time must be a string 'HH:mm'") })
  .regex(TIME_PATTERN, "time must be 'HH:mm' in 24-hour Jakarta time, 00:00 to 23:59");

/**
 * Why a cron expression is unusable, or undefined when it is fine. Shared by the schema and by nthRun so a bad
 * expression that slipped into storage fails loudly instead of producing a wrong schedule.
 */
function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  // cron-parser also takes 6 fields (seconds), fewer than 5 and @macros; we promise the standard 5-field form.
  if (fields.length !== 5 || fields[0] === '') {
    return `expression must have exactly 5 fields (minute hour day-of-month month day-of-week), got ${fields[0] === '' ? 0 : fields.length}`;
  }
  // 'H' picks a random value on every parse unless seeded, which would make the schedule differ between calls.
  // The lookarounds keep day names such as THU legal.
  if (/(?<![a-z])h(?![a-z])/i.test(expression)) return "expression must not use 'H' (random) values";
  let parsed: CronExpression;
  try {
    parsed = parseCron(expression, new Date(0));
  } catch (err) {
    return `expression is not a valid cron expression: ${err instanceof Error ? err.message : String(err)}`;
  }
  const gap = minCronGapMinutes(parsed);
  if (gap < MIN_CRON_GAP_MINUTES) {
    return `expression fires every ${gap} minute${gap === 1 ? '' : 's'}; schedules may not run more often than every ${MIN_CRON_GAP_MINUTES} minutes`;
  }
  try {
    parsed.next();
  } catch {
    return 'expression never fires';
  }
  return undefined;
}

/**
 * The smallest gap between two firings, from the minute and hour fields. Within an hour every listed minute fires,
 * so the gaps between sorted minutes are exact. Across an hour boundary (last minute of hour h, first minute of
 * h+1) the gap only exists when both hours are allowed; 23 -> 0 is treated as adjacent without checking that the
 * two days are both allowed, which can only make us stricter, never let a too-frequent schedule through.
 */
function minCronGapMinutes(parsed: CronExpression): number {
  const minutes = parsed.fields.minute.values.map(Number).sort((a, b) => a - b);
  const hours = new Set(parsed.fields.hour.values.map(Number));
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < minutes.length; i++) gap = Math.min(gap, minutes[i] - minutes[i - 1]);
  const adjacentHours = [...hours].some((h) => hours.has((h + 1) % 24));
  if (adjacentHours) gap = Math.min(gap, 60 - minutes[minutes.length - 1] + minutes[0]);
  return gap;
}

function parseCron(expression: string, currentDate: Date): CronExpression {
  return CronExpressionParser.parse(expression.trim(), { currentDate, tz: JAKARTA });
}

/**
 * Built twice: strict (unknown keys rejected) for API input, so a typo such as `intervall` is an error instead of
 * silently meaning "every 1"; loose for re-checking stored documents inside nthRun, so a harmless extra key in an
 * old document never stops a schedule.
 */
function buildSchema(strict: boolean): z.ZodType<Recurrence> {
  const object = strict ? z.strictObject : z.object;
  return z.discriminatedUnion(
    'frequency',
    [
      object({ frequency: z.literal('daily'), interval: intField('interval', 1, 365).optional(), time: timeField }),
      object({
        frequency: z.literal('weekly'),
        interval: intField('interval', 1, 52).optional(),
        dayOfWeek: intField('dayOfWeek', 1, 7).describe('ISO weekday: 1 = Monday ... 7 = Sunday'),
        time: timeField,
      }),
      object({
        frequency: z.literal('monthly'),
        interval: intField('interval', 1, 12).optional(),
        dayOfMonth: intField('dayOfMonth', 1, 31).describe('29-31 mean the last day in months that are shorter'),
        time: timeField,
      }),
      object({
        frequency: z.literal('cron'),
        expression: z
          .string({ error: (issue) => (issue.input === undefined ? 'expression is required' : 'expression must be a string') })
          .trim()
          .superRefine((expression, ctx) => {
            const problem = cronProblem(expression);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }),
      }),
    ],
    { error: () => "frequency must be one of 'daily', 'weekly', 'monthly', 'cron'" },
  );
}

/** Validates API input. Issues carry the field's path (e.g. ['dayOfMonth']) and a message that names it. */
export const RecurrenceSchema: z.ZodType<Recurrence> = buildSchema(true);
const StoredRecurrenceSchema = buildSchema(false);

function checked(recurrence: Recurrence): Recurrence {
  const result = StoredRecurrenceSchema.safeParse(recurrence);
  if (!result.success) {
    throw new RangeError(`invalid recurrence: ${result.error.issues.map((i) => `${i.path.join('.') || 'recurrence'}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

function checkedBounds(bounds: RecurrenceBounds) {
  if (!(bounds.startAt instanceof Date) || Number.isNaN(bounds.startAt.getTime())) throw new RangeError('startAt must be a valid Date');
  if (bounds.endAt !== undefined && Number.isNaN(bounds.endAt.getTime())) throw new RangeError('endAt must be a valid Date');
}

function checkedIndex(name: string, value: number) {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Run times
// ---------------------------------------------------------------------------------------------------------------

function parseTime(time: string): { hour: number; minute: number } {
  const match = TIME_PATTERN.exec(time);
  if (!match) throw new RangeError(`time must be 'HH:mm', got ${time}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** `day` (any time of day in Jakarta) at the wall-clock time; rebuilt from date parts, never by adding hours. */
function atTime(day: DateTime, time: { hour: number; minute: number }): DateTime {
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, ...time, second: 0, millisecond: 0 }, { zone: JAKARTA });
}

/**
 * Closed-form run n for the calendar frequencies: find run 0 (the anchor) from startAt, then step n*interval
 * calendar units from the anchor. Stepping from the anchor rather than from run n-1 is what stops monthly runs on
 * day 31 drifting to the 28th after February.
 */
function calendarRun(recurrence: Exclude<Recurrence, { frequency: 'cron' }>, startAt: Date, n: number): DateTime {
  const start = DateTime.fromJSDate(startAt, { zone: JAKARTA });
  const time = parseTime(recurrence.time);
  const step = n * (recurrence.interval ?? 1);
  switch (recurrence.frequency) {
    case 'daily': {
      // Today at `time` if that is not already past, otherwise tomorrow.
      let anchor = atTime(start, time);
      if (anchor.toMillis() < start.toMillis()) anchor = atTime(start.plus({ days: 1 }), time);
      return atTime(anchor.plus({ days: step }), time);
    }
    case 'weekly': {
      const ahead = (recurrence.dayOfWeek - start.weekday + 7) % 7;
      let anchor = atTime(start.plus({ days: ahead }), time);
      // Same weekday as startAt but the time has passed: next week's.
      if (anchor.toMillis() < start.toMillis()) anchor = atTime(start.plus({ days: ahead + 7 }), time);
      return atTime(anchor.plus({ weeks: step }), time);
    }
    case 'monthly': {
      // Work with first-of-month dates: adding months to the 1st never clamps, so only the final day is clamped.
      const inMonth = (monthStart: DateTime) =>
        atTime(monthStart.set({ day: Math.min(recurrence.dayOfMonth, monthStart.daysInMonth ?? 28) }), time);
      const thisMonth = start.startOf('month');
      const anchorMonth = inMonth(thisMonth).toMillis() < start.toMillis() ? thisMonth.plus({ months: 1 }) : thisMonth;
      return inMonth(anchorMonth.plus({ months: step }));
    }
  }
}

/** Cron has no closed form: walk from startAt. Run 0 may be exactly startAt (cron-parser's next() is exclusive). */
function* cronRuns(expression: string, startAt: Date): Generator<Date> {
  const iterator = parseCron(expression, new Date(startAt.getTime() - 1));
  for (;;) yield iterator.next().toDate();
}

/** Runs in order, stopping at endAt / maxRuns. Used by both nthRun and previewRuns so they cannot disagree. */
function* runs(recurrence: Recurrence, bounds: RecurrenceBounds): Generator<Date> {
  const limit = bounds.maxRuns ?? Number.POSITIVE_INFINITY;
  const inBounds = (at: Date) => bounds.endAt === undefined || at.getTime() <= bounds.endAt.getTime();
  if (recurrence.frequency === 'cron') {
    let n = 0;
    for (const at of cronRuns(recurrence.expression, bounds.startAt)) {
      if (n++ >= limit || !inBounds(at)) return;
      yield at;
    }
    return;
  }
  for (let n = 0; n < limit; n++) {
    const at = toDate(calendarRun(recurrence, bounds.startAt, n));
    if (!inBounds(at)) return;
    yield at;
  }
}

function toDate(at: DateTime): Date {
  if (!at.isValid) throw new RangeError(`run time is out of range: ${at.invalidExplanation ?? at.invalidReason}`);
  return at.toJSDate();
}

/**
 * The n-th run (0-based) of the schedule: the first occurrence at or after startAt is run 0. Undefined when run n
 * would be after endAt (inclusive) or n >= maxRuns. Daily/weekly/monthly are O(1) from the anchor; cron walks n
 * steps from startAt. Throws RangeError for an invalid recurrence, bounds or n.
 */
export function nthRun(recurrence: Recurrence, bounds: RecurrenceBounds, n: number): Date | undefined {
  const valid = checked(recurrence);
  checkedBounds(bounds);
  checkedIndex('n', n);
  if (bounds.maxRuns !== undefined && n >= bounds.maxRuns) return undefined;
  if (valid.frequency !== 'cron') {
    const at = toDate(calendarRun(valid, bounds.startAt, n));
    return bounds.endAt !== undefined && at.getTime() > bounds.endAt.getTime() ? undefined : at;
  }
  let i = 0;
  for (const at of runs(valid, bounds)) if (i++ === n) return at;
  return undefined;
}

/** The first `count` runs (fewer when endAt or maxRuns comes first), for previews in API responses. */
export function previewRuns(recurrence: Recurrence, bounds: RecurrenceBounds, count: number): Date[] {
  const valid = checked(recurrence);
  checkedBounds(bounds);
  checkedIndex('count', count);
  const out: Date[] = [];
  if (count === 0) return out;
  for (const at of runs(valid, bounds)) {
    out.push(at);
    if (out.length >= count) break;
  }
  return out;
}

/** English description for notifications and API views, e.g. "every 2 weeks on Monday at 09:00 WIB". */
export function describeRecurrence(recurrence: Recurrence): string {
  if (recurrence.frequency === 'cron') return `cron "${recurrence.expression.trim()}" (Asia/Jakarta time)`;
  const interval = recurrence.interval ?? 1;
  const at = `at ${recurrence.time} WIB`;
  switch (recurrence.frequency) {
    case 'daily':
      return `${interval === 1 ? 'daily' : `every ${interval} days`} ${at}`;
    case 'weekly':
      return `${interval === 1 ? 'weekly' : `every ${interval} weeks`} on ${WEEKDAYS[recurrence.dayOfWeek - 1] ?? `weekday ${recurrence.dayOfWeek}`} ${at}`;
    case 'monthly': {
      // Only days 29-31 are ever clamped (February), so only they get the note.
      const clampNote = recurrence.dayOfMonth >= 29 ? ' (last day in shorter months)' : '';
      return `${interval === 1 ? 'monthly' : `every ${interval} months`} on day ${recurrence.dayOfMonth}${clampNote} ${at}`;
    }
  }
}
