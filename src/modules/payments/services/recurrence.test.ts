/**
 * Expected instants are worked out by hand from the calendar, not by the code under test: WIB is UTC+7, so
 * 09:00 WIB = 02:00Z the same day, 07:30 WIB = 00:30Z, and 00:00 WIB = 17:00Z the day before.
 * Calendar facts used: 1 Jan 2026 is a Thursday (so Mondays are 5, 12, 19, 26 Jan); 2026/2027 are common years;
 * 2028 and 2032 are leap years.
 */
import { describe, expect, it } from 'vitest';
import {
  describeRecurrence,
  nthRun,
  previewRuns,
  RecurrenceSchema,
  type Recurrence,
  type RecurrenceBounds,
} from './recurrence.js';

const at = (iso: string) => new Date(iso);
const iso = (dates: Array<Date | undefined>) => dates.map((d) => d?.toISOString());
const preview = (r: Recurrence, b: RecurrenceBounds, count: number) => previewRuns(r, b, count).map((d) => d.toISOString());

/** The issues of a rejected input, as "path: message" so a test asserts both which field and what it says. */
function issues(input: unknown): string[] {
  const result = RecurrenceSchema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('RecurrenceSchema', () => {
  it('accepts every frequency, with interval optional', () => {
    const ok: unknown[] = [
      { frequency: 'daily', time: '07:30' },
      { frequency: 'daily', interval: 365, time: '00:00' },
      { frequency: 'weekly', dayOfWeek: 1, time: '09:00' },
      { frequency: 'weekly', interval: 52, dayOfWeek: 7, time: '23:59' },
      { frequency: 'monthly', dayOfMonth: 31, time: '09:00' },
      { frequency: 'monthly', interval: 12, dayOfMonth: 1, time: '09:00' },
      { frequency: 'cron', expression: '0 9 1 * *' },
    ];
    for (const input of ok) expect(RecurrenceSchema.parse(input)).toEqual(input);
  });

  it('rejects times that are not 24-hour HH:mm and names the field', () => {
    for (const time of ['7:30', '24:00', '12:60', '0900', '09:00:00', ' 09:00', '']) {
      expect(issues({ frequency: 'daily', time })).toEqual([`time: time must be 'HH:mm' in 24-hour Jakarta time, 00:00 to 23:59`]);
    }
    expect(issues({ frequency: 'daily' })).toEqual(['time: time is required']);
    expect(issues({ frequency: 'daily', time: 930 })).toEqual([`time: time must be a string 'HH:mm'`]);
  });

  it('rejects out-of-range or fractional days and intervals, naming each field', () => {
    for (const dayOfMonth of [0, 32, 1.5, '1']) {
      expect(issues({ frequency: 'monthly', dayOfMonth, time: '09:00' })).toEqual(['dayOfMonth: dayOfMonth must be a whole number from 1 to 31']);
    }
    expect(issues({ frequency: 'monthly', time: '09:00' })).toEqual(['dayOfMonth: dayOfMonth is required']);
    for (const dayOfWeek of [0, 8]) {
      expect(issues({ frequency: 'weekly', dayOfWeek, time: '09:00' })).toEqual(['dayOfWeek: dayOfWeek must be a whole number from 1 to 7']);
    }
    // Each frequency has its own interval ceiling (a year's worth); 0 is never valid.
    expect(issues({ frequency: 'daily', interval: 366, time: '09:00' })).toEqual(['interval: interval must be a whole number from 1 to 365']);
    expect(issues({ frequency: 'weekly', interval: 53, dayOfWeek: 1, time: '09:00' })).toEqual(['interval: interval must be a whole number from 1 to 52']);
    expect(issues({ frequency: 'monthly', interval: 13, dayOfMonth: 1, time: '09:00' })).toEqual(['interval: interval must be a whole number from 1 to 12']);
    expect(issues({ frequency: 'monthly', interval: 0, dayOfMonth: 1, time: '09:00' })).toEqual(['interval: interval must be a whole number from 1 to 12']);
  });

  it('reports every bad field at once', () => {
    expect(issues({ frequency: 'weekly', interval: 53, dayOfWeek: 0, time: '9am' })).toEqual([
      'interval: interval must be a whole number from 1 to 52',
      'dayOfWeek: dayOfWeek must be a whole number from 1 to 7',
      `time: time must be 'HH:mm' in 24-hour Jakarta time, 00:00 to 23:59`,
    ]);
  });

  it('rejects unknown frequencies on the frequency field', () => {
    const message = "frequency: frequency must be one of 'daily', 'weekly', 'monthly', 'cron'";
    expect(issues({ frequency: 'hourly', time: '09:00' })).toEqual([message]);
    expect(issues({ time: '09:00' })).toEqual([message]);
  });

  it('rejects unknown keys, so a typo cannot silently fall back to a default', () => {
    const [issue] = issues({ frequency: 'weekly', intervall: 2, dayOfWeek: 1, time: '09:00' });
    expect(issue).toContain('intervall');
  });

  describe('cron', () => {
    const cronIssues = (expression: unknown) => issues({ frequency: 'cron', expression });

    it('rejects schedules firing more often than every 5 minutes', () => {
      expect(cronIssues('* * * * *')).toEqual(['expression: expression fires every 1 minute; schedules may not run more often than every 5 minutes']);
      expect(cronIssues('*/2 * * * *')).toEqual(['expression: expression fires every 2 minutes; schedules may not run more often than every 5 minutes']);
      expect(cronIssues('*/4 9 * * *')[0]).toMatch(/^expression: expression fires every 4 minutes/);
      // Only a pair of minutes is close, but it recurs every hour.
      expect(cronIssues('0,58 * * * *')[0]).toMatch(/^expression: expression fires every 2 minutes/);
      // 09:57 then 10:00 is 3 minutes apart across the hour boundary.
      expect(cronIssues('0,57 9-10 * * *')[0]).toMatch(/^expression: expression fires every 3 minutes/);
      // A burst of minutes inside one hour of one day is still too frequent.
      expect(cronIssues('0-3 9 1 * *')[0]).toMatch(/^expression: expression fires every 1 minute/);
    });

    it('accepts exactly every 5 minutes and close minutes in non-adjacent hours', () => {
      for (const expression of ['*/5 * * * *', '0,57 9,11 * * *', '0 9 1 * *', '30 7 * * 1-5', '0 9 L * *', '0 9 * * THU', '0 9 * * 1#1']) {
        expect(RecurrenceSchema.safeParse({ frequency: 'cron', expression }).success, expression).toBe(true);
      }
    });

    it('rejects invalid expressions with the reason', () => {
      expect(cronIssues('61 * * * *')[0]).toMatch(/^expression: expression is not a valid cron expression: .*61/);
      expect(cronIssues('0 9 * foo *')[0]).toMatch(/^expression: expression is not a valid cron expression/);
      // 30 February never happens; such a schedule would never pay.
      expect(cronIssues('0 0 30 2 *')[0]).toMatch(/^expression: expression is not a valid cron expression/);
    });

    it('accepts only the standard 5-field form', () => {
      const fieldCount = (n: number) => [`expression: expression must have exactly 5 fields (minute hour day-of-month month day-of-week), got ${n}`];
      expect(cronIssues('0 0 9 1 * *')).toEqual(fieldCount(6)); // seconds field
      expect(cronIssues('0 9 1 *')).toEqual(fieldCount(4));
      expect(cronIssues('@daily')).toEqual(fieldCount(1));
      expect(cronIssues('   ')).toEqual(fieldCount(0));
      expect(cronIssues(undefined)).toEqual(['expression: expression is required']);
    });

    it("rejects 'H' because cron-parser picks a new random value on every parse", () => {
      expect(cronIssues('H 9 * * *')).toEqual(["expression: expression must not use 'H' (random) values"]);
      expect(cronIssues('H/10 9 * * *')).toEqual(["expression: expression must not use 'H' (random) values"]);
    });

    it('stores the expression trimmed', () => {
      expect(RecurrenceSchema.parse({ frequency: 'cron', expression: '  0 9 1 * * ' })).toEqual({ frequency: 'cron', expression: '0 9 1 * *' });
    });
  });
});

describe('nthRun: daily', () => {
  const daily = (time: string, interval?: number): Recurrence => ({ frequency: 'daily', time, interval });

  it('starts today when the time has not passed yet in Jakarta', () => {
    // startAt 07:00 WIB, runs at 07:30 WIB.
    const bounds = { startAt: at('2026-03-10T00:00:00Z') };
    expect(preview(daily('07:30'), bounds, 3)).toEqual(['2026-03-10T00:30:00.000Z', '2026-03-11T00:30:00.000Z', '2026-03-12T00:30:00.000Z']);
  });

  it("rolls to tomorrow when startAt is after today's time", () => {
    // startAt 08:00 WIB, after 07:30 WIB.
    expect(nthRun(daily('07:30'), { startAt: at('2026-03-10T01:00:00Z') }, 0)?.toISOString()).toBe('2026-03-11T00:30:00.000Z');
    // One millisecond late is late.
    expect(nthRun(daily('07:30'), { startAt: at('2026-03-10T00:30:00.001Z') }, 0)?.toISOString()).toBe('2026-03-11T00:30:00.000Z');
  });

  it('treats a run exactly at startAt as run 0', () => {
    expect(nthRun(daily('07:30'), { startAt: at('2026-03-10T00:30:00Z') }, 0)?.toISOString()).toBe('2026-03-10T00:30:00.000Z');
    // 00:00 WIB on 11 March is 17:00Z on 10 March.
    expect(nthRun(daily('00:00'), { startAt: at('2026-03-10T17:00:00Z') }, 0)?.toISOString()).toBe('2026-03-10T17:00:00.000Z');
  });

  it('uses the Jakarta calendar day, not the UTC one', () => {
    // 20:00Z on 10 March is already 03:00 WIB on 11 March.
    const startAt = at('2026-03-10T20:00:00Z');
    expect(nthRun(daily('09:00'), { startAt }, 0)?.toISOString()).toBe('2026-03-11T02:00:00.000Z');
    // 02:00 WIB on the 11th has passed, so the first run is 02:00 WIB on the 12th = 19:00Z on the 11th.
    expect(nthRun(daily('02:00'), { startAt }, 0)?.toISOString()).toBe('2026-03-11T19:00:00.000Z');
  });

  it('steps every N days across month ends', () => {
    // February 2026 has 28 days: 27 Feb + 3 = 2 Mar.
    expect(preview(daily('09:00', 3), { startAt: at('2026-02-27T00:00:00Z') }, 3)).toEqual([
      '2026-02-27T02:00:00.000Z',
      '2026-03-02T02:00:00.000Z',
      '2026-03-05T02:00:00.000Z',
    ]);
  });

  it('computes far runs directly: run 365 from 1 Jan 2026 is 1 Jan 2027', () => {
    expect(nthRun(daily('09:00'), { startAt: at('2026-01-01T00:00:00Z') }, 365)?.toISOString()).toBe('2027-01-01T02:00:00.000Z');
  });
});

describe('nthRun: weekly', () => {
  const weekly = (dayOfWeek: number, interval?: number): Recurrence => ({ frequency: 'weekly', dayOfWeek, time: '09:00', interval });

  it('finds the first matching weekday at or after startAt', () => {
    // Thursday 1 Jan 2026 -> Mondays 5, 12, 19 Jan.
    expect(preview(weekly(1), { startAt: at('2026-01-01T00:00:00Z') }, 3)).toEqual([
      '2026-01-05T02:00:00.000Z',
      '2026-01-12T02:00:00.000Z',
      '2026-01-19T02:00:00.000Z',
    ]);
    // 7 is Sunday (ISO), not 0: Sunday 4 Jan.
    expect(nthRun(weekly(7), { startAt: at('2026-01-01T00:00:00Z') }, 0)?.toISOString()).toBe('2026-01-04T02:00:00.000Z');
    // Thursday itself, before 09:00 WIB.
    expect(nthRun(weekly(4), { startAt: at('2026-01-01T00:00:00Z') }, 0)?.toISOString()).toBe('2026-01-01T02:00:00.000Z');
  });

  it('uses this week when the time has not passed on the day itself, next week when it has', () => {
    // Monday 5 Jan 08:00 WIB / 10:00 WIB.
    expect(nthRun(weekly(1), { startAt: at('2026-01-05T01:00:00Z') }, 0)?.toISOString()).toBe('2026-01-05T02:00:00.000Z');
    expect(nthRun(weekly(1), { startAt: at('2026-01-05T03:00:00Z') }, 0)?.toISOString()).toBe('2026-01-12T02:00:00.000Z');
  });

  it('every 2 weeks steps 14 days from the first run', () => {
    expect(preview(weekly(1, 2), { startAt: at('2026-01-01T00:00:00Z') }, 4)).toEqual([
      '2026-01-05T02:00:00.000Z',
      '2026-01-19T02:00:00.000Z',
      '2026-02-02T02:00:00.000Z',
      '2026-02-16T02:00:00.000Z',
    ]);
  });

  it('uses the Jakarta weekday, not the UTC one', () => {
    // 20:00Z Sunday 4 Jan is 03:00 WIB Monday 5 Jan.
    const startAt = at('2026-01-04T20:00:00Z');
    expect(nthRun(weekly(1), { startAt }, 0)?.toISOString()).toBe('2026-01-05T02:00:00.000Z');
    // In Jakarta that Sunday is over, so the next Sunday is the 11th.
    expect(nthRun(weekly(7), { startAt }, 0)?.toISOString()).toBe('2026-01-11T02:00:00.000Z');
  });
});

describe('nthRun: monthly', () => {
  const monthly = (dayOfMonth: number, interval?: number, time = '09:00'): Recurrence => ({ frequency: 'monthly', dayOfMonth, time, interval });

  it('clamps day 31 to short months without drifting afterwards', () => {
    expect(preview(monthly(31), { startAt: at('2026-01-31T02:00:00Z') }, 4)).toEqual([
      '2026-01-31T02:00:00.000Z',
      '2026-02-28T02:00:00.000Z',
      '2026-03-31T02:00:00.000Z', // not 28 March: computed from the anchor month, not from 28 Feb
      '2026-04-30T02:00:00.000Z',
    ]);
  });

  it('gives the same answer for run n whether asked directly or after the earlier runs', () => {
    const recurrence = monthly(31);
    const bounds = { startAt: at('2026-01-31T02:00:00Z') };
    const all = previewRuns(recurrence, bounds, 15);
    for (const n of [14, 13, 1, 2]) expect(nthRun(recurrence, bounds, n)).toEqual(all[n]);
    expect(iso([nthRun(recurrence, bounds, 13), nthRun(recurrence, bounds, 14)])).toEqual(['2027-02-28T02:00:00.000Z', '2027-03-31T02:00:00.000Z']);
  });

  it('uses 29 February in leap years', () => {
    expect(preview(monthly(31), { startAt: at('2028-01-15T00:00:00Z') }, 3)).toEqual([
      '2028-01-31T02:00:00.000Z',
      '2028-02-29T02:00:00.000Z',
      '2028-03-31T02:00:00.000Z',
    ]);
    expect(nthRun(monthly(30), { startAt: at('2028-02-01T00:00:00Z') }, 0)?.toISOString()).toBe('2028-02-29T02:00:00.000Z');
    expect(nthRun(monthly(29), { startAt: at('2027-02-01T00:00:00Z') }, 0)?.toISOString()).toBe('2027-02-28T02:00:00.000Z');
  });

  it('yearly on 29 Feb lands on the 28th in common years and back on the 29th in leap years', () => {
    const recurrence = monthly(29, 12);
    const bounds = { startAt: at('2028-02-01T00:00:00Z') };
    expect(preview(recurrence, bounds, 5)).toEqual([
      '2028-02-29T02:00:00.000Z',
      '2029-02-28T02:00:00.000Z',
      '2030-02-28T02:00:00.000Z',
      '2031-02-28T02:00:00.000Z',
      '2032-02-29T02:00:00.000Z',
    ]);
  });

  it('moves to the next month when this month\'s (clamped) day has passed', () => {
    // 10:00 WIB on 31 Jan, after 09:00.
    expect(preview(monthly(31), { startAt: at('2026-01-31T03:00:00Z') }, 2)).toEqual(['2026-02-28T02:00:00.000Z', '2026-03-31T02:00:00.000Z']);
    // 10:00 WIB on 28 Feb: February's clamped day 31 has passed, so March.
    expect(nthRun(monthly(31), { startAt: at('2026-02-28T03:00:00Z') }, 0)?.toISOString()).toBe('2026-03-31T02:00:00.000Z');
    // Day 15 when startAt is the 20th.
    expect(nthRun(monthly(15), { startAt: at('2026-01-20T00:00:00Z') }, 0)?.toISOString()).toBe('2026-02-15T02:00:00.000Z');
  });

  it('steps N months from the anchor month, clamping each', () => {
    expect(preview(monthly(31, 3), { startAt: at('2026-01-01T00:00:00Z') }, 5)).toEqual([
      '2026-01-31T02:00:00.000Z',
      '2026-04-30T02:00:00.000Z',
      '2026-07-31T02:00:00.000Z',
      '2026-10-31T02:00:00.000Z',
      '2027-01-31T02:00:00.000Z',
    ]);
    expect(preview(monthly(30, 2), { startAt: at('2026-12-01T00:00:00Z') }, 3)).toEqual([
      '2026-12-30T02:00:00.000Z',
      '2027-02-28T02:00:00.000Z',
      '2027-04-30T02:00:00.000Z',
    ]);
  });

  it('handles midnight WIB, which is the previous UTC day', () => {
    // 07:00 WIB on 1 Jan: 00:00 WIB has passed, so 1 Feb 00:00 WIB = 31 Jan 17:00Z.
    expect(preview(monthly(1, 1, '00:00'), { startAt: at('2026-01-01T00:00:00Z') }, 2)).toEqual(['2026-01-31T17:00:00.000Z', '2026-02-28T17:00:00.000Z']);
  });
});

describe('nthRun: cron (Asia/Jakarta)', () => {
  const cron = (expression: string): Recurrence => ({ frequency: 'cron', expression });

  it('evaluates the expression in Jakarta time', () => {
    expect(preview(cron('0 9 1 * *'), { startAt: at('2026-01-01T00:00:00Z') }, 3)).toEqual([
      '2026-01-01T02:00:00.000Z',
      '2026-02-01T02:00:00.000Z',
      '2026-03-01T02:00:00.000Z',
    ]);
    // Midnight WIB is 17:00Z the day before.
    expect(nthRun(cron('0 0 * * *'), { startAt: at('2026-01-01T00:00:00Z') }, 0)?.toISOString()).toBe('2026-01-01T17:00:00.000Z');
    // Monday in Jakarta.
    expect(nthRun(cron('0 9 * * 1'), { startAt: at('2026-01-01T00:00:00Z') }, 1)?.toISOString()).toBe('2026-01-12T02:00:00.000Z');
    expect(preview(cron('0 9 L * *'), { startAt: at('2026-01-01T00:00:00Z') }, 2)).toEqual(['2026-01-31T02:00:00.000Z', '2026-02-28T02:00:00.000Z']);
  });

  it('includes an occurrence exactly at startAt but not one before it', () => {
    expect(nthRun(cron('0 9 1 * *'), { startAt: at('2026-01-01T02:00:00.000Z') }, 0)?.toISOString()).toBe('2026-01-01T02:00:00.000Z');
    expect(nthRun(cron('0 9 1 * *'), { startAt: at('2026-01-01T02:00:00.001Z') }, 0)?.toISOString()).toBe('2026-02-01T02:00:00.000Z');
  });

  it('steps every 5 minutes from a mid-interval start', () => {
    expect(preview(cron('*/5 * * * *'), { startAt: at('2026-01-01T00:02:30Z') }, 3)).toEqual([
      '2026-01-01T00:05:00.000Z',
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:15:00.000Z',
    ]);
  });

  it('never lets an accepted expression fire less than 5 minutes apart (brute force over real runs)', () => {
    // Cross-checks the field-based frequency rule against actual firing times, including hour boundaries.
    for (const expression of ['*/5 * * * *', '0,55 * * * *', '0,57 9,11 * * *', '55 23 * * *', '0,30 8-17 * * 1-5']) {
      expect(RecurrenceSchema.safeParse({ frequency: 'cron', expression }).success, expression).toBe(true);
      const times = previewRuns(cron(expression), { startAt: at('2026-01-01T00:00:00Z') }, 600).map((d) => d.getTime());
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1], expression).toBeGreaterThanOrEqual(5 * 60_000);
    }
  });
});

