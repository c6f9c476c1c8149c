import { z } from 'zod';
import { defineJob } from '../../../../jobs/define-job.js';

/**
 * Keeps today's rate tables warm in the shared cache, so conversions answer from cache and a source outage
 * finds a recent table to fall back on. Hourly: the ECB publishes once a working day (~16:00 CET), and
 * open.er-api.com asks for at least an hour between calls. One process runs it (Agenda's lock).
 */
export const marketRatesRefreshJob = defineJob({
  name: 'market.rates-refresh',
  schema: z.object({}).passthrough(),
  retry: { maxRetries: 3, baseDelayMs: 60_000, maxDelayMs: 10 * 60_000 },
  every: 60 * 60_000,
  concurrency: 1,
  handler: async (_data, { services, logger }) => {
    const results = await services.marketRates.refreshLatest();
    const failed = results.filter((r) => !r.ok);
    logger.info({ results }, 'market rates refreshed');
    // Retry only when no source gave a table: one source down is what the fallback is for.
    if (failed.length === results.length) throw new Error(`no rates source answered: ${failed.map((f) => f.error).join('; ')}`);
  },
});
