/**
 * The payment job catalog: each job's name and payload schema, with no handlers. Services import it to enqueue
 * with a payload typed by the schema; the handlers (jobs/) import it to register under the same name and schema,
 * so the two sides cannot drift apart.
 */
import { z } from 'zod';
import type { EnqueueOptions, JobQueue } from '../../../services/job-queue.js';

const ObjectIdString = z.string().regex(/^[a-f0-9]{24}$/);

export interface JobSpec<Schema extends z.ZodType> {
  name: string;
  schema: Schema;
}

const spec = <Schema extends z.ZodType>(name: string, schema: Schema): JobSpec<Schema> => ({ name, schema });

export const paymentJobs = {
  /** Charges a (scheduled) payment. */
  charge: spec('payments.charge', z.object({ paymentId: ObjectIdString }).passthrough()),
  /** Creates and charges the payments of a batch. */
  batch: spec('payments.batch', z.object({ batchId: ObjectIdString }).passthrough()),
  /** One run of a recurring payment. */
  recurringRun: spec('payments.recurring-run', z.object({ recurringId: ObjectIdString, runIndex: z.number().int().min(0) }).passthrough()),
  /** The periodic sweep over payments that should have an outcome by now. */
  reconcile: spec('payments.reconcile', z.object({}).passthrough()),
  /** Looks one payment up at its provider soon after a charge got no answer. */
  reconcileOne: spec('payments.reconcile-one', z.object({ paymentId: ObjectIdString }).passthrough()),
} as const;

export type PaymentJobPayload<K extends keyof typeof paymentJobs> = z.input<(typeof paymentJobs)[K]['schema']>;

/** Enqueues a catalogued job with a payload its schema accepts (checked by the compiler here, by zod in the runner). */
export function enqueueJob<Schema extends z.ZodType>(queue: JobQueue, job: JobSpec<Schema>, data: z.input<Schema> & Record<string, unknown>, options?: EnqueueOptions): Promise<void> {
  return queue.enqueue(job.name, data, options);
}

