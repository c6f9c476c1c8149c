/** Shared by the data chat commands: the actor a command acts as, money and periods as people type and read them. */
import { DateTime } from 'luxon';
import { TIME_ZONES, type Locale } from '../../../../../bots/core/locale.js';
import { AppError } from '../../../../lib/errors.js';
import { formatMoney } from '../../../../lib/money.js';

/** Files larger than this are neither taken from nor sent into a chat (the Bot API's getFile stops at 20 MB). */
export const CHAT_FILE_LIMIT_BYTES = 20 * 1024 * 1024;

export { actorOf } from '../../../../../bots/core/actor.js';

export const money = (amountMinor: number, currency = 'IDR') => formatMoney({ amountMinor, currency });

export interface Period {
  from: string;
  to: string;
  /** How the period reads back to the user. */
  label: string;
}

const MONTH_WORDS = ['bulan ini', 'this month', 'bulan', 'month'];
const LAST_MONTH = ['bulan lalu', 'last month'];
const WEEK_WORDS = ['minggu ini', 'this week', 'minggu', 'week', 'pekan ini'];
const LAST_WEEK = ['minggu lalu', 'last week', 'pekan lalu'];
const TODAY = ['hari ini', 'hari-ini', 'today'];
const YESTERDAY = ['kemarin', 'yesterday'];
const THIS_YEAR = ['tahun ini', 'this year', 'tahun', 'year'];
const LAST_YEAR = ['tahun lalu', 'last year'];

/**
 * A period as people say it, in their own time zone: `bulan ini` (default), `bulan lalu`, `minggu ini`,
 * `minggu lalu`, `hari ini`, `kemarin`, `tahun ini`, the same in English, `2026-11`, `2026`, `2026-11-05` or
 * `2026-11-01..2026-11-15`. Weeks start on Monday. Anything else is a validation error naming what works.
 */
export function parsePeriod(input: string | undefined, locale: Locale, now: Date): Period {
  const zone = TIME_ZONES[locale.zone];
  const today = DateTime.fromJSDate(now, { zone });
  const text = (input ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  const en = locale.language === 'en';
  const month = (d: DateTime) => d.setLocale(en ? 'en-GB' : 'id').toFormat('LLLL yyyy');
  const range = (from: DateTime, to: DateTime, label: string): Period => ({ from: from.toISODate()!, to: to.toISODate()!, label });

  if (!text || MONTH_WORDS.includes(text)) return range(today.startOf('month'), today, month(today));
  if (LAST_MONTH.includes(text)) {
    const last = today.minus({ months: 1 });
    return range(last.startOf('month'), last.endOf('month'), month(last));
  }
  if (WEEK_WORDS.includes(text)) return range(today.startOf('week'), today, en ? 'this week' : 'minggu ini');
  if (LAST_WEEK.includes(text)) {
    const last = today.minus({ weeks: 1 });
    return range(last.startOf('week'), last.endOf('week'), en ? 'last week' : 'minggu lalu');
  }
  if (TODAY.includes(text)) return range(today, today, en ? 'today' : 'hari ini');
  if (YESTERDAY.includes(text)) {
    const y = today.minus({ days: 1 });
    return range(y, y, en ? 'yesterday' : 'kemarin');
  }
  if (THIS_YEAR.includes(text)) return range(today.startOf('year'), today, String(today.year));
  if (LAST_YEAR.includes(text)) {
    const y = today.minus({ years: 1 });
    return range(y.startOf('year'), y.endOf('year'), String(y.year));
  }
  let m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) {
    const d = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]) }, { zone });
    if (d.isValid) return range(d.startOf('month'), d.endOf('month'), month(d));
  }
  m = /^(\d{4})$/.exec(text);
  if (m) {
    const d = DateTime.fromObject({ year: Number(m[1]) }, { zone });
    return range(d.startOf('year'), d.endOf('year'), m[1]);
  }
  m = /^(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|s\/d|sd|to|-|–)\s*(\d{4}-\d{2}-\d{2}))?$/.exec(text);
  if (m) {
    const from = DateTime.fromISO(m[1], { zone });
    const to = DateTime.fromISO(m[2] ?? m[1], { zone });
    if (from.isValid && to.isValid && from <= to) return range(from, to, m[2] ? `${m[1]} – ${m[2]}` : m[1]);
  }
  const reason = en
    ? 'use this month, last month, this week, last week, today, yesterday, this year, YYYY-MM, YYYY or YYYY-MM-DD..YYYY-MM-DD'
    : 'pakai bulan ini, bulan lalu, minggu ini, minggu lalu, hari ini, kemarin, tahun ini, YYYY-MM, YYYY atau YYYY-MM-DD..YYYY-MM-DD';
  throw new AppError('VALIDATION_FAILED', 'period', { details: { issues: [{ field: en ? 'period' : 'periode', reason }] } });
}
