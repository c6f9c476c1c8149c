/**
 * Fixed-window rate limiting with the counters in MongoDB, so every hub process behind a load balancer
 * shares one budget per key (DESIGN §10). One atomic upsert+$inc per request.
 */
import type { Models } from '../db/models/index.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { isDuplicateKeyError } from '../lib/errors.js';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** This request's place in the window (1 for the first). */
  count: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export class RateLimiter {
  constructor(
    private readonly models: Pick<Models, 'RateLimitWindow'>,
    private readonly clock: Clock = systemClock,
    private readonly windowMs = 60_000,
  ) {}

  async consume(subject: string, limit: number, now = this.clock.now().getTime()): Promise<RateLimitDecision> {
    const windowStart = new Date(now - (now % this.windowMs));
    const resetAt = windowStart.getTime() + this.windowMs;
    const count = await this.increment(subject, windowStart, new Date(resetAt + this.windowMs));
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      count,
      resetSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)),
    };
  }

  /** Removes windows that have ended; run by the maintenance job (no TTL index, see the model). */
  async purgeExpired(now = this.clock.now()): Promise<number> {
    const result = await this.models.RateLimitWindow.deleteMany({ expiresAt: { $lt: now } });
    return result.deletedCount ?? 0;
  }

  private async increment(subject: string, windowStart: Date, expiresAt: Date): Promise<number> {
    const update = { $inc: { count: 1 }, $setOnInsert: { expiresAt } };
    try {
      const doc = await this.models.RateLimitWindow.findOneAndUpdate({ subject, windowStart }, update, { upsert: true, returnDocument: 'after' }).lean();
      return doc!.count;
    } catch (err) {
      // Two first requests of a window raced on the upsert; the loser's document now exists, so a plain update wins.
      if (!isDuplicateKeyError(err)) throw err;
      const doc = await this.models.RateLimitWindow.findOneAndUpdate({ subject, windowStart }, { $inc: { count: 1 } }, { returnDocument: 'after' }).lean();
      return doc!.count;
    }
  }
}
