/**
 * Every background job the hub runs, in one place: name → payload schema → handler → retry policy.
 */
import type { JobDefinition } from './define-job.js';
import { maintenancePurgeJob } from './maintenance-purge.js';
import { paymentsBatchJob } from '../src/modules/payments/jobs/payments-batch.js';
import { paymentsChargeJob } from '../src/modules/payments/jobs/payments-charge.js';
import { paymentsReconcileJob, paymentsReconcileOneJob } from '../src/modules/payments/jobs/payments-reconcile.js';
import { paymentsRecurringRunJob } from '../src/modules/payments/jobs/payments-recurring-run.js';

export const jobCatalog: JobDefinition[] = [
  // maintenance
  maintenancePurgeJob,
  // payments
  paymentsChargeJob,
  paymentsBatchJob,
  paymentsRecurringRunJob,
  paymentsReconcileJob,
  paymentsReconcileOneJob,
];
