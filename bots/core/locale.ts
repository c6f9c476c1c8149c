/**
 * Per-user language and time zone. Indonesian is the default language; Indonesia has three zones and people name
 * them by their abbreviations, so settings take WIB/WITA/WIT and times are shown with that suffix.
 */
import { DateTime } from 'luxon';

export const LANGUAGES = ['id', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const TIME_ZONES = { WIB: 'Asia/Jakarta', WITA: 'Asia/Makassar', WIT: 'Asia/Jayapura' } as const;
export type ZoneName = keyof typeof TIME_ZONES;

export interface Locale {
  language: Language;
  zone: ZoneName;
}

export const DEFAULT_LOCALE: Locale = { language: 'id', zone: 'WIB' };

/** Text in both languages; every user-facing string in the core and the commands is one of these. */
export type Localized = Record<Language, string>;

export function pick(text: Localized, language: Language): string {
  return text[language] ?? text.id;
}

/** Fills `{name}` placeholders. */
export function fill(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

export function say(locale: Pick<Locale, 'language'>, text: Localized, params?: Record<string, string | number>): string {
  return fill(pick(text, locale.language), params);
}

export function parseZone(input: string): ZoneName | null {
  const upper = input.trim().toUpperCase();
  return upper in TIME_ZONES ? (upper as ZoneName) : null;
}

export function parseLanguage(input: string): Language | null {
  const lower = input.trim().toLowerCase();
  if (['id', 'indonesia', 'bahasa', 'ind'].includes(lower)) return 'id';
  if (['en', 'english', 'inggris', 'eng'].includes(lower)) return 'en';
  return null;
}

/** "12 Mar 2025 14:05 WITA" / "12 Mar 2025 14.05 WIB" in the user's zone and language. */
export function formatDateTime(date: Date, locale: Locale): string {
  const dt = DateTime.fromJSDate(date, { zone: TIME_ZONES[locale.zone] }).setLocale(locale.language === 'id' ? 'id' : 'en-GB');
  const time = locale.language === 'id' ? dt.toFormat('HH.mm') : dt.toFormat('HH:mm');
  return `${dt.toFormat('d LLL yyyy')} ${time} ${locale.zone}`;
}
