/**
 * Exchange rates for the rates simulators: anchored near real mid-2020s levels (USD/IDR around 16,250) with a
 * deterministic daily drift, so "today" and "a past date" give different, stable, believable numbers.
 */
import { DAY_MS, dayIndex, isoDay, noise, stringSeed } from './simulator.js';

/** Units per 1 EUR, the ECB's own base, for the currencies the ECB publishes. */
export const ECB_ANCHORS: Record<string, number> = {
  USD: 1.085, JPY: 163.5, BGN: 1.9558, CZK: 25.1, DKK: 7.46, GBP: 0.845, HUF: 395.0, PLN: 4.28, RON: 4.97, SEK: 11.45,
  CHF: 0.955, ISK: 149.5, NOK: 11.6, TRY: 35.5, AUD: 1.642, BRL: 5.95, CAD: 1.48, CNY: 7.85, HKD: 8.47, IDR: 17650.0,
  ILS: 3.98, INR: 90.5, KRW: 1480.0, MXN: 19.8, MYR: 5.09, NZD: 1.79, PHP: 62.3, SGD: 1.458, THB: 38.9, ZAR: 19.9,
};

/** Units per 1 USD for currencies the ECB does not publish (the fallback source lists them). */
const EXTRA_USD_ANCHORS: Record<string, number> = {
  KWD: 0.3075, BHD: 0.376, OMR: 0.3845, JOD: 0.709, SAR: 3.75, AED: 3.6725, QAR: 3.64, VND: 25_400, TWD: 32.2,
  PKR: 278.5, BDT: 119.5, LKR: 298.0, EGP: 48.5, NGN: 1550.0, KES: 129.0, BND: 1.344, KHR: 4100.0, MMK: 2100.0,
  LAK: 21_800.0, MOP: 8.05, NPR: 133.5, CLP: 940.0, COP: 4100.0, PEN: 3.75, ARS: 980.0, UAH: 41.3, KZT: 480.0,
};

/** Pegged currencies do not wander. */
const PEGGED = new Set(['BGN', 'DKK', 'HKD', 'SAR', 'AED', 'QAR', 'OMR', 'BHD', 'JOD', 'BND', 'MOP']);

/** The ECB's first reference rates. */
export const FIRST_ECB_DAY = '1999-01-04';

function drift(code: string, day: number): number {
  if (PEGGED.has(code)) return 1;
  const k = stringSeed(code);
  // A slow cycle, a faster wobble and a little daily noise: within a few percent of the anchor.
  return 1 + 0.025 * Math.sin(day / 90 + k) + 0.008 * Math.sin(day / 11 + 2 * k) + 0.002 * noise(k, day);
}

/** ECB precision: five decimals below 1, four below 10, two above. */
function ecbRound(value: number): number {
  const decimals = value < 1 ? 5 : value < 10 ? 4 : 2;
  return Number(value.toFixed(decimals));
}

/** The last ECB working day on or before `date` (no weekend rates). */
export function lastWorkingDay(date: string): string {
  let ms = Date.parse(`${date}T00:00:00Z`);
  while ([0, 6].includes(new Date(ms).getUTCDay())) ms -= DAY_MS;
  return isoDay(ms);
}

/** Units per 1 EUR on an ECB working day. */
export function ecbTable(date: string): Record<string, number> {
  const day = dayIndex(date);
  const table: Record<string, number> = {};
  for (const [code, anchor] of Object.entries(ECB_ANCHORS)) table[code] = ecbRound(anchor * drift(code, day));
  return table;
}

/** Units per 1 USD for every currency the fallback source lists, USD itself 1. Finer precision, as it publishes. */
export function usdTable(date: string): Record<string, number> {
  const eur = ecbTable(lastWorkingDay(date));
  const day = dayIndex(date);
  const table: Record<string, number> = { USD: 1, EUR: Number((1 / eur.USD).toFixed(6)) };
  for (const [code, perEur] of Object.entries(eur)) if (code !== 'USD') table[code] = Number((perEur / eur.USD).toPrecision(8));
  for (const [code, anchor] of Object.entries(EXTRA_USD_ANCHORS)) table[code] = Number((anchor * drift(code, day)).toPrecision(8));
  return table;
}
