/**
 * Emulator throughput through the official driver over TCP, with 10k and then 100k documents already in the
 * collection: inserts, and lookups by a unique key, a sparse unique key, a compound unique key, an aggregate
 * whose first stage is $match on a unique key, and findOne({}). These go through hash maps or stop early, so each
 * 10k/100k throughput ratio should stay under 1.5 (`ratioOk`). Also a history page: {userId} sorted by
 * {createdAt: -1, _id: -1}, limit 21, an ordered-index walk (ms per query and its 100k/10k ratio). With
 * MONGOMS_SYSTEM_BINARY set, the same figures against a real mongod, in the same line.
 *
 *   npx tsx bench/emulator.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { MongoClient, ObjectId } from 'mongodb';
import { startEmulator } from '../emulator/index.js';

const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 2000);
const SORT_SAMPLE = Number(process.env.BENCH_SORT_SAMPLE ?? 200);

async function measure(uri: string) {
  const client = await new MongoClient(uri).connect();
  const c = client.db('bench').collection('docs');
  await c.drop().catch(() => {});
  await c.createIndex({ key: 1 }, { unique: true });
  await c.createIndex({ dedupeKey: 1 }, { unique: true, sparse: true });
  await c.createIndex({ provider: 1, eventKey: 1 }, { unique: true });
  // The hub's history index: the sort+limit below is an index walk that stops after 21 documents.
  await c.createIndex({ userId: 1, createdAt: -1, _id: -1 });
  const user = new ObjectId();
  const start = Date.now();
  let next = 0;
  const doc = (n: number) => ({
    key: `k${n}`,
    // Half the documents have no dedupeKey: the sparse index holds only the other half.
    ...(n % 2 === 0 ? { dedupeKey: `d${n}` } : {}),
    provider: n % 3 === 0 ? 'midtrans' : 'xendit',
    eventKey: `e${n}`,
    userId: user,
    createdAt: new Date(start - n * 1000),
    amountMinor: n * 100,
    note: 'filler',
  });
  const fill = async (target: number) => {
    while (next < target) {
      const batch = Array.from({ length: Math.min(5000, target - next) }, () => doc(next++));
      await c.insertMany(batch, { ordered: false });
    }
  };
  const timed = async (op: (i: number) => Promise<unknown>, sample = SAMPLE) => {
    const started = performance.now();
    for (let i = 0; i < sample; i++) await op(i);
    return sample / ((performance.now() - started) / 1000);
  };
  const at = async (size: number) => {
    await fill(size);
    const pick = (i: number) => (i * 7919) % size;
    const insert = await timed(() => c.insertOne(doc(next++)));
    const find = await timed((i) => c.findOne({ key: `k${pick(i)}` }));
    const findSparse = await timed((i) => c.findOne({ dedupeKey: `d${pick(i) & ~1}` }));
    const findCompound = await timed((i) => {
      const n = pick(i);
      return c.findOne({ provider: n % 3 === 0 ? 'midtrans' : 'xendit', eventKey: `e${n}` });
    });
    const aggMatch = await timed((i) => c.aggregate([{ $match: { key: `k${pick(i)}` } }, { $project: { amountMinor: 1 } }]).toArray());
    const findAny = await timed(() => c.findOne({}));
    const sortLimitPerSec = await timed(() => c.find({ userId: user }).sort({ createdAt: -1, _id: -1 }).limit(21).toArray(), SORT_SAMPLE);
    return { insert, find, findSparse, findCompound, aggMatch, findAny, sortLimitMs: 1000 / sortLimitPerSec };
  };
  const small = await at(10_000);
  const large = await at(100_000);
  await client.db('bench').dropDatabase();
  await client.close();
  const round = (n: number) => Math.round(n);
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const keyed = ['insert', 'find', 'findSparse', 'findCompound', 'aggMatch', 'findAny'] as const;
  const figures: Record<string, number | boolean> = {};
  for (const name of keyed) {
    figures[`${name}10k`] = round(small[name]);
    figures[`${name}100k`] = round(large[name]);
  }
  const ratios = Object.fromEntries(keyed.map((name) => [`${name}Ratio`, ratio(small[name], large[name])]));
  return {
    ...figures,
    ...ratios,
    sortLimitMs10k: Math.round(small.sortLimitMs * 10) / 10,
    sortLimitMs100k: Math.round(large.sortLimitMs * 10) / 10,
    sortLimitRatio: ratio(large.sortLimitMs, small.sortLimitMs),
    ratioOk: Object.values(ratios).every((r) => r < 1.5),
  };
}

export async function run() {
  const emulator = await startEmulator({ logger: () => {} });
  let emulatorFigures;
  try {
    emulatorFigures = await measure(emulator.uri);
  } finally {
    await emulator.stop();
  }
  let mongod: Record<string, unknown> | undefined;
  if (process.env.MONGOMS_SYSTEM_BINARY) {
    const { MongoMemoryServer } = await import('mongodb-memory-server');
    const server = await MongoMemoryServer.create();
    try {
      mongod = await measure(server.getUri());
    } finally {
      await server.stop();
    }
  }
  return { bench: 'emulator', sample: SAMPLE, sortSample: SORT_SAMPLE, ...emulatorFigures, ...(mongod ? { mongod } : {}) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  });
}
