/**
 * The job scheduler's graceful stop, against the run's real database: a job still running at the timeout keeps
 * its lock, and a job this process locked but never started is released at once for another process.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../jobs/define-job.js';
import { JobScheduler } from '../jobs/scheduler.js';
import { createLogger } from '../src/lib/logger.js';
import { createMetrics } from '../src/lib/metrics.js';
import type { Services } from '../src/services/registry.js';
import { eventually } from './harness.js';

let client: MongoClient;
let db: Db;
beforeAll(async () => {
  client = new MongoClient(inject('mongoUri'));
  await client.connect();
  db = client.db(`t_sched_${randomBytes(4).toString('hex')}`);
});
afterAll(async () => {
  await db?.dropDatabase().catch(() => {});
  await client?.close();
});

it('stop() with a job still running past the timeout releases the jobs it locked but never started', async () => {
  let releaseRunning!: () => void;
  const running = new Promise<void>((resolve) => (releaseRunning = resolve));
  const started: string[] = [];
  // One at a time, so the second due job is locked into the local queue and waits behind the first.
  const slow = defineJob({
    name: 'test.slow',
    schema: z.object({ n: z.number() }),
    concurrency: 1,
    retry: { maxRetries: 0, baseDelayMs: 10, maxDelayMs: 10 },
    handler: async ({ n }) => {
      started.push(String(n));
      await running;
    },
  });
  const scheduler = new JobScheduler({ db, logger: createLogger({ level: 'silent' }), metrics: createMetrics(), pollMs: 100 });
  scheduler.define([slow], {} as Services);
  await scheduler.enqueue('test.slow', { n: 1 });
  await scheduler.enqueue('test.slow', { n: 2 });
  await scheduler.start();

  const jobs = db.collection('agendaJobs');
  // Both are locked by this process; only one has started.
  await eventually(() => jobs.countDocuments({ name: 'test.slow', lockedAt: { $ne: null } }), (n) => n === 2);
  await eventually(async () => started.length, (n) => n === 1);
  expect(started).toHaveLength(1);

  const stopStarted = Date.now();
  await scheduler.stop(300);
  expect(Date.now() - stopStarted).toBeLessThan(5_000);

  const byN = async (n: string) => jobs.findOne({ name: 'test.slow', 'data.n': Number(n) });
  const runningJob = await byN(started[0]);
  const waitingJob = await byN(started[0] === '1' ? '2' : '1');
  // The one still in its handler keeps its lock (another process must not start it meanwhile)…
  expect(runningJob?.lockedAt).toBeInstanceOf(Date);
  // …and the one that never started is free now, not after its 10-minute lock lifetime.
  expect(waitingJob?.lockedAt ?? null).toBeNull();
  expect(started).toHaveLength(1);
  releaseRunning();
});

it('a run longer than its lock lifetime stays its own while it calls keepAlive; a silent one is taken over and run again', async () => {
  const lockLifetimeMs = 400;
  const runFor = 3 * lockLifetimeMs;
  const starts: string[] = [];
  const work = (name: string, beat: boolean) =>
    defineJob({
      name,
      schema: z.object({}),
      lockLifetimeMs,
      retry: { maxRetries: 0, baseDelayMs: 10, maxDelayMs: 10 },
      handler: async (_data, { keepAlive }) => {
        starts.push(name);
        const until = Date.now() + runFor;
        while (Date.now() < until) {
          if (beat) keepAlive();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
    });
  const scheduler = new JobScheduler({ db, logger: createLogger({ level: 'silent' }), metrics: createMetrics(), pollMs: 100 });
  scheduler.define([work('test.alive', true), work('test.silent', false)], {} as Services);
  await scheduler.enqueue('test.alive', {});
  await scheduler.enqueue('test.silent', {});
  await scheduler.start();
  // The silent run's lock runs out while it is still working, so the queue takes the job again: a second run of the
  // same job at the same time (for an import, two writers over one file). The one that keeps its lock alive runs once.
  await eventually(async () => starts.filter((n) => n === 'test.silent').length, (n) => n >= 2, 10_000);
  const jobs = db.collection('agendaJobs');
  await eventually(() => jobs.findOne({ name: 'test.alive' }), (j) => Boolean(j?.lastFinishedAt), 10_000);
  await scheduler.stop(100);
  expect(starts.filter((n) => n === 'test.alive')).toHaveLength(1);
});
