import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { JAKARTA, fromJakartaWallClock, jakartaDate, jakartaEndOfDay, jakartaStartOfDay, toJakartaIso } from './time.js';

// The arithmetic fast path must agree with the zone database (luxon over Intl) everywhere, and hand over to it
// where Jakarta's offset was not +07:00.
const viaZone = (t: number) => DateTime.fromMillis(t, { zone: JAKARTA });

describe('Jakarta time', () => {
  const instants = [
    Date.UTC(2026, 11, 2, 5, 21, 41), // whole second
    Date.UTC(2026, 11, 2, 5, 21, 41, 7), // milliseconds
    Date.UTC(2026, 11, 1, 16, 59, 59, 999), // 23:59:59.999 in Jakarta
    Date.UTC(2026, 11, 1, 17, 0, 0, 0), // midnight in Jakarta
    Date.UTC(2024, 1, 28, 17, 0, 0), // leap day in Jakarta
    Date.UTC(1999, 11, 31, 17, 0, 0),
    Date.UTC(1970, 0, 1),
    Date.UTC(1963, 11, 31, 16, 29, 59), // still +07:30
    Date.UTC(1963, 11, 31, 16, 30, 0), // first instant of WIB (23:30 on a day that began at +07:30)
    Date.UTC(1963, 11, 31, 17, 0, 0), // first whole WIB day
    Date.UTC(1950, 5, 1, 12), // +07:30
    Date.UTC(1944, 5, 1, 12), // +09:00 (occupation)
  ];
  // Plus a deterministic spread over six decades.
  for (let i = 0, x = 12345; i < 500; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    instants.push(Date.UTC(1965, 0, 1) + Math.floor((x / 2 ** 31) * 2_000_000_000_000));
  }

  it('formats ISO timestamps, dates and day bounds exactly as the zone database does', () => {
    for (const t of instants) {
      const z = viaZone(t);
      expect(toJakartaIso(new Date(t))).toBe(z.toISO({ suppressMilliseconds: true }));
      expect(jakartaDate(new Date(t))).toBe(z.toISODate());
      expect(jakartaDate(t)).toBe(z.toISODate());
      expect(jakartaStartOfDay(new Date(t)).getTime()).toBe(z.startOf('day').toMillis());
      expect(jakartaEndOfDay(t).getTime()).toBe(z.endOf('day').toMillis());
    }
  });

  it('writes whole seconds without milliseconds and keeps them otherwise', () => {
    expect(toJakartaIso(new Date('2026-12-02T05:21:41Z'))).toBe('2026-12-02T12:21:41+07:00');
    expect(toJakartaIso(new Date('2026-12-02T05:21:41.050Z'))).toBe('2026-12-02T12:21:41.050+07:00');
    expect(toJakartaIso(new Date('1950-06-01T12:00:00Z'))).toBe('1950-06-01T19:30:00+07:30');
  });
});

describe('fromJakartaWallClock', () => {
  it('reads a date or date-time without an offset as the instant it names in Jakarta, and nothing else', () => {
    for (const text of ['2026-12-02 23:30:00', '2026-12-02T23:30:00', '2026-12-02T23:30', '2026-12-02T23:30:00.250']) {
      const at = fromJakartaWallClock(text)!;
      expect(viaZone(at.getTime()).toFormat("yyyy-MM-dd'T'HH:mm")).toBe('2026-12-02T23:30');
    }
    expect(fromJakartaWallClock('2026-12-02')!.toISOString()).toBe('2026-12-01T17:00:00.000Z');
    expect(fromJakartaWallClock('2026-12-02T23:30:00+07:00')).toBeUndefined();
    expect(fromJakartaWallClock('2026-12-02T16:30:00Z')).toBeUndefined();
    expect(fromJakartaWallClock('02/12/2026')).toBeUndefined();
  });
});
