import { DateTime } from 'luxon';

/** Users live in Western Indonesia Time; everything is stored in UTC and shown in this zone. */
export const JAKARTA = 'Asia/Jakarta';

export function toJakartaIso(date: Date): string {
  return DateTime.fromJSDate(date, { zone: JAKARTA }).toISO({ suppressMilliseconds: true }) ?? date.toISOString();
}

export function formatJakarta(date: Date, format = 'dd LLL yyyy HH:mm'): string {
  return DateTime.fromJSDate(date, { zone: JAKARTA }).toFormat(format);
}
