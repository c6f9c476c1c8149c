import { z } from 'zod';
import { defineJob } from './define-job.js';

/** Removes ended rate-limit windows. Replaces a TTL index, which the offline emulator does not sweep. */
export const maintenancePurgeJob = defineJob({
  name: 'maintenance.purge',
  schema: z.object({}).passthrough(),
  retry: { maxRetries: 2, baseDelayMs: 10_000, maxDelayMs: 60_000 },
  every: 10 * 60_000,
  handler: async (_data, { services, logger }) => {
    const removed = await services.rateLimiter.purgeExpired();
    if (removed) logger.debug({ removed }, 'purged expired rate-limit windows');
  },
});
