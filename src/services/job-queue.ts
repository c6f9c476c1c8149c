/**
 * How services ask for background work without knowing about Agenda (the jobs/ adapter implements this).
 */
export interface EnqueueOptions {
  /** Run at this time instead of now. */
  runAt?: Date;
  /**
   * Deduplication key: a second enqueue with the same job name and key is a no-op while the first exists.
   * Makes "schedule the next run" safe to repeat after a crash.
   */
  uniqueKey?: string;
}

export interface JobQueue {
  enqueue(name: string, data: Record<string, unknown>, options?: EnqueueOptions): Promise<void>;
  /** Removes scheduled, not yet running jobs with this name and unique key. */
  cancel(name: string, uniqueKey: string): Promise<number>;
}
