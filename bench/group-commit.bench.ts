/**
 * Group commit: single-document inserts from 16 concurrent clients against the emulator with a data directory
 * (every insert acknowledged only after an fsync covers it) and against the same emulator in memory. Five runs,
 * each in memory, durable, durable, in memory (after one uncounted pair that warms the JIT); a run's ratio is its
 * durable inserts over its in-memory ones, and the figure is the median of the five. Target: ratio >= 0.7.
 *
 *   npx tsx bench/group-commit.bench.ts         (BENCH_GC_CLIENTS=16 BENCH_GC_INSERTS=300 per client, BENCH_GC_RUNS=5)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MongoClient } from 'mongodb';
import { startEmulator } from '../emulator/index.js';

const CLIENTS = Number(process.env.BENCH_GC_CLIENTS ?? 16);
const INSERTS = Number(process.env.BENCH_GC_INSERTS ?? 300);
const RUNS = Number(process.env.BENCH_GC_RUNS ?? 5);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** CPU microseconds (all threads: the fsyncs run on libuv's pool) per insert of each run, by mode. */
const cpuPerInsert = { durable: [] as number[], memory: [] as number[] };

/** Inserts per second from CLIENTS concurrent clients, each on its own connection. */
async function insertsPerSecond(dataDir: string | undefined): Promise<number> {
  const emulator = await startEmulator({ dataDir, logger: () => {} });
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => new MongoClient(emulator.uri, { maxPoolSize: 1 }).connect()));
  try {
    const collections = clients.map((client) => client.db('bench_gc').collection('events'));
    await collections[0].createIndex({ key: 1 }, { unique: true });
    // Warm up each connection once.
    await Promise.all(collections.map((c, worker) => c.insertOne({ key: `warm-${worker}` })));
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await Promise.all(
      collections.map(async (c, worker) => {
        for (let i = 0; i < INSERTS; i++) await c.insertOne({ key: `${worker}-${i}`, worker, i, at: new Date(), note: 'group commit bench' });
      }),
    );
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    cpuPerInsert[dataDir ? 'durable' : 'memory'].push((cpu.user + cpu.system) / (CLIENTS * INSERTS));
    return (CLIENTS * INSERTS) / (elapsed / 1000);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await emulator.stop();
  }
}

export async function run() {
  const durable: number[] = [];
  const memory: number[] = [];
  const ratios: number[] = [];
  const dirs: string[] = [];
  const durableRun = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'swh-bench-gc-'));
    dirs.push(dir);
    return insertsPerSecond(dir);
  };
  try {
    // One pair first, not counted: the process's first run is slow in whichever mode comes first (the JIT is cold).
    await insertsPerSecond(undefined);
    await durableRun();
    cpuPerInsert.durable.length = cpuPerInsert.memory.length = 0;
    // Each run is memory, durable, durable, memory: the machine's speed drifts by tens of percent over seconds on a
    // shared VM, and the mirrored order cancels a steady drift instead of charging it to one mode.
    for (let i = 0; i < RUNS; i++) {
      const m1 = await insertsPerSecond(undefined);
      const d1 = await durableRun();
      const d2 = await durableRun();
      const m2 = await insertsPerSecond(undefined);
      memory.push((m1 + m2) / 2);
      durable.push((d1 + d2) / 2);
      ratios.push((d1 + d2) / (m1 + m2));
    }
  } finally {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
  const ratio = Math.round(median(ratios) * 100) / 100;
  return {
    bench: 'group-commit',
    clients: CLIENTS,
    insertsPerClient: INSERTS,
    runs: RUNS,
    durablePerSec: Math.round(median(durable)),
    memoryPerSec: Math.round(median(memory)),
    ratios: ratios.map((r) => Math.round(r * 100) / 100),
    cpuMicrosPerInsert: { durable: Math.round(median(cpuPerInsert.durable)), memory: Math.round(median(cpuPerInsert.memory)) },
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
