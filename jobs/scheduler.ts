/**
 * Agenda on the hub's own MongoDB, driven by the job catalog. Agenda's locking spreads jobs over several hub
 * processes; a job locked by a process that died is picked up again after its lock lifetime.
 */
import { Agenda, type Job } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import { systemClock, type Clock } from '../src/lib/clock.js';
import { AppError } from '../src/lib/errors.js';
import type { Logger } from '../src/lib/logger.js';
import type { Metrics } from '../src/lib/metrics.js';
import type { EnqueueOptions, JobQueue } from '../src/services/job-queue.js';
import type { Services } from '../src/services/registry.js';
import type { JobDefinition } from './define-job.js';

export interface JobSchedulerOptions {
  db: Db;
  logger: Logger;
  metrics: Metrics;
  pollMs: number;
  /** The hub's clock: a job's runAt is in its time (default the system clock). */
  clock?: Clock;
}

/** A payload that does not match its schema will not match it on a retry either. */
class MalformedJobError extends Error {}

export class JobScheduler implements JobQueue {
  readonly agenda: Agenda;
  private readonly definitions = new Map<string, JobDefinition>();
  private started = false;
  /** Set once stop() begins: from then on a closed client is expected. */
  private stopping = false;

  constructor(private readonly options: JobSchedulerOptions) {
    this.agenda = new Agenda({
      backend: new MongoBackend({ mongo: options.db, collection: 'agendaJobs' }),
      // A number: agenda reads strings through human-interval ("200 milliseconds" would become 200 s).
      processEvery: options.pollMs,
      maxConcurrency: 20,
      defaultConcurrency: 5,
    });
    this.agenda.on('error', (err: Error) => {
      // A lookup for the next job still on its way when shutdown closes the client fails with MongoClientClosedError:
      // our own stop cut it short, so it is not an error to page anyone about (it was logged 13 times per stop).
      if (this.stopping && err?.name === 'MongoClientClosedError') options.logger.debug({ err }, 'agenda query cut short by shutdown');
      else options.logger.error({ err }, 'agenda error');
    });
    this.clock = options.clock ?? systemClock;
    // Agenda runs jobs by the real time; when a test's manual clock jumps ahead, queued jobs come due as much sooner.
    this.clock.onAdvance?.((ms) => this.moveQueuedJobsEarlier(ms));
  }

  private readonly clock: Clock;

  /** A time on the hub's clock as the real time Agenda compares with (the same for the system clock). */
  private toRealTime(at: Date): Date {
    return new Date(at.getTime() - (this.clock.now().getTime() - Date.now()));
  }

  private async moveQueuedJobsEarlier(ms: number): Promise<void> {
    const jobs = this.options.db.collection<{ nextRunAt: Date | null; lockedAt?: Date | null }>('agendaJobs');
    const queued = await jobs.find({ nextRunAt: { $ne: null }, $or: [{ lockedAt: null }, { lockedAt: { $exists: false } }] }, { projection: { nextRunAt: 1 } }).toArray();
    for (const job of queued) await jobs.updateOne({ _id: job._id, nextRunAt: job.nextRunAt }, { $set: { nextRunAt: new Date(job.nextRunAt!.getTime() - ms) } });
  }

