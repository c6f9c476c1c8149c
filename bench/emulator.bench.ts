/**
 * Emulator throughput through the official driver over TCP: inserts and find-by-unique-key with 10k and then
 * 100k documents already in the collection. Lookups go through hash maps, so the ratio 10k/100k should stay
 * under 1.5. With MONGOMS_SYSTEM_BINARY set, the same figures against a real mongod, in the same line.
 *
 *   npx tsx bench/emulator.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { MongoClient } from 'mongodb';
import { startEmulator } from '../emulator/index.js';

const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 2000);

async function measure(uri: string) {
  const client = await new MongoClient(uri).connect();
  const c = client.db('bench').collection('docs');
  await c.drop().catch(() => {});
  await c.createIndex({ key: 1 }, { unique: true });
  let next = 0;
  const fill = async (target: number) => {
    while (next < target) {
      const batch = Array.from({ length: Math.min(5000, target - next) }, () => ({ key: `k${next++}`, amountMinor: next * 100, note: 'filler' }));
      await c.insertMany(batch, { ordered: false });
    }
  };
  const timed = async (op: (i: number) => Promise<unknown>) => {
    const started = performance.now();
    for (let i = 0; i < SAMPLE; i++) await op(i);
    return SAMPLE / ((performance.now() - started) / 1000);
  };
  const at = async (size: number) => {
    await fill(size);
    const insert = await timed(() => c.insertOne({ key: `k${next++}`, amountMinor: 1, note: 'sample' }));
    const find = await timed((i) => c.findOne({ key: `k${(i * 7919) % size}` }));
    return { insert, find };
  };
  const small = await at(10_000);
  const large = await at(100_000);
  await client.db('bench').dropDatabase();
  await client.close();
  const round = (n: number) => Math.round(n);
  const insertRatio = small.insert / large.insert;
  const findRatio = small.find / large.find;
  return {
    insert10k: round(small.insert),
    insert100k: round(large.insert),
    find10k: round(small.find),
    find100k: round(large.find),
    insertRatio: Math.round(insertRatio * 100) / 100,
    findRatio: Math.round(findRatio * 100) / 100,
    ratioOk: insertRatio < 1.5 && findRatio < 1.5,
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
  return { bench: 'emulator', sample: SAMPLE, ...emulatorFigures, ...(mongod ? { mongod } : {}) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  });
}
