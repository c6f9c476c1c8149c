/**
 * Group commit: single-document inserts from 16 concurrent clients against the emulator with a data directory
 * (every insert acknowledged only after an fsync covers it) and against the same emulator in memory. Target: the
 * durable rate is at least 0.7 of the in-memory one, as the median of five runs.
 *
 * Each run starts both emulators side by side and alternates them in short segments (each client inserts
 * BENCH_GC_SEGMENT documents, 800 inserts in all: about a tenth of a second), in the order memory, durable, durable,
 * memory, BENCH_GC_ROUNDS times, after one uncounted segment each to warm the JIT. Why so fine: this VM's speed
 * drifts by tens of percent from one second to the next, and when each mode had a whole run of its own (a second
 * or more) the drift alone moved a run's ratio between 0.42 and 1.15. A run's ratio is its durable inserts per
 * second over its in-memory ones, both counted over the same number of inserts.
 *
 *   npx tsx bench/group-commit.bench.ts   (BENCH_GC_CLIENTS=16 BENCH_GC_SEGMENT=50 BENCH_GC_ROUNDS=8 BENCH_GC_RUNS=5)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MongoClient } from 'mongodb';
import { startEmulator } from '../emulator/index.js';

const CLIENTS = Number(process.env.BENCH_GC_CLIENTS ?? 16);
const SEGMENT = Number(process.env.BENCH_GC_SEGMENT ?? 50);
const ROUNDS = Number(process.env.BENCH_GC_ROUNDS ?? 8);
const RUNS = Number(process.env.BENCH_GC_RUNS ?? 5);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Time and CPU (all threads: the fsyncs run on libuv's pool) spent on one mode's counted segments. */
interface Tally {
  ms: number;
  cpuMicros: number;
  inserts: number;
}

/** An emulator with CLIENTS connected clients; each segment has every client insert SEGMENT documents in turn. */
async function openTarget(dataDir: string | undefined) {
  const emulator = await startEmulator({ dataDir, logger: () => {} });
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => new MongoClient(emulator.uri, { maxPoolSize: 1 }).connect()));
  const collections = clients.map((client) => client.db('bench_gc').collection('events'));
  await collections[0].createIndex({ key: 1 }, { unique: true });
  // Warm up each connection once (and, with a data directory, preallocate the journal).
  await Promise.all(collections.map((c, worker) => c.insertOne({ key: `warm-${worker}` })));
  let next = 0;
  return {
    async segment(tally?: Tally): Promise<void> {
      const first = next;
      next += SEGMENT;
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      await Promise.all(
        collections.map(async (c, worker) => {
          for (let i = first; i < first + SEGMENT; i++) await c.insertOne({ key: `${worker}-${i}`, worker, i, at: new Date(), note: 'group commit bench' });
        }),
      );
      if (!tally) return;
      const cpu = process.cpuUsage(cpuBefore);
      tally.ms += performance.now() - started;
      tally.cpuMicros += cpu.user + cpu.system;
      tally.inserts += CLIENTS * SEGMENT;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await emulator.stop();
    },
  };
}

async function oneRun(dataDir: string) {
  const memory = await openTarget(undefined);
  const durable = await openTarget(dataDir);
  const inMemory: Tally = { ms: 0, cpuMicros: 0, inserts: 0 };
  const onDisk: Tally = { ms: 0, cpuMicros: 0, inserts: 0 };
  try {
    await memory.segment();
    await durable.segment();
    for (let round = 0; round < ROUNDS; round++) {
      await memory.segment(inMemory);
      await durable.segment(onDisk);
      await durable.segment(onDisk);
      await memory.segment(inMemory);
    }
  } finally {
    await memory.close();
    await durable.close();
  }
  const perSecond = (t: Tally) => t.inserts / (t.ms / 1000);
  return {
    durablePerSec: perSecond(onDisk),
    memoryPerSec: perSecond(inMemory),
    ratio: perSecond(onDisk) / perSecond(inMemory),
    cpuMicrosPerInsert: { durable: onDisk.cpuMicros / onDisk.inserts, memory: inMemory.cpuMicros / inMemory.inserts },
  };
}

export async function run() {
  const root = await mkdtemp(path.join(tmpdir(), 'swh-bench-gc-'));
  const runs: Awaited<ReturnType<typeof oneRun>>[] = [];
  try {
    for (let i = 0; i < RUNS; i++) runs.push(await oneRun(path.join(root, `run-${i}`)));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const ratio = Math.round(median(runs.map((r) => r.ratio)) * 100) / 100;
  return {
    bench: 'group-commit',
    clients: CLIENTS,
    insertsPerModePerRun: 2 * ROUNDS * CLIENTS * SEGMENT,
    runs: RUNS,
    durablePerSec: Math.round(median(runs.map((r) => r.durablePerSec))),
    memoryPerSec: Math.round(median(runs.map((r) => r.memoryPerSec))),
    ratios: runs.map((r) => Math.round(r.ratio * 100) / 100),
    cpuMicrosPerInsert: {
      durable: Math.round(median(runs.map((r) => r.cpuMicrosPerInsert.durable))),
      memory: Math.round(median(runs.map((r) => r.cpuMicrosPerInsert.memory))),
    },
    ratio,
    ratioOk: ratio >= 0.7,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  });
}
