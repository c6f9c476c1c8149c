/**
 * Market data under load and outage, through HTTP against the market simulators: a burst of requests for
 * something not cached yet reaches the source once (not once per request), an export full of foreign-currency
 * rows of one day fetches that day's table once, and with every rates source down the freshest cached table is
 * the one served.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.js';
import type { RunningSimulator } from '../sandbox/market/index.js';
import { startTestHub, type ApiClient, type TestHub } from './harness.js';

const DAY_MS = 86_400_000;
let t: TestHub;
let user: { id: string; apiKey: string; client: ApiClient };
const clock = new ManualClock();
const sim = (name: string) => (t.hub.sandboxes as Record<string, RunningSimulator | undefined>)[name]!;

beforeAll(async () => {
  t = await startTestHub({ hubOptions: { clock }, runJobs: false });
  user = await t.createUser('market-review');
});
afterAll(async () => {
  await t?.stop();
});

describe('a burst of requests for something not cached yet', () => {
  it('asks the stock source once for twelve simultaneous quotes of one ticker', async () => {
    const before = sim('yahoo-chart').requests;
    const answers = await Promise.all(Array.from({ length: 12 }, () => user.client.get('/api/external/stocks?symbols=BMRI')));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(new Set(answers.map((a) => a.body.quotes[0].priceMinor)).size).toBe(1);
    expect(sim('yahoo-chart').requests - before).toBe(1);
  });

  it('asks the rates source once for a past day that many simultaneous conversions need', async () => {
    const before = sim('frankfurter').requests;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => user.client.get(`/api/external/currency/convert?amount=${i + 1}&from=USD&to=IDR&date=2023-03-15`)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(sim('frankfurter').requests - before).toBe(1);
  });

  it('fetches one day\'s table once for an export of many foreign-currency rows of that day', async () => {
    const userId = new Types.ObjectId(user.id);
    const accountId = new Types.ObjectId();
    const rows = Array.from({ length: 40 }, (_, i) => ({
      userId, accountId, source: 'manual', date: '2023-05-10', bookedAt: new Date('2023-05-10T05:00:00Z'), amountMinor: -(1000 + i * 37), currency: 'USD',
      description: `card ${i}`, fingerprint: `review-fx-${i}`, contentKey: `review-fx-ck-${i}`, category: 'travel', categorySource: 'user', tags: [], ownTransfer: false,
    }));
    await t.hub.models.BankTransaction.insertMany(rows);
    const before = sim('frankfurter').requests;
    const res = await fetch(`${t.url}/api/data/export?format=json&currency=IDR`, { headers: { authorization: `Bearer ${user.apiKey}` } });
    expect(res.status).toBe(200);
    const exported = (await res.json()) as { converted: { rateDate: string } }[];
    expect(exported).toHaveLength(40);
    expect(exported.every((r) => r.converted.rateDate === '2023-05-10')).toBe(true);
    expect(sim('frankfurter').requests - before).toBe(1);
  });
});

describe('asking for what no source has', () => {
  it('weather history before the archive begins (1940) is a 400 naming the field, and does not trip the source\'s breaker', async () => {
    expect((await user.client.get('/api/external/weather/history?city=Jakarta&from=1940-01&to=1940-02')).status).toBe(200);
    const before = sim('open-meteo').requests;
    const res = await user.client.get('/api/external/weather/history?city=Jakarta&from=1925-01&to=1927-12');
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0]).toMatchObject({ field: 'from' });
    expect(res.body.error.message).toContain('1940');
    expect(sim('open-meteo').requests - before).toBeLessThanOrEqual(1); // at most the city's geocoding
    const status = (await user.client.get('/api/external/status')).body.sources.find((s: { source: string }) => s.source === 'open-meteo');
    expect(status).toMatchObject({ state: 'up', breaker: 'closed' });
  });

  it('an unknown ticker\'s history names the path\'s field, ticker', async () => {
    const res = await user.client.get('/api/external/stocks/ZZZZ/history?range=5d');
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe('ticker');
    expect(res.body.error.message).toMatch(/^ticker: .*ZZZZ/);
  });
});

describe('portfolio amounts', () => {
  it('refuses a holding too large to value in exact sen, and stores nothing', async () => {
    const huge = await user.client.request<any>('PUT', '/api/external/portfolio/BBCA', { lots: 100_000_000_000, averagePrice: '9000' });
    expect(huge.status).toBe(400);
    expect(huge.body.error.details.issues[0].field).toBe('lots');
    const valuation = await user.client.get('/api/external/portfolio');
    expect(valuation.body.holdings).toEqual([]);
    expect(Number.isSafeInteger(valuation.body.totals.valueMinor)).toBe(true);
  });
});

describe('chat: a cached answer being refreshed', () => {
  const chat = async (text: string) => {
    const res = await user.client.post<{ replies: { blocks: { text?: string }[] }[] }>('/api/chat/message', { text });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.replies.flatMap((r) => r.blocks.map((b) => b.text ?? '')).join('\n');
  };

  it('gives its age without claiming the source is down when the source is fine', async () => {
    expect(await chat('/stock BBNI')).not.toContain('⚠');
    await clock.advance(5 * 60_000); // past the quote's minute of freshness, within its 15 minutes of revalidation
    const again = await chat('/stock BBNI');
    expect(again).toMatch(/⚠.*5 (menit|minutes)/);
    expect(again).not.toMatch(/tidak bisa dihubungi|cannot be reached/);
    expect((await user.client.get('/api/external/status')).body.sources.find((s: { source: string }) => s.source === 'yahoo-chart').state).toBe('up');
  });
});

describe('every rates source down', () => {
  it('serves the freshest cached table, not the primary\'s older one', async () => {
    // Both sources' latest tables are cached now.
    expect((await user.client.get('/api/external/currency?base=USD&symbols=IDR')).body.source).toBe('frankfurter');
    await sim('frankfurter').stop();
    await clock.advance(2 * DAY_MS);
    // Frankfurter cannot answer and its table is past stale-while-revalidate: the fallback answers and is cached.
    const fallback = await user.client.get('/api/external/currency?base=USD&symbols=IDR');
    expect(fallback.body).toMatchObject({ source: 'open-er-api', stale: false });

    await sim('open-er-api').stop();
    await clock.advance(2 * DAY_MS);
    const stale = await user.client.get('/api/external/currency?base=USD&symbols=IDR');
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ source: 'open-er-api', stale: true, rates: { IDR: fallback.body.rates.IDR } });
    expect(stale.body.ageSeconds).toBeLessThan(3 * 86_400);
    const reply = await user.client.post<{ replies: { blocks: { text?: string }[] }[] }>('/api/chat/message', { text: '/convert 100 USD IDR' });
    expect(JSON.stringify(reply.body)).toMatch(/tidak bisa dihubungi|cannot be reached/);
  });
});
