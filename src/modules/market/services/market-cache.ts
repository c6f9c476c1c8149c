/**
 * The cache in front of every market source, shared through MongoDB by all hub processes.
 *
 *   fresh (age < ttl)                      → served, `stale: false`, the source is not asked
 *   stale-while-revalidate (< ttl + swr)   → served at once, `stale: true` with its age; one background refresh
 *                                            (an in-process promise plus a lease in the document, so several
 *                                            processes do not all refresh the same key)
 *   older or missing                       → the source is asked; if it cannot answer, the cached value is served
 *                                            `stale: true` with its age and the reason, whatever its age; with
 *                                            nothing cached, the source's 503 goes up (never a 500)
 * "No such thing" answers (unknown ticker) are never papered over with a cached value.
 */
import type { MarketCacheModel } from '../models/market-cache.js';
import { SourceUnavailableError, isDefinitiveAnswer } from '../errors.js';
import { toJakartaIso } from '../../../lib/time.js';

export interface StoredEntry {
  key: string;
  source: string;
  value: unknown;
  fetchedAt: Date;
}

/** Where entries live: MongoDB in the hub, anything with these three operations in a unit test. */
export interface CacheStore {
  get(key: string): Promise<StoredEntry | null>;
  put(entry: StoredEntry): Promise<void>;
  /** Takes the refresh lease for `key` if nobody holds it; false when another process is already refreshing. */
  lease(key: string, until: Date, now: Date): Promise<boolean>;
  /** Deletes entries fetched before `before` (nobody has asked for them since); returns how many. */
  prune(before: Date): Promise<number>;
}

export class MongoCacheStore implements CacheStore {
  constructor(private readonly model: MarketCacheModel) {}

  async get(key: string): Promise<StoredEntry | null> {
    const doc = await this.model.findOne({ key }, { key: 1, source: 1, value: 1, fetchedAt: 1 }).lean();
    return doc ? { key: doc.key, source: doc.source, value: doc.value, fetchedAt: doc.fetchedAt } : null;
  }

  async put(entry: StoredEntry): Promise<void> {
    // Only move forward: a slow refresh that finishes after a newer one must not put older data back.
    await this.model
      .updateOne(
        { key: entry.key, $or: [{ fetchedAt: { $lte: entry.fetchedAt } }, { fetchedAt: { $exists: false } }] },
        { $set: { source: entry.source, value: entry.value, fetchedAt: entry.fetchedAt }, $unset: { refreshLeaseUntil: 1 } },
        { upsert: true },
      )
      .catch((err: unknown) => {
        // Two processes inserting the same new key at once: the other one's write stands (as fresh as ours).
        if ((err as { code?: number }).code !== 11000) throw err;
      });
  }

  async lease(key: string, until: Date, now: Date): Promise<boolean> {
    const taken = await this.model.findOneAndUpdate(
      { key, $or: [{ refreshLeaseUntil: { $exists: false } }, { refreshLeaseUntil: null }, { refreshLeaseUntil: { $lt: now } }] },
      { $set: { refreshLeaseUntil: until } },
      { returnDocument: 'after', projection: { _id: 1 } },
    );
    return taken !== null;
  }

  async prune(before: Date): Promise<number> {
    const { deletedCount } = await this.model.deleteMany({ fetchedAt: { $lt: before } });
    return deletedCount ?? 0;
  }
}

export interface CachePolicy {
  ttlMs: number;
  staleWhileRevalidateMs: number;
}

export interface Cached<T> {
  value: T;
  /** The source that produced the value. */
  source: string;
  /** True when the value is older than its time to live (being refreshed, or its source is down). */
  stale: boolean;
  ageSeconds: number;
  fetchedAt: string;
  /** Why the source could not give a fresh value just now, when it could not. */
  sourceError?: string;
}

export interface MarketCacheOptions {
  now?: () => number;
  /** How long one background refresh may hold the lease. */
  leaseMs?: number;
  onBackgroundError?: (key: string, err: unknown) => void;
}

