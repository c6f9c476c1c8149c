import { describe, expect, it } from 'vitest';
import { invalidDateReason, strictDate } from './dates.js';

describe('strict dates', () => {
  it('refuses calendar dates that do not exist instead of rolling them into the next month', () => {
    expect(invalidDateReason('2027-02-30')).toMatch(/2027-02 has no day 30/);
    expect(invalidDateReason('2028-02-29')).toBeUndefined();
    expect(invalidDateReason('2027-02-29')).toMatch(/no day 29/);
    expect(invalidDateReason('2027-13-01')).toMatch(/no month 13/);
    expect(invalidDateReason('2027-04-31T10:00:00Z')).toMatch(/no day 31/);
    expect(invalidDateReason('2027-04-30T24:00:00Z')).toMatch(/time of day/);
  });

  it('refuses expanded years and non-ISO text that Date would still parse', () => {
    expect(invalidDateReason('+275760-09-13')).toMatch(/ISO 8601/);
    expect(invalidDateReason('March 3, 2027')).toMatch(/ISO 8601/);
    expect(strictDate().safeParse('+275760-09-13').success).toBe(false);
  });

  it('reads offsets and bounds how far ahead a schedule may be', () => {
    expect(strictDate().parse('2027-03-01T07:00:00+07:00').toISOString()).toBe('2027-03-01T00:00:00.000Z');
    const far = new Date(Date.now() + 11 * 365 * 86_400_000).toISOString();
    const result = strictDate({ maxYearsAhead: 10 }).safeParse(far);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/more than 10 years ahead/);
    expect(strictDate({ maxYearsAhead: 10 }).safeParse(new Date(Date.now() + 86_400_000)).success).toBe(true);
  });
});
