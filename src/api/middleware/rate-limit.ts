import { createMiddleware } from 'hono/factory';
import { AppError } from '../../lib/errors.js';
import type { HubEnv } from '../../http/hub-env.js';

/** Per-API-key budget per minute, shared across hub processes through MongoDB. Runs after requireApiKey. */
export function rateLimitPerKey(limitPerMinute: number) {
  return createMiddleware<HubEnv>(async function rateLimitMiddleware(c, next) {
    const decision = await c.var.services.rateLimiter.consume(`apikey:${c.var.actor.apiKeyId ?? c.var.actor.userId}`, limitPerMinute);
    c.header('X-RateLimit-Limit', String(decision.limit));
    c.header('X-RateLimit-Remaining', String(decision.remaining));
    c.header('X-RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      throw new AppError('RATE_LIMITED', `too many requests; try again in ${decision.resetSeconds} s`, { retryAfterSeconds: decision.resetSeconds });
    }
    await next();
  });
}
