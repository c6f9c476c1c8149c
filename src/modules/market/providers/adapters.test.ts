/**
 * Each market adapter against its simulator on loopback: real HTTP, the real answer shapes, and the failure modes
 * the simulators inject (bad data, 5xx) turning into the typed errors the services rely on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMarketSandbox, type MarketSandbox } from '../../../../sandbox/market/index.js';
import { SourceUnavailableError, UnknownCityError, UnknownTickerError } from '../errors.js';
import { createFrankfurterProvider } from './frankfurter.js';
import { createOpenErApiProvider } from './open-er-api.js';
import { createOpenMeteoProvider } from './open-meteo.js';
import { NEWS_FEEDS, createRssFeedProvider } from './rss-feed.js';
import { createYahooChartProvider } from './yahoo-chart.js';

// A Wednesday afternoon in Jakarta: markets open, ECB rates out.
const NOW = new Date('2026-05-27T08:30:00Z');
let sandbox: MarketSandbox;
const fast = { retries: 1, retryDelayMs: 5, timeoutMs: 500 };

beforeAll(async () => {
  sandbox = await startMarketSandbox({ now: () => NOW });
});
afterAll(async () => {
  await sandbox.stop();
});

describe('Frankfurter', () => {
  it('reads the latest ECB table against EUR, IDR near real levels, rates kept as decimal strings', async () => {
    const provider = createFrankfurterProvider({ baseUrl: sandbox.baseUrls.frankfurter, ...fast });
    const table = await provider.latest();
    expect(table).toMatchObject({ source: 'frankfurter', base: 'EUR', date: '2026-05-27' });
    expect(Number(table.rates.IDR)).toBeGreaterThan(16_500);
    expect(Number(table.rates.IDR)).toBeLessThan(19_000);
    expect(table.rates.IDR).toMatch(/^\d+(\.\d+)?$/);
    expect(table.rates.KWD).toBeUndefined(); // the ECB does not publish it
  });

  it('answers a Sunday with the Friday before, and says so', async () => {
    const provider = createFrankfurterProvider({ baseUrl: sandbox.baseUrls.frankfurter, ...fast });
    const table = await provider.historical!('2024-03-10');
    expect(table.date).toBe('2024-03-08');
    const latest = await provider.latest();
    expect(table.rates.IDR).not.toBe(latest.rates.IDR);
  });

  it('turns a rates-less answer into bad data, not an empty table', async () => {
    const provider = createFrankfurterProvider({ baseUrl: sandbox.baseUrls.frankfurter, ...fast, retries: 0 });
    sandbox.frankfurter.faults.inject({ mode: 'bad_data', count: 1 });
    await expect(provider.latest()).rejects.toMatchObject({ kind: 'bad_data', code: 'PROVIDER_UNAVAILABLE' });
  });
});

describe('open.er-api.com', () => {
  it('lists currencies the ECB does not, against USD', async () => {
    const provider = createOpenErApiProvider({ baseUrl: sandbox.baseUrls.openErApi, ...fast });
    const table = await provider.latest();
    expect(table).toMatchObject({ source: 'open-er-api', base: 'USD', date: '2026-05-27' });
    expect(Number(table.rates.IDR)).toBeGreaterThan(15_000);
    expect(Number(table.rates.KWD)).toBeGreaterThan(0.29);
    expect(Number(table.rates.KWD)).toBeLessThan(0.32);
    expect(table.rates.USD).toBeUndefined();
    expect(provider.historical).toBeUndefined();
  });

  it('retries a truncated answer and then reads the good one', async () => {
    const provider = createOpenErApiProvider({ baseUrl: sandbox.baseUrls.openErApi, ...fast });
    sandbox.openErApi.faults.inject({ mode: 'bad_data', count: 1 });
    const table = await provider.latest();
    expect(table.rates.IDR).toBeDefined();
  });
});

describe('Yahoo chart (IDX)', () => {
  it('quotes BBCA in whole rupiah on the IDX tick grid with the previous close', async () => {
    const provider = createYahooChartProvider({ baseUrl: sandbox.baseUrls.yahoo, ...fast });
    const quote = await provider.quote('bbca');
    expect(quote).toMatchObject({ ticker: 'BBCA', currency: 'IDR', exchange: 'JKT', name: 'PT Bank Central Asia Tbk' });
    expect(Number(quote.price) % 25).toBe(0);
    expect(Number(quote.previousClose)).toBeGreaterThan(7000);
    const goto = await provider.quote('GOTO');
    expect(Number(goto.price)).toBeLessThan(200);
  });

  it('gives a month of trading days, no weekends, in Jakarta dates', async () => {
    const provider = createYahooChartProvider({ baseUrl: sandbox.baseUrls.yahoo, ...fast });
    const { bars, quote } = await provider.history('TLKM', '1mo');
    expect(bars.length).toBeGreaterThanOrEqual(20);
    expect(bars.length).toBeLessThanOrEqual(24);
    expect(bars.every((b) => ![0, 6].includes(new Date(`${b.date}T00:00:00Z`).getUTCDay()))).toBe(true);
    expect(bars.at(-1)).toMatchObject({ date: '2026-05-27', close: quote.price });
  });

  it('names an unknown ticker, without retrying or counting it against the source', async () => {
    const provider = createYahooChartProvider({ baseUrl: sandbox.baseUrls.yahoo, ...fast });
    const before = sandbox.yahoo.requests;
    await expect(provider.quote('ZZZZ')).rejects.toThrow(UnknownTickerError);
    await expect(provider.quote('ZZZZ')).rejects.toThrow(/ZZZZ/);
    expect(sandbox.yahoo.requests - before).toBe(2);
    // Not even sent: not an IDX ticker shape.
    await expect(provider.quote('bb-ca')).rejects.toThrow(UnknownTickerError);
    expect(sandbox.yahoo.requests - before).toBe(2);
  });
});

describe('Open-Meteo', () => {
  it('geocodes Bandung and forecasts it cooler than Jakarta', async () => {
    const provider = createOpenMeteoProvider({ baseUrl: sandbox.baseUrls.openMeteo, ...fast });
    const bandung = await provider.geocode('bandung');
    expect(bandung).toMatchObject({ name: 'Bandung', admin1: 'Jawa Barat', country: 'Indonesia', timezone: 'Asia/Jakarta' });
    const jakarta = await provider.geocode('Jakarta');
    const [b, j] = await Promise.all([provider.forecast(bandung, 7), provider.forecast(jakarta, 7)]);
    expect(b.daily).toHaveLength(7);
    expect(b.daily[0].date).toBe('2026-05-27');
    const mean = (days: typeof b.daily) => days.reduce((s, d) => s + (d.temperatureMeanC ?? 0), 0) / days.length;
    expect(mean(j.daily) - mean(b.daily)).toBeGreaterThan(3);
    expect(b.current.temperatureC).not.toBeNull();
  });

  it('says which city it could not find', async () => {
    const provider = createOpenMeteoProvider({ baseUrl: sandbox.baseUrls.openMeteo, ...fast });
    await expect(provider.geocode('Atlantis')).rejects.toThrow(UnknownCityError);
    await expect(provider.geocode('Atlantis')).rejects.toThrow(/Atlantis/);
  });

  it('has a wetter January than August in Surabaya (rainy vs dry season)', async () => {
    const provider = createOpenMeteoProvider({ baseUrl: sandbox.baseUrls.openMeteo, ...fast });
    const surabaya = await provider.geocode('Surabaya');
    const [jan, aug] = await Promise.all([provider.archive(surabaya, '2025-01-01', '2025-01-31'), provider.archive(surabaya, '2025-08-01', '2025-08-31')]);
    const total = (days: typeof jan) => days.reduce((s, d) => s + (d.precipitationMm ?? 0), 0);
    expect(jan).toHaveLength(31);
    expect(total(jan)).toBeGreaterThan(150);
    expect(total(aug)).toBeLessThan(60);
  });

  it('reads columns that do not line up as bad data', async () => {
    const provider = createOpenMeteoProvider({ baseUrl: sandbox.baseUrls.openMeteo, ...fast, retries: 0 });
    const jakarta = { name: 'Jakarta', latitude: -6.2, longitude: 106.8, timezone: 'Asia/Jakarta' };
    sandbox.openMeteo.faults.inject({ mode: 'bad_data', count: 1 });
    await expect(provider.archive(jakarta, '2025-01-01', '2025-01-02')).rejects.toMatchObject({ kind: 'bad_data' });
  });
});

describe('RSS feeds', () => {
  it('reads an Indonesian feed: CDATA titles, HTML stripped, +0700 dates as the same instant in Jakarta time', async () => {
    const feed = NEWS_FEEDS.find((f) => f.id === 'cnbc-indonesia-market')!;
    const provider = createRssFeedProvider(feed, { origin: sandbox.baseUrls.rssOrigin, ...fast });
    const items = await provider.items();
    expect(items.length).toBeGreaterThanOrEqual(4);
    const goto = items.find((i) => i.title.includes('GOTO'))!;
    expect(goto.summary).toBe('Saham GOTO bergerak di level Rp70 per saham dengan volume perdagangan di atas 2 miliar lembar.');
    expect(goto.language).toBe('id');
    expect(goto.publishedAt).toMatch(/\+07:00$/);
    expect(Date.parse(goto.publishedAt!)).toBe(Math.floor((NOW.getTime() - 420 * 60_000) / 1000) * 1000);
    expect(items[0].link.startsWith('https://www.cnbcindonesia.com/')).toBe(true);
  });

  it('reads an English feed with escaped text', async () => {
    const feed = NEWS_FEEDS.find((f) => f.language === 'en')!;
    const items = await createRssFeedProvider(feed, { origin: sandbox.baseUrls.rssOrigin, ...fast }).items();
    expect(items.every((i) => i.language === 'en')).toBe(true);
    expect(items.length).toBeGreaterThan(1);
  });

  it('rejects a cut-off document as bad data', async () => {
    const provider = createRssFeedProvider(NEWS_FEEDS[0], { origin: sandbox.baseUrls.rssOrigin, ...fast, retries: 0 });
    sandbox.rss.faults.inject({ mode: 'bad_data', count: 1 });
    const err = await provider.items().catch((e) => e);
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect(err.kind).toBe('bad_data');
  });
});
