import { paymentJobs } from '../services/payment-jobs.js';
import { defineJob } from '../../../../jobs/define-job.js';

/** Charges a scheduled payment when its time comes. Re-running it never charges twice (see PaymentService.charge). */
export const paymentsChargeJob = defineJob({
  ...paymentJobs.charge,
  retry: { maxRetries: 5, baseDelayMs: 5_000, maxDelayMs: 10 * 60_000 },
  handler: async ({ paymentId }, { services }) => {
    await services.payments.charge(paymentId);
  },
});