describe('bounds', () => {
  const monthlyFirst: Recurrence = { frequency: 'monthly', dayOfMonth: 1, time: '09:00' };
  const startAt = at('2026-01-01T00:00:00Z');

  it('maxRuns caps the count', () => {
    const bounds = { startAt, maxRuns: 3 };
    expect(nthRun(monthlyFirst, bounds, 2)?.toISOString()).toBe('2026-03-01T02:00:00.000Z');
    expect(nthRun(monthlyFirst, bounds, 3)).toBeUndefined();
    expect(nthRun(monthlyFirst, bounds, 100)).toBeUndefined();
    expect(preview(monthlyFirst, bounds, 10)).toEqual(['2026-01-01T02:00:00.000Z', '2026-02-01T02:00:00.000Z', '2026-03-01T02:00:00.000Z']);
  });

  it('endAt is inclusive', () => {
    const endAt = at('2026-03-01T02:00:00Z');
    expect(nthRun(monthlyFirst, { startAt, endAt }, 2)?.toISOString()).toBe('2026-03-01T02:00:00.000Z');
    expect(nthRun(monthlyFirst, { startAt, endAt }, 3)).toBeUndefined();
    expect(nthRun(monthlyFirst, { startAt, endAt: new Date(endAt.getTime() - 1) }, 2)).toBeUndefined();
    expect(preview(monthlyFirst, { startAt, endAt }, 10)).toHaveLength(3);
  });

  it('returns undefined for run 0 when nothing falls before endAt', () => {
    expect(nthRun(monthlyFirst, { startAt, endAt: at('2026-01-01T01:59:59Z') }, 0)).toBeUndefined();
    expect(previewRuns(monthlyFirst, { startAt, endAt: at('2026-01-01T01:59:59Z') }, 3)).toEqual([]);
  });

  it('the tighter of endAt and maxRuns wins', () => {
    expect(preview(monthlyFirst, { startAt, endAt: at('2026-12-31T00:00:00Z'), maxRuns: 2 }, 10)).toHaveLength(2);
    expect(preview(monthlyFirst, { startAt, endAt: at('2026-02-15T00:00:00Z'), maxRuns: 5 }, 10)).toHaveLength(2);
  });

  it('applies to cron too', () => {
    const cron: Recurrence = { frequency: 'cron', expression: '0 9 1 * *' };
    expect(nthRun(cron, { startAt, maxRuns: 2 }, 2)).toBeUndefined();
    expect(nthRun(cron, { startAt, endAt: at('2026-02-01T02:00:00Z') }, 1)?.toISOString()).toBe('2026-02-01T02:00:00.000Z');
    expect(nthRun(cron, { startAt, endAt: at('2026-02-01T02:00:00Z') }, 2)).toBeUndefined();
    expect(preview(cron, { startAt, endAt: at('2026-03-15T00:00:00Z') }, 10)).toHaveLength(3);
  });

  it('previewRuns agrees with nthRun for every frequency', () => {
    const cases: Recurrence[] = [
      { frequency: 'daily', interval: 2, time: '07:30' },
      { frequency: 'weekly', interval: 3, dayOfWeek: 5, time: '18:00' },
      { frequency: 'monthly', interval: 1, dayOfMonth: 30, time: '09:00' },
      { frequency: 'cron', expression: '15 12 * * 1,3' },
    ];
    for (const recurrence of cases) {
      const runs = previewRuns(recurrence, { startAt, maxRuns: 20 }, 25);
      expect(runs).toHaveLength(20);
      runs.forEach((run, n) => expect(nthRun(recurrence, { startAt, maxRuns: 20 }, n)).toEqual(run));
      for (let i = 1; i < runs.length; i++) expect(runs[i].getTime()).toBeGreaterThan(runs[i - 1].getTime());
    }
  });

  it('previewRuns(0) is empty', () => {
    expect(previewRuns(monthlyFirst, { startAt }, 0)).toEqual([]);
  });
});