export class MarketCache {
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly refreshing = new Map<string, Promise<void>>();
  /**
   * Fetches under way in this process, by key: a burst of requests for a key that is missing or expired (a page of
   * quotes, an export converting hundreds of rows of one day) shares one call to the source instead of each making
   * its own, which would trip the source's rate limit and our own circuit breaker.
   */
  private readonly fetching = new Map<string, Promise<Cached<unknown>>>();

  constructor(private readonly store: CacheStore, private readonly options: MarketCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  /**
   * The cached value for `key`, or a fresh one from `fetch` (which says which source answered).
   * `policy` may depend on the value (a historical rate table never changes; today's does).
   */
  async get<T>(key: string, policy: CachePolicy, fetch: () => Promise<{ value: T; source: string }>): Promise<Cached<T>> {
    const entry = await this.store.get(key);
    const now = this.now();
    if (entry) {
      const age = now - entry.fetchedAt.getTime();
      if (age < policy.ttlMs) return this.describe<T>(entry, false);
      if (age < policy.ttlMs + policy.staleWhileRevalidateMs) {
        this.refreshInBackground(key, fetch);
        return this.describe<T>(entry, true);
      }
    }
    try {
      return await this.fetchShared(key, policy, fetch);
    } catch (err) {
      if (!entry || isDefinitiveAnswer(err) || !(err instanceof SourceUnavailableError)) throw err;
      return { ...this.describe<T>(entry, true), sourceError: err.message };
    }
  }

  /** Fetches now whatever the cache holds (the scheduled refresh job). */
  async refresh<T>(key: string, fetch: () => Promise<{ value: T; source: string }>): Promise<Cached<T>> {
    return this.fetchAndStore(key, fetch);
  }

  /**
   * Forgets answers nobody has needed for `maxAgeMs` (a historical table asked once, a ticker since dropped).
   * Anything still in use is refetched, so its fetchedAt moves; outage fallbacks are recent by nature.
   */
  async prune(maxAgeMs: number): Promise<number> {
    return this.store.prune(new Date(this.now() - maxAgeMs));
  }

  /** Resolves when no background refresh started by this process is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.refreshing.size) await Promise.allSettled([...this.refreshing.values()]);
  }

  /**
   * One fetch per key at a time in this process; every caller gets its outcome (each falls back on its own). The
   * store is read once more first: a caller that found the key missing may arrive just after another caller's
   * fetch (or another process's) stored a fresh value, and that value is the answer.
   */
  private fetchShared<T>(key: string, policy: CachePolicy, fetch: () => Promise<{ value: T; source: string }>): Promise<Cached<T>> {
    let running = this.fetching.get(key);
    if (!running) {
      running = (async () => {
        const latest = await this.store.get(key);
        if (latest && this.now() - latest.fetchedAt.getTime() < policy.ttlMs) return this.describe<T>(latest, false);
        return this.fetchAndStore(key, fetch);
      })().finally(() => this.fetching.delete(key));
      this.fetching.set(key, running);
    }
    return running as Promise<Cached<T>>;
  }

  private async fetchAndStore<T>(key: string, fetch: () => Promise<{ value: T; source: string }>): Promise<Cached<T>> {
    const { value, source } = await fetch();
    const entry: StoredEntry = { key, source, value, fetchedAt: new Date(this.now()) };
    await this.store.put(entry);
    return this.describe<T>(entry, false);
  }

  private refreshInBackground<T>(key: string, fetch: () => Promise<{ value: T; source: string }>): void {
    if (this.refreshing.has(key)) return;
    const run = (async () => {
      const now = this.now();
      if (!(await this.store.lease(key, new Date(now + this.leaseMs), new Date(now)))) return;
      await this.fetchAndStore(key, fetch);
    })()
      .catch((err) => this.options.onBackgroundError?.(key, err))
      .finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, run);
  }

  private describe<T>(entry: StoredEntry, stale: boolean): Cached<T> {
    return {
      value: entry.value as T,
      source: entry.source,
      stale,
      ageSeconds: Math.max(0, Math.floor((this.now() - entry.fetchedAt.getTime()) / 1000)),
      fetchedAt: toJakartaIso(entry.fetchedAt),
    };
  }
}
