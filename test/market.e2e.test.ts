/**
 * Market data through the real HTTP surface: the hub with its market simulators on loopback, the run's database.
 * Rates (latest, historical, fallback for currencies the ECB lacks), conversion rounding per currency, IDX quotes
 * and a portfolio, weather and the seasonal spending analysis over seeded ledger rows (JSON and PNG), news
 * deduplication, settings, status and metrics; then the sources go away and answers come from cache, marked stale.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.js';
import { startTestHub, type ApiClient, type TestHub } from './harness.js';

const DAY_MS = 86_400_000;
let t: TestHub;
let alice: { id: string; client: ApiClient };
let bob: { id: string; client: ApiClient };
const clock = new ManualClock();

beforeAll(async () => {
  t = await startTestHub({ hubOptions: { clock }, runJobs: false });
  alice = await t.createUser('alice');
  bob = await t.createUser('bob');
});
afterAll(async () => {
  await t?.stop();
});

const jakartaMonth = (offsetMonths: number) => {
  const now = new Date(clock.now().getTime() + 7 * 3_600_000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offsetMonths, 1)).toISOString().slice(0, 7);
};

describe('currency', () => {
  it('gives today\'s ECB rates against any base, and takes the fallback for currencies the ECB does not list', async () => {
    const ecb = await alice.client.get('/api/external/currency?base=USD&symbols=IDR,JPY');
    expect(ecb.status).toBe(200);
    expect(ecb.body).toMatchObject({ base: 'USD', source: 'frankfurter', stale: false });
    // When the table was fetched, in Jakarta time as every instant the API shows.
    expect(ecb.body.fetchedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+07:00$/);
    expect(Number(ecb.body.rates.IDR)).toBeGreaterThan(15_000);
    expect(Number(ecb.body.rates.IDR)).toBeLessThan(17_500);

    const wide = await alice.client.get('/api/external/currency?base=IDR&symbols=KWD');
    expect(wide.status).toBe(200);
    expect(wide.body.source).toBe('open-er-api');
    expect(Number(wide.body.rates.KWD)).toBeGreaterThan(0.00001);
    expect(Number(wide.body.rates.KWD)).toBeLessThan(0.00003);
  });

  it('lists every currency some source quotes, with its own minor unit', async () => {
    const res = await alice.client.get('/api/external/currency/list');
    expect(res.status).toBe(200);
    const byCode = Object.fromEntries(res.body.currencies.map((c: { code: string }) => [c.code, c]));
    expect(byCode.IDR).toMatchObject({ digits: 2, sources: ['frankfurter', 'open-er-api'] });
    expect(byCode.JPY.digits).toBe(0);
    expect(byCode.KWD).toMatchObject({ digits: 3, sources: ['open-er-api'] });
    expect(res.body.currencies.length).toBeGreaterThan(50);
  });

  it('gives a past date\'s rates: a Saturday answers with the Friday before', async () => {
    const past = await alice.client.get('/api/external/currency?base=USD&symbols=IDR&date=2024-01-06');
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ date: '2024-01-05', source: 'frankfurter' });
    const today = await alice.client.get('/api/external/currency?base=USD&symbols=IDR');
    expect(past.body.rates.IDR).not.toBe(today.body.rates.IDR);
  });

  it('converts with each currency\'s own minor unit: JPY none, KWD three, IDR two', async () => {
    const usd = await alice.client.get('/api/external/currency/convert?amount=100&from=USD&to=IDR');
    expect(usd.status).toBe(200);
    expect(usd.body.from).toEqual({ currency: 'USD', amount: '100.00', amountMinor: 10_000 });
    expect(usd.body.to.amount).toMatch(/^\d{7}\.\d{2}$/);
    expect(usd.body.to.amountMinor).toBe(Math.round(Number(usd.body.to.amount) * 100));

    const jpy = await alice.client.get('/api/external/currency/convert?amount=1000000&from=IDR&to=JPY');
    expect(jpy.body.to.amount).toMatch(/^\d+$/);
    expect(jpy.body.to.amountMinor).toBe(Number(jpy.body.to.amount));

    const kwd = await alice.client.get('/api/external/currency/convert?amount=1000000&from=IDR&to=KWD');
    expect(kwd.status).toBe(200);
    expect(kwd.body.to.amount).toMatch(/^\d+\.\d{3}$/);

    const past = await alice.client.get('/api/external/currency/convert?amount=100&from=USD&to=IDR&date=2024-01-05');
    expect(past.body.date).toBe('2024-01-05');
    expect(past.body.to.amountMinor).not.toBe(usd.body.to.amountMinor);
  });

  it('refuses an unknown currency with 400 naming it and the field', async () => {
    const from = await alice.client.get('/api/external/currency/convert?amount=1&from=ABC&to=IDR');
    expect(from.status).toBe(400);
    expect(from.body.error.message).toContain('ABC');
    expect(from.body.error.details.issues[0].field).toBe('from');
    const symbols = await alice.client.get('/api/external/currency?base=USD&symbols=IDR,XYZ');
    expect(symbols.status).toBe(400);
    expect(symbols.body.error.message).toContain('XYZ');
    const decimals = await alice.client.get('/api/external/currency/convert?amount=1.5&from=JPY&to=IDR');
    expect(decimals.status).toBe(400);
    expect(decimals.body.error.message).toMatch(/more than 0 decimals for JPY/);
  });
});

describe('stocks and portfolio', () => {
  it('quotes IDX tickers in IDR minor units and names an unknown ticker', async () => {
    const ok = await alice.client.get('/api/external/stocks?symbols=bbca,TLKM');
    expect(ok.status).toBe(200);
    expect(ok.body.quotes.map((q: { ticker: string }) => q.ticker)).toEqual(['BBCA', 'TLKM']);
    const bbca = ok.body.quotes[0];
    expect(bbca.priceMinor).toBe(Number(bbca.price) * 100);
    expect(bbca.changeMinor).toBe(bbca.priceMinor - bbca.previousCloseMinor);

    const bad = await alice.client.get('/api/external/stocks?symbols=BBCA,ZZZZ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('ZZZZ');
  });

  it('values a portfolio in lots of 100 shares, per user', async () => {
    expect((await alice.client.request('PUT', '/api/external/portfolio/BBCA', { lots: 10, averagePrice: '9000' })).status).toBe(200);
    expect((await alice.client.request('PUT', '/api/external/portfolio/goto', { lots: 500, averagePrice: '85' })).status).toBe(200);
    const unknown = await alice.client.request<any>('PUT', '/api/external/portfolio/ZZZZ', { lots: 1, averagePrice: '100' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('ZZZZ');

    const quotes = (await alice.client.get('/api/external/stocks?symbols=BBCA,GOTO')).body.quotes as { ticker: string; priceMinor: number; changeMinor: number }[];
    const price = (ticker: string) => quotes.find((q) => q.ticker === ticker)!;
    const valuation = await alice.client.get('/api/external/portfolio');
    expect(valuation.status).toBe(200);
    const bbca = valuation.body.holdings.find((h: { ticker: string }) => h.ticker === 'BBCA');
    expect(bbca).toMatchObject({ lots: 10, shares: 1000, averagePriceMinor: 900_000, costMinor: 900_000_000, valueMinor: 1000 * price('BBCA').priceMinor });
    expect(bbca.gainLossMinor).toBe(bbca.valueMinor - bbca.costMinor);
    expect(bbca.dayChangeMinor).toBe(1000 * price('BBCA').changeMinor);
    expect(valuation.body.totals.valueMinor).toBe(1000 * price('BBCA').priceMinor + 50_000 * price('GOTO').priceMinor);

    expect((await bob.client.get('/api/external/portfolio')).body.holdings).toEqual([]);
    expect((await bob.client.delete('/api/external/portfolio/BBCA')).status).toBe(404);
    expect((await alice.client.delete('/api/external/portfolio/GOTO')).status).toBe(204);
    expect((await alice.client.delete('/api/external/portfolio/GOTO')).status).toBe(404);
  });
});

describe('weather and seasonal spending', () => {
  it('gives current weather for a city and names one it cannot find', async () => {
    const bandung = await alice.client.get('/api/external/weather?city=Bandung');
    expect(bandung.status).toBe(200);
    expect(bandung.body.place.name).toBe('Bandung');
    expect(bandung.body.daily).toHaveLength(7);
    const history = await alice.client.get('/api/external/weather/history?city=Surabaya&from=2025-01&to=2025-12');
    expect(history.status).toBe(200);
    const months = history.body.months as { month: string; rainfallMm: number; season: string }[];
    expect(months.map((m) => m.month)).toHaveLength(12);
    expect(months.find((m) => m.month === '2025-01')!.season).toBe('rainy');
    expect(months.find((m) => m.month === '2025-08')!.season).toBe('dry');
    expect((await alice.client.get('/api/external/weather/history?city=Surabaya&from=2025-05&to=2025-01')).status).toBe(400);
    const nowhere = await alice.client.get('/api/external/weather?city=Atlantis');
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.message).toContain('Atlantis');
  });

  it('sets spending by category against rainfall per month, own transfers and income left out', async () => {
    const userId = new Types.ObjectId(alice.id);
    const accountId = new Types.ObjectId();
    const rows: object[] = [];
    const add = (date: string, amountMinor: number, category: string, extra: object = {}) =>
      rows.push({
        userId, accountId, source: 'manual', date, bookedAt: new Date(`${date}T05:00:00Z`), amountMinor, currency: 'IDR', description: `${category} ${date}`,
        fingerprint: `fp-${rows.length}-${date}`, contentKey: `ck-${rows.length}`, category, categorySource: 'user', tags: [], ownTransfer: false, ...extra,
      });
    for (let i = -12; i <= -1; i++) {
      const month = jakartaMonth(i);
      const wet = ['11', '12', '01', '02', '03'].includes(month.slice(5));
      add(`${month}-05`, -(wet ? 150_000_000 : 50_000_000), 'transport'); // Rp1.500.000 vs Rp500.000 of ojek and taxis
      add(`${month}-10`, -200_000_000, 'groceries');
      add(`${month}-12`, -1_000_000_000, 'transfer', { ownTransfer: true }); // to savings: not spending
      add(`${month}-25`, 1_500_000_000, 'salary'); // income: not spending
    }
    const lastMonth = jakartaMonth(-1);
    rows.push({ ...(rows[0] as object), date: `${lastMonth}-15`, bookedAt: new Date(`${lastMonth}-15T05:00:00Z`), amountMinor: -5000, currency: 'USD', category: 'travel', fingerprint: 'fp-usd', contentKey: 'ck-usd' });
    await t.hub.models.BankTransaction.insertMany(rows);

    const res = await alice.client.get('/api/external/weather/seasonal?city=Jakarta&months=12');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ city: 'Jakarta', currency: 'IDR', lastMonth });
    expect(res.body.months).toHaveLength(12);
    const last = res.body.months.at(-1);
    expect(last.byCategory.groceries).toBe(200_000_000);
    expect(last.byCategory.transfer).toBeUndefined();
    expect(last.byCategory.salary).toBeUndefined();
    // 50.00 USD at that day's rate, in sen.
    const usd = await alice.client.get(`/api/external/currency/convert?amount=50&from=USD&to=IDR&date=${lastMonth}-15`);
    expect(last.byCategory.travel).toBe(usd.body.to.amountMinor);
    const seasons = new Set(res.body.months.map((m: { season: string }) => m.season));
    expect(seasons).toEqual(new Set(['rainy', 'dry']));
    const transport = res.body.categories.find((c: { category: string }) => c.category === 'transport');
    expect(transport.rainyVsDryPercent).toBeGreaterThan(0);
    expect(transport.rainfallCorrelation).toBeGreaterThan(0);
  });

  it('draws the same analysis as a PNG', async () => {
    const res = await fetch(`${t.url}/api/external/weather/seasonal.png?city=Jakarta&months=12`, { headers: { authorization: `Bearer ${(alice.client as unknown as { apiKey: string }).apiKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(10_000);
  });
});

describe('news', () => {
  it('merges Indonesian and English feeds and keeps one copy of a story told twice', async () => {
    const res = await alice.client.get('/api/external/news?limit=100');
    expect(res.status).toBe(200);
    const ihsg = res.body.items.filter((i: { title: string }) => /ihsg ditutup menguat/i.test(i.title));
    expect(ihsg).toHaveLength(1);
    expect(ihsg[0].alsoIn.length).toBeGreaterThan(0);
    expect(new Set(res.body.items.map((i: { language: string }) => i.language))).toEqual(new Set(['id', 'en']));
    expect(res.body.feeds.every((f: { ok: boolean }) => f.ok)).toBe(true);
  });

  it('filters by ticker and keyword, and refuses a malformed ticker', async () => {
    const bbca = await alice.client.get('/api/external/news?ticker=BBCA');
    expect(bbca.body.items.length).toBeGreaterThan(0);
    expect(bbca.body.items.every((i: { title: string; summary: string }) => /\bBBCA\b/.test(`${i.title} ${i.summary}`))).toBe(true);
    const rupiah = await alice.client.get('/api/external/news?q=rupiah&language=en');
    expect(rupiah.body.items.map((i: { title: string }) => i.title)).toEqual(['Dollar firms against emerging-market currencies; rupiah slips']);
    expect((await alice.client.get('/api/external/news?ticker=bb-ca')).status).toBe(400);
  });
});

describe('settings', () => {
  it('starts from defaults, normalises what it stores, and refuses unknown values naming them with nothing changed', async () => {
    expect((await bob.client.get('/api/external/settings')).body).toMatchObject({ homeCurrency: 'IDR', city: 'Jakarta' });
    const set = await bob.client.request<any>('PUT', '/api/external/settings', { homeCurrency: 'jpy', city: 'surabaya', watchList: ['bbri', 'BBRI', 'asii'] });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ homeCurrency: 'JPY', city: 'Surabaya', watchList: ['BBRI', 'ASII'] });
    const bad = await bob.client.request<any>('PUT', '/api/external/settings', { homeCurrency: 'ABC', city: 'Bandung' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('ABC');
    const ticker = await bob.client.request<any>('PUT', '/api/external/settings', { watchList: ['BBCA', 'QQQQ'] });
    expect(ticker.status).toBe(400);
    expect(ticker.body.error.message).toContain('QQQQ');
    expect((await bob.client.get('/api/external/settings')).body).toMatchObject({ homeCurrency: 'JPY', city: 'Surabaya', watchList: ['BBRI', 'ASII'] });
  });
});

describe('when sources go down', () => {
  it('reports every source up, as JSON and as metrics', async () => {
    const status = await alice.client.get('/api/external/status');
    expect(status.status).toBe(200);
    const bySource = Object.fromEntries(status.body.sources.map((s: { source: string; state: string }) => [s.source, s]));
    expect(bySource.frankfurter).toMatchObject({ state: 'up', breaker: 'closed' });
    expect(bySource['yahoo-chart'].lastSuccessAt).not.toBeNull();
    expect(bySource['rss:kompas-ekonomi'].state).toBe('up');
    const metrics = await t.anonymous.get('/metrics');
    expect(String(metrics.body)).toContain('hub_market_source_state{source="frankfurter",state="up"} 1');
  });

  it('answers from cache marked stale with its age, falls back to the second rates source, and shows the sources down', async () => {
    const sims = t.hub.sandboxes as Record<string, { stop(): Promise<void> } | undefined>;
    await sims['yahoo-chart']!.stop();
    await sims.frankfurter!.stop();
    clock.advance(2 * DAY_MS);

    const quote = await alice.client.get('/api/external/stocks?symbols=BBCA');
    expect(quote.status).toBe(200);
    expect(quote.body.quotes[0]).toMatchObject({ ticker: 'BBCA', stale: true });
    expect(quote.body.quotes[0].ageSeconds).toBeGreaterThanOrEqual(2 * 86_400);
    expect(quote.body.quotes[0].sourceError).toMatch(/yahoo-chart/);
    expect((await alice.client.get('/api/external/portfolio')).body.stale).toBe(true);

    // Frankfurter is down: open.er-api.com answers, fresh.
    const rates = await alice.client.get('/api/external/currency?base=USD&symbols=IDR');
    expect(rates.status).toBe(200);
    expect(rates.body).toMatchObject({ source: 'open-er-api', stale: false });
    // A past date already asked is kept (reference rates never change); one never asked has nobody to answer it.
    expect((await alice.client.get('/api/external/currency?base=USD&symbols=IDR&date=2024-01-06')).body).toMatchObject({ date: '2024-01-05', stale: false });
    const never = await alice.client.get('/api/external/currency?base=USD&symbols=IDR&date=2023-06-01');
    expect(never.status).toBe(503);
    expect(never.body.error.code).toBe('PROVIDER_UNAVAILABLE');

    await sims['open-er-api']!.stop();
    clock.advance(2 * DAY_MS);
    const stale = await alice.client.get('/api/external/currency?base=USD&symbols=IDR');
    expect(stale.status).toBe(200);
    expect(stale.body.stale).toBe(true);
    expect(stale.body.ageSeconds).toBeGreaterThanOrEqual(2 * 86_400);

    const status = await alice.client.get('/api/external/status');
    const bySource = Object.fromEntries(status.body.sources.map((s: { source: string }) => [s.source, s]));
    expect(bySource['yahoo-chart'].state).toBe('down');
    expect(bySource.frankfurter.state).toBe('down');
    expect(bySource['open-er-api'].state).toBe('down');
    expect(bySource['open-meteo'].state).toBe('up');
    expect(bySource['yahoo-chart'].lastError).toBe('unreachable');
  });
});
