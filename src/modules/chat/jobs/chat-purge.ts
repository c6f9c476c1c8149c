import { z } from 'zod';
import { defineJob } from '../../../../jobs/define-job.js';

/** Removes link codes and button groups a day after they expired (the embedded database has no TTL indexes). */
export const chatPurgeJob = defineJob({
  name: 'chat.purge',
  schema: z.object({}).passthrough(),
  retry: { maxRetries: 0, baseDelayMs: 60_000, maxDelayMs: 60_000 },
  every: 60 * 60_000,
  concurrency: 1,
  handler: async (_data, { services }) => {
    await services.chatIdentities.purgeExpiredCodes();
    await services.chatConfirmations.purgeExpired(new Date());
  },
});
