import { paymentJobs } from '../services/payment-jobs.js';
import { defineJob } from '../../../../jobs/define-job.js';

/** Polls providers for payments still pending past their expected time (missed or delayed webhooks). */
export const paymentsReconcileJob = defineJob({
  ...paymentJobs.reconcile,
  retry: { maxRetries: 0, baseDelayMs: 60_000, maxDelayMs: 60_000 },
  every: 60_000,
  concurrency: 1,
  handler: async (_data, { services, logger }) => {
    const result = await services.payments.reconcileStale();
    if (result.checked) logger.info(result, 'payment reconciliation');
  },
});

/** Looks one payment up at its provider soon after a charge got no answer. */
export const paymentsReconcileOneJob = defineJob({
  ...paymentJobs.reconcileOne,
  retry: { maxRetries: 6, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  handler: async ({ paymentId }, { services }) => {
    await services.payments.reconcileById(paymentId);
  },
});
