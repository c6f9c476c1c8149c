/**
 * Choosing a rates table across sources, against the two rates simulators and the shared cache: the ECB first, the
 * fallback when the ECB fails or lacks a currency, a stale table when both are down, and the difference between
 * "nobody quotes this currency" (400) and "the source that might quote it is down" (503).
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startFrankfurterSimulator } from '../../../../sandbox/market/frankfurter.js';
import { startOpenErApiSimulator } from '../../../../sandbox/market/open-er-api.js';
import type { RunningSimulator } from '../../../../sandbox/market/simulator.js';
import { connectMongoose } from '../../../db/connection.js';
import { marketCacheModel } from '../models/market-cache.js';
import { createFrankfurterProvider } from '../providers/frankfurter.js';
import { createOpenErApiProvider } from '../providers/open-er-api.js';
import { marketRatesRefreshJob } from '../jobs/market-rates-refresh.js';
import { MarketCache, MongoCacheStore } from './market-cache.js';
import { HomeCurrencyConverter } from './home-currency.js';
import { RatesService } from './rates-service.js';

let conn: Connection;
let ecb: RunningSimulator;
let wide: RunningSimulator;
let clock = Date.parse('2026-05-27T08:30:00Z');
const HOUR = 3_600_000;

function build() {
  const fast = { retries: 0, retryDelayMs: 5, timeoutMs: 1000, breakerVolumeThreshold: 50 };
  const cache = new MarketCache(new MongoCacheStore(marketCacheModel(conn)), { now: () => clock });
  const sources = [createFrankfurterProvider({ baseUrl: `${ecb.url}/v1`, ...fast }), createOpenErApiProvider({ baseUrl: `${wide.url}/v6`, ...fast })];
  return { rates: new RatesService({ sources, cache, now: () => new Date(clock) }), cache };
}

beforeAll(async () => {
  conn = await connectMongoose(inject('mongoUri'), `t_rates_${randomBytes(4).toString('hex')}`);
  await marketCacheModel(conn).createIndexes();
  const now = () => new Date(clock);
  [ecb, wide] = await Promise.all([startFrankfurterSimulator({ now }), startOpenErApiSimulator({ now })]);
});
afterAll(async () => {
  await Promise.all([ecb.stop(), wide.stop()]);
  await conn.dropDatabase().catch(() => {});
  await conn.close();
});

describe('rates service', () => {
  it('says "try later" (503), not "unknown" (400), when the source that might quote a currency is down', async () => {
    // First in the file: nothing cached yet for the fallback source.
    const { rates } = build();
    wide.faults.inject({ mode: 'http500' });
    await expect(rates.rates('USD', ['VND'])).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    wide.faults.clear();
    await expect(rates.rates('USD', ['VND'])).resolves.toMatchObject({ source: 'open-er-api' });
    // A real ISO code nobody quotes, and a code that is not ISO at all: both 400 naming it.
    await expect(rates.rates('USD', ['KPW'])).rejects.toThrow(/KPW is not quoted by any rates source/);
    await expect(rates.rates('USD', ['ABC'])).rejects.toMatchObject({ code: 'VALIDATION_FAILED', currency: 'ABC' });
  });

  it('prefers the ECB, and takes the fallback for a currency the ECB does not publish', async () => {
    const { rates } = build();
    expect((await rates.rates('USD', ['IDR'])).source).toBe('frankfurter');
    const kwd = await rates.rates('KWD', ['IDR', 'JPY']);
    expect(kwd.source).toBe('open-er-api');
    expect(Number(kwd.rates.IDR)).toBeGreaterThan(45_000);
  });

  it('falls back when the ECB source fails, fresh, and serves the ECB table stale once both fail', async () => {
    const { rates } = build();
    clock += 2 * 24 * HOUR;
    ecb.faults.inject({ mode: 'http503' });
    const fallback = await rates.rates('USD', ['IDR']);
    expect(fallback).toMatchObject({ source: 'open-er-api', stale: false });

    wide.faults.inject({ mode: 'down' });
    clock += 2 * 24 * HOUR;
    const stale = await rates.rates('USD', ['IDR']);
    expect(stale.stale).toBe(true);
    expect(stale.ageSeconds).toBeGreaterThanOrEqual(2 * 24 * 3600);
    expect(stale.sourceError).toBeDefined();
    ecb.faults.clear();
    wide.faults.clear();
  });

  it('converts many dated amounts into a home currency, each at its own date\'s rate, totals summed before rounding', async () => {
    const { rates } = build();
    const home = new HomeCurrencyConverter(rates, async () => 'IDR');
    const { items } = await home.convertEach(
      [
        { amountMinor: 10_000, currency: 'USD', date: '2024-01-05' },
        { amountMinor: 10_000, currency: 'USD', date: '2024-03-08' },
        { amountMinor: 15_000_000, currency: 'IDR', date: '2024-03-08' },
      ],
      'IDR',
    );
    const jan = await rates.convertFromMinor(10_000, 'USD', 'IDR', '2024-01-05');
    expect(items[0].converted).toMatchObject({ amountMinor: jan.to.amountMinor, currency: 'IDR', rateDate: '2024-01-05' });
    expect(items[1].converted.amountMinor).not.toBe(items[0].converted.amountMinor);
    expect(items[2].converted.amountMinor).toBe(15_000_000);
    // Three 0.01 USD at a rate that makes each 162.5… sen: summed first (0.03 USD), rounded once.
    const total = await home.total(Array.from({ length: 3 }, () => ({ amountMinor: 1, currency: 'USD', date: '2024-01-05' })), 'IDR');
    const once = await rates.convertFromMinor(3, 'USD', 'IDR', '2024-01-05');
    expect(total.amountMinor).toBe(once.to.amountMinor);
  });

  it('refuses dates outside the reference period', async () => {
    const { rates } = build();
    await expect(rates.rates('USD', ['IDR'], '1998-12-31')).rejects.toThrow(/date: no reference rates before 1999-01-04/);
    await expect(rates.rates('USD', ['IDR'], '2099-01-01')).rejects.toThrow(/date: 2099-01-01 is in the future/);
    await expect(rates.rates('USD', ['IDR'], '2024-02-30')).rejects.toThrow(/date: "2024-02-30" is not a date/);
  });

  it('the scheduled refresh fetches today\'s tables whatever the cache holds, and fails only when no source answers', async () => {
    const { rates, cache } = build();
    const before = await cache.get('rates:frankfurter:latest', { ttlMs: 10 * 365 * 24 * HOUR, staleWhileRevalidateMs: 0 }, () => Promise.reject(new Error('not asked')));
    clock += HOUR;
    const context = { services: { marketRates: rates } as never, logger: { info: () => {} } as never, attempt: 1, keepAlive: () => {} };
    await marketRatesRefreshJob.handler({}, context);
    const after = await cache.get('rates:frankfurter:latest', { ttlMs: 10 * 365 * 24 * HOUR, staleWhileRevalidateMs: 0 }, () => Promise.reject(new Error('not asked')));
    expect(Date.parse(after.fetchedAt)).toBeGreaterThan(Date.parse(before.fetchedAt));

    ecb.faults.inject({ mode: 'http503' });
    await expect(marketRatesRefreshJob.handler({}, context)).resolves.toBeUndefined(); // the fallback answered
    wide.faults.inject({ mode: 'http503' });
    await expect(marketRatesRefreshJob.handler({}, context)).rejects.toThrow(/no rates source answered/);
    ecb.faults.clear();
    wide.faults.clear();
  });
});
