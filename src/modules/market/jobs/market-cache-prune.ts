import { z } from 'zod';
import { defineJob } from '../../../../jobs/define-job.js';

/** Entries not refreshed for this long are forgotten: longer than any time to live (past rates: a year). */
export const MARKET_CACHE_MAX_AGE_MS = 400 * 86_400_000;

/**
 * Keeps marketCache from growing without end (one entry per source and historical date, ticker, city and
 * month ever asked). Daily at 03:30 Jakarta time, when nobody is converting.
 */
export const marketCachePruneJob = defineJob({
  name: 'market.cache-prune',
  schema: z.object({}).passthrough(),
  retry: { maxRetries: 2, baseDelayMs: 60_000, maxDelayMs: 10 * 60_000 },
  every: '30 3 * * *',
  concurrency: 1,
  handler: async (_data, { services, logger }) => {
    const removed = await services.marketCache.prune(MARKET_CACHE_MAX_AGE_MS);
    if (removed) logger.info({ removed }, 'market cache pruned');
  },
});
