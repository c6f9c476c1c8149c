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
