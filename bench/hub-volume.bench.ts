/**
 * The hub at real volumes, as `npm start` runs it offline (the embedded emulator with a data directory): one
 * user's payments inserted straight into the collection (10k, then 100k), and three routes measured by a load
 * generator in its own process with four clients at a time: history's first page, history filtered by status and
 * method, and analytics by month. Targets: p99 at 100k no more than 1.5x p99 at 10k for both history routes, and
 * analytics p99 at 100k under the product's 2 s.
 *
 *   npx tsx bench/hub-volume.bench.ts     (BENCH_HISTORY_REQUESTS=200 BENCH_ANALYTICS_REQUESTS=24)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ObjectId } from 'bson';
import { createHub } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';
import { resolveDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/lib/logger.js';
import { paymentDocs } from './payments-fixture.js';

const HISTORY_REQUESTS = Number(process.env.BENCH_HISTORY_REQUESTS ?? 200);
const ANALYTICS_REQUESTS = Number(process.env.BENCH_ANALYTICS_REQUESTS ?? 24);
const here = path.dirname(fileURLToPath(import.meta.url));

type Figures = Record<string, { p50: number; p99: number; n: number }>;

function load(url: string, apiKey: string): Promise<Figures> {
  const spec = {
    url,
    apiKey,
    concurrency: 4,
    routes: [
      { name: 'history', path: '/api/payment/history?limit=20', requests: HISTORY_REQUESTS },
      { name: 'historyFiltered', path: '/api/payment/history?status=success&method=qris&limit=20', requests: HISTORY_REQUESTS },
      { name: 'analytics', path: '/api/payment/analytics?period=month', requests: ANALYTICS_REQUESTS },
    ],
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'hub-load.ts')], { env: { ...process.env, BENCH_LOAD: JSON.stringify(spec) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Figures) : reject(new Error(`load generator exited with ${code}`))));
  });
}

export async function run() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'swh-bench-volume-'));
  const database = await resolveDatabase({ force: 'emulator', dataDir, allowDownload: false, log: () => {} });
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '1000000' });
  const hub = await createHub({ config, database, dbName: `bench_${randomBytes(4).toString('hex')}`, logger: createLogger({ level: 'silent' }), runJobs: false });
  try {
    const { url } = await hub.listen(0, '127.0.0.1');
    const res = await fetch(`${url}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${hub.adminApiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Volume' }) });
    const user = (await res.json()) as { id: string; apiKey: string };
    const userId = new ObjectId(user.id);
    let inserted = 0;
    const fill = async (target: number) => {
      while (inserted < target) {
        const count = Math.min(5000, target - inserted);
        await hub.models.Payment.collection.insertMany(paymentDocs(userId, inserted, count) as never[]);
        inserted += count;
      }
    };
    await fill(10_000);
    const small = await load(url, user.apiKey);
    await fill(100_000);
    const large = await load(url, user.apiKey);
    const ratio = (name: string) => Math.round((large[name].p99 / small[name].p99) * 100) / 100;
    const historyRatio = ratio('history');
    const filteredRatio = ratio('historyFiltered');
    return {
      bench: 'hub-volume',
      at10k: small,
      at100k: large,
      historyP99Ratio: historyRatio,
      filteredP99Ratio: filteredRatio,
      ok: historyRatio <= 1.5 && filteredRatio <= 1.5 && large.analytics.p99 < 2000,
    };
  } finally {
    await hub.stop();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  });
}
