/**
 * Frankfurter: ECB reference rates, the primary rates source. v1 API (ECB-only semantics):
 *   GET /latest            → {"amount":1.0,"base":"EUR","date":"2026-05-26","rates":{"IDR":17570.35,…}}
 *   GET /2024-01-05        → the last ECB working day on or before the date; `date` says which
 * Rates are published around 16:00 CET on ECB working days; there are no weekend rates. We fetch the whole table
 * against EUR (the ECB's own base) and cross any pair from it, so one cached answer serves every pair.
 */
import { z } from 'zod';
import { SourceUnavailableError } from '../errors.js';
import { badData, badShape, parseJson, type SourceResponse } from './source-client.js';
import { clientFor, decimalFromJson, joinUrl, type AdapterOptions } from './common.js';
import type { RateTable, RatesProvider, SourceDescriptor } from './types.js';

export const frankfurterDescriptor: SourceDescriptor = {
  id: 'frankfurter',
  kind: 'rates',
  title: 'Frankfurter (European Central Bank reference rates)',
  realBaseUrl: 'https://api.frankfurter.dev/v1',
  ttlMs: 60 * 60_000,
  staleWhileRevalidateMs: 24 * 60 * 60_000,
  timeoutMs: 5000,
  attribution: 'Rates: European Central Bank via frankfurter.dev',
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const answer = z.object({
  base: z.string().regex(/^[A-Z]{3}$/),
  date: z.string().regex(ISO_DATE),
  rates: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive()),
});

export function createFrankfurterProvider(options: AdapterOptions = {}): RatesProvider {
  const descriptor = frankfurterDescriptor;
  const client = clientFor(descriptor, options);
  const baseUrl = options.baseUrl ?? descriptor.realBaseUrl;

  const read = (response: SourceResponse): RateTable => {
    // Frankfurter answers 404 {"message":"not found"} for dates before 1999 and unknown currencies; we never ask
    // for a currency, so a 404 is a date it has no table for: nothing to serve, and nothing a retry fixes.
    if (response.status === 404) throw new SourceUnavailableError(descriptor.id, 'has no rates for that date', 'http', { status: 404 });
    if (response.status !== 200) throw badData(descriptor.id, `HTTP ${response.status}`);
    const parsed = answer.safeParse(parseJson(descriptor.id, response));
    if (!parsed.success) throw badShape(descriptor.id, 'not a rates table', parsed.error);
    if (Object.keys(parsed.data.rates).length === 0) throw badData(descriptor.id, 'not a rates table (no rates)');
    const rates: Record<string, string> = {};
    for (const [code, value] of Object.entries(parsed.data.rates)) rates[code] = decimalFromJson(value);
    return { source: descriptor.id, base: parsed.data.base, date: parsed.data.date, rates };
  };

  return {
    descriptor,
    client,
    latest: () => client.get(joinUrl(baseUrl, 'latest'), read),
    historical: (date: string) => {
      if (!ISO_DATE.test(date)) throw new RangeError(`not an ISO date: ${date}`);
      return client.get(joinUrl(baseUrl, date), read);
    },
  };
}
