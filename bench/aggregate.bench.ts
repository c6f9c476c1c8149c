/**
 * Aggregation speed: the hub's payment analytics pipeline ($match, then a $facet of five $groups with $cond/$in/
 * $subtract/$ifNull/$dateToString in Asia/Jakarta) run by the emulator through the driver, against a plain-JS loop
 * computing the same groups over the same 100k documents in the same process. Target: ratio (emulator / loop)
 * within 5. The two answers are compared too (`same`).
 *
 *   npx tsx bench/aggregate.bench.ts             (BENCH_AGG_DOCS=100000 BENCH_AGG_RUNS=7)
 */
import { pathToFileURL } from 'node:url';
import { ObjectId } from 'bson';
import { MongoClient } from 'mongodb';
import { startEmulator } from '../emulator/index.js';
import { Types } from 'mongoose';
import { analyticsPipeline } from '../src/modules/payments/services/payment-queries.js';
import { analyticsByHand, paymentDocs } from './payments-fixture.js';

const DOCS = Number(process.env.BENCH_AGG_DOCS ?? 100_000);
const RUNS = Number(process.env.BENCH_AGG_RUNS ?? 7);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run() {
  const emulator = await startEmulator({ logger: () => {} });
  const client = await new MongoClient(emulator.uri).connect();
  try {
    const c = client.db('bench_agg').collection('payments');
    await c.createIndex({ userId: 1, createdAt: -1, _id: -1 });
    await c.createIndex({ status: 1, expiresAt: 1 });
    const user = new ObjectId();
    const docs = paymentDocs(user, 0, DOCS);
    // Another user's payments beside them, as in a shared database.
    const others = paymentDocs(new ObjectId(), DOCS, Math.floor(DOCS / 10));
    for (let i = 0; i < docs.length; i += 5000) await c.insertMany(docs.slice(i, i + 5000));
    for (let i = 0; i < others.length; i += 5000) await c.insertMany(others.slice(i, i + 5000));
    const all = [...docs, ...others];
    // The hub's own pipeline builder, so the bench cannot drift from what the hub runs.
    const pipeline = analyticsPipeline({ userId: user.toHexString() }, { period: 'month' });

    const emulatorMs: number[] = [];
    const loopMs: number[] = [];
    // CPU time too: on a shared machine the wall clock also counts waiting for a core.
    const emulatorCpu: number[] = [];
    const loopCpu: number[] = [];
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    let viaEmulator: Record<string, unknown>[] = [];
    let byHand: ReturnType<typeof analyticsByHand> = {};
    for (let i = 0; i < RUNS; i++) {
      let started = performance.now();
      let cpu = process.cpuUsage();
      viaEmulator = await c.aggregate(pipeline).toArray();
      emulatorMs.push(performance.now() - started);
      emulatorCpu.push(cpuMs(cpu));
      started = performance.now();
      cpu = process.cpuUsage();
      byHand = analyticsByHand(all, user);
      loopMs.push(performance.now() - started);
      loopCpu.push(cpuMs(cpu));
    }
    const [facets] = viaEmulator as Record<string, { _id: { key: string; currency: string } }[]>[];
    const same = Object.entries(byHand).every(([name, rows]) =>
      JSON.stringify(rows) === JSON.stringify((facets[name] ?? []).map(({ _id, ...rest }) => ({ key: _id.key, currency: _id.currency, ...rest }))),
    );
    const e = median(emulatorMs);
    const l = median(loopMs);
    const ec = median(emulatorCpu);
    const lc = median(loopCpu);
    return {
      bench: 'aggregate',
      docs: DOCS,
      runs: RUNS,
      emulatorMs: Math.round(e * 10) / 10,
      loopMs: Math.round(l * 10) / 10,
      ratio: Math.round((e / l) * 100) / 100,
      emulatorCpuMs: Math.round(ec),
      loopCpuMs: Math.round(lc),
      cpuRatio: Math.round((ec / lc) * 100) / 100,
      ratioOk: e / l <= 5,
      same,
    };
  } finally {
    await client.close();
    await emulator.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  });
}