  /** Registers the handlers. Called once the services exist (they need this queue to be built first). */
  define(catalog: JobDefinition[], services: Services): void {
    for (const definition of catalog) {
      this.definitions.set(definition.name, definition);
      this.agenda.define(
        definition.name,
        async (job: Job) => {
          const attempt = (job.attrs.failCount ?? 0) + 1;
          const logger = this.options.logger.child({ job: definition.name, jobId: String(job.attrs._id), attempt });
          const parsed = definition.schema.safeParse(job.attrs.data ?? {});
          if (!parsed.success) {
            this.options.metrics.jobsRun.inc({ job: definition.name, result: 'malformed' });
            throw new MalformedJobError(`malformed payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
          }
          const lockLifetime = definition.lockLifetimeMs ?? 10 * 60_000;
          let lastTouch = Date.now();
          const keepAlive = () => {
            if (Date.now() - lastTouch < lockLifetime / 4) return;
            lastTouch = Date.now();
            job.touch().catch((err: unknown) => logger.warn({ err }, 'could not renew the job lock'));
          };
          try {
            await definition.handler(parsed.data, { services, logger, attempt, keepAlive });
            this.options.metrics.jobsRun.inc({ job: definition.name, result: 'success' });
          } catch (err) {
            this.options.metrics.jobsRun.inc({ job: definition.name, result: 'failure' });
            logger.warn({ err }, 'job failed');
            throw err;
          }
        },
        {
          concurrency: definition.concurrency ?? 5,
          lockLifetime: definition.lockLifetimeMs ?? 10 * 60_000,
          backoff: ({ attempt, error }) => {
            if (error instanceof MalformedJobError) return null;
            if (error instanceof AppError && !error.retryable) return null;
            if (attempt > definition.retry.maxRetries) return null;
            // A service that knows its own retry policy (a recurring payment's retry.baseDelayMs) says when.
            if (error instanceof AppError && error.retryAfterSeconds !== undefined) return error.retryAfterSeconds * 1000;
            const exponential = definition.retry.baseDelayMs * 2 ** (attempt - 1);
            const jitter = Math.random() * definition.retry.baseDelayMs;
            return Math.min(definition.retry.maxDelayMs, exponential + jitter);
          },
        },
      );
    }
  }

  async start(): Promise<void> {
    await this.agenda.start();
    this.started = true;
    for (const definition of this.definitions.values()) {
      if (definition.every === undefined) continue;
      const interval = typeof definition.every === 'number' ? `${Math.round(definition.every / 1000)} seconds` : definition.every;
      await this.agenda.every(interval, definition.name, {}, { timezone: 'Asia/Jakarta', skipImmediate: true });
    }
  }

  async enqueue(name: string, data: Record<string, unknown>, options: EnqueueOptions = {}): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`unknown job ${name}`);
    // Validate on the way in too: a bad payload should fail the caller, not sit in the queue.
    definition.schema.parse(data);
    const job = this.agenda.create(name, options.uniqueKey ? { ...data, uniqueKey: options.uniqueKey } : data);
    if (options.uniqueKey) job.unique({ name, 'data.uniqueKey': options.uniqueKey }, { insertOnly: true });
    job.schedule(options.runAt ? this.toRealTime(options.runAt) : new Date());
    await job.save();
  }

  async cancel(name: string, uniqueKey: string): Promise<number> {
    return this.agenda.cancel({ name, data: { uniqueKey } });
  }

  /**
   * Graceful stop: take no new jobs, let running ones finish (up to the timeout), and release the locks on jobs
   * this process holds but never started, so another process can run them now rather than after their lock
   * lifetime (10 minutes by default). A job still running at the timeout keeps its lock, as agenda.stop() does:
   * releasing it would let another process start it while this one is still in it.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    if (!this.started) {
      // Agenda connects its backend (building indexes) from its constructor and nothing awaits that when the
      // scheduler never started (runJobs: false); the caller closing the client under it would surface as an
      // unhandled MongoClientClosedError. Let the connect finish first, within the same time budget.
      await Promise.race([this.agenda.ready, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      return;
    }
    this.started = false;
    // drain() resolves (never rejects) with timedOut, and it releases nothing: jobs it locked while queueing
    // (waiting on concurrency, or due within one poll) stay locked. It also forgets its job processor, so take
    // hold of it first to ask afterwards which jobs are locked and not running, as agenda.stop() does.
    const processor = (this.agenda as unknown as { jobProcessor?: { stop(): Job[] } }).jobProcessor;
    const result = await this.agenda.drain(timeoutMs);
    if (result.timedOut) this.options.logger.warn({ stillRunning: result.running, timeoutMs }, 'jobs still running at shutdown keep their locks until they expire');
    const lockedNotStarted = processor?.stop() ?? [];
    if (lockedNotStarted.length === 0) return;
    try {
      await this.agenda.db.unlockJobs(lockedNotStarted.map((job) => job.attrs._id!));
    } catch (err) {
      this.options.logger.warn({ err, jobs: lockedNotStarted.length }, 'could not release job locks at shutdown; they expire after their lock lifetime');
    }
  }
}
