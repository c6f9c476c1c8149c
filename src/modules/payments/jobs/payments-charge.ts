import { z } from 'zod';
import { CHARGE_JOB } from '../services/payment-service.js';
import { defineJob } from '../../../../jobs/define-job.js';

/** Charges a scheduled payment when its time comes. Re-running it never charges twice (see PaymentService.charge). */
export const paymentsChargeJob = defineJob({
  name: CHARGE_JOB,
  schema: z.object({ paymentId: z.string().regex(/^[a-f0-9]{24}$/) }).passthrough(),
  retry: { maxRetries: 5, baseDelayMs: 5_000, maxDelayMs: 10 * 60_000 },
  handler: async ({ paymentId }, { services }) => {
    await services.payments.charge(paymentId);
  },
});