describe('misuse fails loudly instead of scheduling something wrong', () => {
  const daily: Recurrence = { frequency: 'daily', time: '09:00' };
  const startAt = at('2026-01-01T00:00:00Z');

  it('rejects bad n, count and dates', () => {
    for (const n of [-1, 1.5, Number.NaN]) expect(() => nthRun(daily, { startAt }, n)).toThrow(RangeError);
    expect(() => previewRuns(daily, { startAt }, -1)).toThrow(RangeError);
    expect(() => nthRun(daily, { startAt: new Date('nope') }, 0)).toThrow(/startAt/);
    expect(() => nthRun(daily, { startAt, endAt: new Date('nope') }, 0)).toThrow(/endAt/);
  });

  it('rejects an invalid stored recurrence, naming the field', () => {
    expect(() => nthRun({ frequency: 'daily', time: '25:00' }, { startAt }, 0)).toThrow(/time/);
    expect(() => nthRun({ frequency: 'cron', expression: '* * * * *' }, { startAt }, 0)).toThrow(/expression/);
  });

  it('tolerates an extra key in a stored document (only API input is strict)', () => {
    const stored = { frequency: 'daily', time: '09:00', legacyNote: 'x' } as Recurrence;
    expect(nthRun(stored, { startAt }, 0)?.toISOString()).toBe('2026-01-01T02:00:00.000Z');
  });
});

