/**
 * The shared cache against the run's MongoDB: freshness, stale-while-revalidate, stale answers with their age when
 * the source is down, one refresh across "processes", and unknown-ticker answers never masked by the cache.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectMongoose } from '../../../db/connection.js';
import { SourceUnavailableError, UnknownTickerError } from '../errors.js';
import { marketCacheModel, type MarketCacheModel } from '../models/market-cache.js';
import { MarketCache, MongoCacheStore } from './market-cache.js';

let conn: Connection;
let model: MarketCacheModel;
let clock = Date.parse('2026-05-27T08:00:00Z');
const now = () => clock;
const policy = { ttlMs: 60_000, staleWhileRevalidateMs: 5 * 60_000 };
const down = () => Promise.reject(new SourceUnavailableError('yahoo-chart', 'could not be reached', 'down'));

beforeAll(async () => {
  conn = await connectMongoose(inject('mongoUri'), `t_cache_${randomBytes(4).toString('hex')}`);
  model = marketCacheModel(conn);
  await model.createIndexes();
});
afterAll(async () => {
  await conn.dropDatabase().catch(() => {});
  await conn.close();
});

function counter(values: string[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    fetch: async () => ({ value: { price: values[Math.min(calls++, values.length - 1)] }, source: 'yahoo-chart' }),
  };
}

describe('market cache', () => {
  it('serves a fresh answer without asking the source again', async () => {
    const cache = new MarketCache(new MongoCacheStore(model), { now });
    const source = counter(['9500', '9525']);
    const first = await cache.get('q:BBCA', policy, source.fetch);
    clock += 30_000;
    const second = await cache.get('q:BBCA', policy, source.fetch);
    expect(source.calls).toBe(1);
    expect(first).toMatchObject({ value: { price: '9500' }, stale: false, ageSeconds: 0, source: 'yahoo-chart' });
    expect(second).toMatchObject({ value: { price: '9500' }, stale: false, ageSeconds: 30 });
  });

  it('after its time to live serves the old answer at once, marked stale, and refreshes it behind', async () => {
    const cache = new MarketCache(new MongoCacheStore(model), { now });
    const source = counter(['9500', '9550']);
    await cache.get('q:TLKM', policy, source.fetch);
    clock += 90_000;
    const stale = await cache.get('q:TLKM', policy, source.fetch);
    expect(stale).toMatchObject({ value: { price: '9500' }, stale: true, ageSeconds: 90 });
    await cache.idle();
    expect(source.calls).toBe(2);
    const refreshed = await cache.get('q:TLKM', policy, source.fetch);
    expect(refreshed).toMatchObject({ value: { price: '9550' }, stale: false, ageSeconds: 0 });
  });

  it('when the source is down, answers from cache with the age and the reason, however old', async () => {
    const cache = new MarketCache(new MongoCacheStore(model), { now });
    await cache.get('q:ASII', policy, counter(['5025']).fetch);
    clock += 3 * 60 * 60_000; // far past ttl + swr
    const answer = await cache.get('q:ASII', policy, down);
    expect(answer).toMatchObject({ value: { price: '5025' }, stale: true, ageSeconds: 3 * 3600 });
    expect(answer.sourceError).toMatch(/could not be reached/);
  });

  it('with nothing cached and the source down, the source error (503) goes up', async () => {
    const cache = new MarketCache(new MongoCacheStore(model), { now });
    await expect(cache.get('q:BMRI', policy, down)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('never answers "no such ticker" with an old cached value', async () => {
    const cache = new MarketCache(new MongoCacheStore(model), { now });
    await cache.get('q:OLD1', policy, counter(['100']).fetch);
    clock += 60 * 60_000;
    await expect(cache.get('q:OLD1', policy, () => Promise.reject(new UnknownTickerError('OLD1')))).rejects.toThrow(UnknownTickerError);
  });

  it('shares entries between processes and lets only one of them refresh a key', async () => {
    const processA = new MarketCache(new MongoCacheStore(model), { now });
    const processB = new MarketCache(new MongoCacheStore(model), { now });
    const source = counter(['4250', '4260', '4270']);
    await processA.get('q:BBRI', policy, source.fetch);
    expect((await processB.get('q:BBRI', policy, source.fetch)).value).toEqual({ price: '4250' });
    clock += 120_000;
    let release!: () => void;
    const slow = async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return source.fetch();
    };
    await Promise.all([processA.get('q:BBRI', policy, slow), processB.get('q:BBRI', policy, slow)]);
    await new Promise((r) => setTimeout(r, 50));
    release();
    await Promise.all([processA.idle(), processB.idle()]);
    expect(source.calls).toBe(2);
  });

  it('forgets entries nobody has needed for longer than the limit, and keeps the rest', async () => {
    const cache = new MarketCache(new MongoCacheStore(model), { now });
    await cache.get('rates:frankfurter:2001-02-03', policy, async () => ({ value: { old: true }, source: 'frankfurter' }));
    clock += 500 * 86_400_000;
    await cache.get('q:UNVR', policy, counter(['1900']).fetch);
    const removed = await cache.prune(400 * 86_400_000);
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await new MongoCacheStore(model).get('rates:frankfurter:2001-02-03')).toBeNull();
    expect(await new MongoCacheStore(model).get('q:UNVR')).not.toBeNull();
  });

  it('does not let a late, older write replace a newer one', async () => {
    const store = new MongoCacheStore(model);
    await store.put({ key: 'rates:x', source: 'frankfurter', value: { v: 'new' }, fetchedAt: new Date(clock) });
    await store.put({ key: 'rates:x', source: 'frankfurter', value: { v: 'old' }, fetchedAt: new Date(clock - 1000) });
    expect((await store.get('rates:x'))?.value).toEqual({ v: 'new' });
  });
});
