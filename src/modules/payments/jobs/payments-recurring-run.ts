import { paymentJobs } from '../services/payment-jobs.js';
import { defineJob } from '../../../../jobs/define-job.js';

/** One run of a recurring payment; the service decides whether a failure is retried (it throws) or final. */
export const paymentsRecurringRunJob = defineJob({
  ...paymentJobs.recurringRun,
  // The per-recurring policy (retry.maxRetries) is enforced by the service; this only bounds the delays.
  retry: { maxRetries: 11, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  handler: async ({ recurringId, runIndex }, { services, attempt }) => {
    await services.recurringPayments.run(recurringId, runIndex, attempt);
  },
});
