import type { z } from 'zod';
import type { Logger } from '../src/lib/logger.js';
import type { Services } from '../src/services/registry.js';

export interface RetryPolicy {
  /** Attempts after the first failure. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface JobContext {
  services: Services;
  logger: Logger;
  /** 1 for the first run, 2 for the first retry… */
  attempt: number;
  /**
   * Tells the queue this run is alive, so a job that runs longer than its lock lifetime is neither failed as
   * expired nor taken over by another process. Cheap to call often: it writes at most every quarter lifetime.
   */
  keepAlive(): void;
}

export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  /** Namespaced: "area.action". */
  name: string;
  /** Validates the stored payload before the handler runs; a malformed payload fails without retries. */
  schema: Schema;
  handler: (data: z.infer<Schema>, context: JobContext) => Promise<void>;
  retry: RetryPolicy;
  /** Parallel runs of this job per process. */
  concurrency?: number;
  /**
   * How long a process may hold the job without a keepAlive before another may take it over (crash recovery);
   * a run that neither finishes nor calls keepAlive within it is failed as expired.
   */
  lockLifetimeMs?: number;
  /** Repeats on this interval (ms) or cron expression (Asia/Jakarta) when set. */
  every?: number | string;
}

export const defineJob = <Schema extends z.ZodType>(definition: JobDefinition<Schema>): JobDefinition<Schema> => definition;

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 2_000, maxDelayMs: 5 * 60_000 };