describe('describeRecurrence', () => {
  it('describes each frequency in English with WIB times', () => {
    expect(describeRecurrence({ frequency: 'daily', time: '07:30' })).toBe('daily at 07:30 WIB');
    expect(describeRecurrence({ frequency: 'daily', interval: 3, time: '07:30' })).toBe('every 3 days at 07:30 WIB');
    expect(describeRecurrence({ frequency: 'weekly', dayOfWeek: 1, time: '09:00' })).toBe('weekly on Monday at 09:00 WIB');
    expect(describeRecurrence({ frequency: 'weekly', interval: 2, dayOfWeek: 7, time: '09:00' })).toBe('every 2 weeks on Sunday at 09:00 WIB');
    expect(describeRecurrence({ frequency: 'monthly', dayOfMonth: 1, time: '09:00' })).toBe('monthly on day 1 at 09:00 WIB');
    expect(describeRecurrence({ frequency: 'monthly', dayOfMonth: 31, time: '09:00' })).toBe('monthly on day 31 (last day in shorter months) at 09:00 WIB');
    expect(describeRecurrence({ frequency: 'monthly', interval: 3, dayOfMonth: 29, time: '09:00' })).toBe(
      'every 3 months on day 29 (last day in shorter months) at 09:00 WIB',
    );
    expect(describeRecurrence({ frequency: 'cron', expression: '0 9 1 * *' })).toBe('cron "0 9 1 * *" (Asia/Jakarta time)');
  });
});
