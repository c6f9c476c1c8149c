/**
 * open.er-api.com (ExchangeRate-API open access): the fallback rates source. Latest only, daily, about 160
 * currencies (many more than the ECB's ~30, so it is also where KWD, SAR, VND… come from):
 *   GET /v6/latest/USD → {"result":"success","base_code":"USD","time_last_update_unix":…,"rates":{"USD":1,"IDR":16250.5,…}}
 * Its terms ask for attribution and at least an hour of caching; errors come as {"result":"error","error-type":…}.
 */
import { z } from 'zod';
import { SourceUnavailableError } from '../errors.js';
import { badData, badShape, parseJson, type SourceResponse } from './source-client.js';
import { clientFor, decimalFromJson, joinUrl, type AdapterOptions } from './common.js';
import type { RateTable, RatesProvider, SourceDescriptor } from './types.js';

export const openErApiDescriptor: SourceDescriptor = {
  id: 'open-er-api',
  kind: 'rates',
  title: 'ExchangeRate-API open access (open.er-api.com)',
  realBaseUrl: 'https://open.er-api.com/v6',
  ttlMs: 60 * 60_000,
  staleWhileRevalidateMs: 24 * 60 * 60_000,
  timeoutMs: 5000,
  attribution: 'Rates By Exchange Rate API (https://www.exchangerate-api.com)',
};

const success = z.object({
  result: z.literal('success'),
  base_code: z.string().regex(/^[A-Z]{3}$/),
  time_last_update_unix: z.number().int().positive(),
  rates: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive()),
});
const failure = z.object({ result: z.literal('error'), 'error-type': z.string() });

/** The base we ask for: USD is the table the open access plan refreshes first and most sources quote against. */
const PIVOT = 'USD';

export function createOpenErApiProvider(options: AdapterOptions = {}): RatesProvider {
  const descriptor = openErApiDescriptor;
  const client = clientFor(descriptor, options);
  const baseUrl = options.baseUrl ?? descriptor.realBaseUrl;

  const read = (response: SourceResponse): RateTable => {
    const body = parseJson(descriptor.id, response);
    const error = failure.safeParse(body);
    if (error.success) {
      // "quota-reached" / rate limited is the source being unavailable to us for now, like a 429.
      throw new SourceUnavailableError(descriptor.id, `refused: ${error.data['error-type']}`, 'http', { status: response.status });
    }
    const parsed = success.safeParse(body);
    if (!parsed.success) throw badShape(descriptor.id, 'not a rates table', parsed.error);
    if (response.status !== 200) throw badData(descriptor.id, `not a rates table (HTTP ${response.status})`);
    const rates: Record<string, string> = {};
    for (const [code, value] of Object.entries(parsed.data.rates)) if (code !== parsed.data.base_code) rates[code] = decimalFromJson(value);
    const date = new Date(parsed.data.time_last_update_unix * 1000).toISOString().slice(0, 10);
    return { source: descriptor.id, base: parsed.data.base_code, date, rates };
  };

  return { descriptor, client, latest: () => client.get(joinUrl(baseUrl, `latest/${PIVOT}`), read) };
}
