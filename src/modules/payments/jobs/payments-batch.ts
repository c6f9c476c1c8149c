import { paymentJobs } from '../services/payment-jobs.js';
import { defineJob } from '../../../../jobs/define-job.js';

export const paymentsBatchJob = defineJob({
  ...paymentJobs.batch,
  retry: { maxRetries: 5, baseDelayMs: 5_000, maxDelayMs: 5 * 60_000 },
  concurrency: 2,
  // Long enough for 1,000 items; if the process dies, another takes the batch over after this.
  lockLifetimeMs: 5 * 60_000,
  handler: async ({ batchId }, { services }) => {
    await services.paymentBatches.process(batchId);
  },
});
