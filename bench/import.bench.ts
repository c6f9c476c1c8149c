/**
 * Statement import throughput and memory, end to end: a KlikBCA-style CSV generated into a temp dir, uploaded to a
 * hub running in its own process (`node --import tsx src/main.ts`) whose MONGODB_URI points at a standalone
 * emulator in a third process, imported by the Agenda job into the ledger. Reports rows/s and the hub's peak RSS
 * (VmHWM), and the ratio to the floor for the same rows into the same database: bare csv-parse plus batched
 * insertMany into a collection with the ledger's indexes (goal ≥ 0.5). The import runs twice, on a fresh hub each
 * time, at BENCH_IMPORT_SMALL_ROWS (100k) and BENCH_IMPORT_ROWS (1M): peak RSS must not grow with the file.
 * One JSON line per measurement, then a summary line.
 *
 *   npx tsx bench/import.bench.ts            BENCH_IMPORT_ROWS=200000 BENCH_IMPORT_SMALL_ROWS=20000 npx tsx bench/import.bench.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse';
import { MongoClient, ObjectId } from 'mongodb';
import { writeKlikBcaCsv } from '../test/support/klikbca-csv.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const SMALL_ROWS = Number(process.env.BENCH_IMPORT_SMALL_ROWS ?? 100_000);

const line = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ bench: 'import', ...record })}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** Peak resident set of a process so far (Linux VmHWM), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function startEmulatorProcess(): Promise<{ child: ChildProcess; uri: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', '0', '--host', '127.0.0.1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { child, uri: first.trim() };
}

interface HubProcess {
  child: ChildProcess;
  url: string;
  adminKey: string;
  dataDir: string;
}

async function startHubProcess(mongoUri: string, dbName: string): Promise<HubProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'swh-bench-hub-'));
  const port = await freePort();
  const uri = `${mongoUri.replace(/\/?$/, '/')}${dbName}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    // The process's default heap: the import must fit in it whatever the file's size.
    env: { ...process.env, NODE_ENV: 'development', MONGODB_URI: uri, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', JOBS_POLL_MS: '200' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 600) throw new Error('hub did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const adminKey = (await readFile(path.join(dataDir, 'admin-api-key'), 'utf8')).trim();
  return { child, url, adminKey, dataDir };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function importThroughHub(mongoUri: string, file: string, rows: number) {
  const hub = await startHubProcess(mongoUri, `bench_import_${rows}`);
  try {
    const user = await fetch(`${hub.url}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${hub.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', role: 'user' }) });
    const { apiKey } = (await user.json()) as { apiKey: string };
    const auth = { authorization: `Bearer ${apiKey}` };
    const idleRss = await peakRssMb(hub.child.pid!);
    const form = new FormData();
    form.append('file', await openAsBlob(file), 'mutasi.csv');
    const started = performance.now();
    const res = await fetch(`${hub.url}/api/data/import`, { method: 'POST', headers: auth, body: form });
    if (res.status !== 202) throw new Error(`import refused: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const uploadedMs = performance.now() - started;
    let job: { status: string; imported: number; duplicates: number; rejected: number; processed: number; failure?: string };
    for (;;) {
      job = (await (await fetch(`${hub.url}/api/data/import/${id}`, { headers: auth })).json()) as typeof job;
      if (job.status === 'done' || job.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    if (job.status !== 'done' || job.imported !== rows) throw new Error(`import ended ${job.status} with ${job.imported}/${rows} rows${job.failure ? `: ${job.failure}` : ''}`);
    return { rows, seconds: +seconds.toFixed(1), uploadSeconds: +(uploadedMs / 1000).toFixed(1), rowsPerSec: Math.round(rows / seconds), idleRssMb: idleRss, peakRssMb: await peakRssMb(hub.child.pid!) };
  } finally {
    await stopProcess(hub.child);
    await rm(hub.dataDir, { recursive: true, force: true });
  }
}

/** The floor: parse the same file with csv-parse and insertMany the rows in batches into the same database. */
async function bareBaseline(mongoUri: string, file: string, rows: number) {
  const client = await new MongoClient(mongoUri).connect();
  try {
    const c = client.db(`bench_import_${rows}`).collection('baselineTransactions');
    await c.drop().catch(() => {});
    // The ledger's indexes, so both sides pay for the same index maintenance.
    await c.createIndex({ fingerprint: 1 }, { unique: true });
    await c.createIndex({ externalKey: 1 }, { unique: true, sparse: true });
    await c.createIndex({ accountId: 1, bookedAt: -1, _id: -1 });
    await c.createIndex({ userId: 1, bookedAt: -1, _id: -1 });
    await c.createIndex({ userId: 1, category: 1, bookedAt: -1 });
    await c.createIndex({ accountId: 1, contentKey: 1 });
    const userId = new ObjectId();
    const accountId = new ObjectId();
    const started = performance.now();
    let batch: Record<string, unknown>[] = [];
    let inserted = 0;
    const parser = createReadStream(file).pipe(parse({ relax_column_count: true, skip_empty_lines: true, relax_quotes: true }));
    for await (const record of parser as AsyncIterable<string[]>) {
      if (record.length !== 6 || !record[0].startsWith("'")) continue;
      const [dm, description, , amount, direction] = record;
      const [dd, mm] = dm.slice(1).split('/');
      const date = `2024-${mm}-${dd}`;
      const amountMinor = Math.round(Number(amount.replace(/,/g, '')) * 100) * (direction === 'DB' ? -1 : 1);
      const contentKey = createHash('sha256').update(`${accountId}\u001f${date}\u001f${amountMinor}\u001fIDR\u001f${description}`).digest('hex');
      batch.push({ userId, accountId, source: 'import', date, bookedAt: new Date(`${date}T00:00:00+07:00`), amountMinor, currency: 'IDR', description: description.slice(1), fingerprint: createHash('sha256').update(`${contentKey}\u001f0`).digest('hex'), contentKey, category: 'uncategorized', categorySource: 'rule', tags: [], ownTransfer: false, createdAt: new Date(), updatedAt: new Date() });
      if (batch.length === 1000) {
        inserted += (await c.insertMany(batch, { ordered: false })).insertedCount;
        batch = [];
      }
    }
    if (batch.length) inserted += (await c.insertMany(batch, { ordered: false })).insertedCount;
    const seconds = (performance.now() - started) / 1000;
    if (inserted !== rows) throw new Error(`baseline inserted ${inserted}/${rows}`);
    await c.drop();
    return { rows, seconds: +seconds.toFixed(1), rowsPerSec: Math.round(rows / seconds) };
  } finally {
    await client.close();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const work = await mkdtemp(path.join(tmpdir(), 'swh-bench-import-'));
  const emulator = await startEmulatorProcess();
  try {
    const results: Record<string, Awaited<ReturnType<typeof importThroughHub>>> = {};
    for (const rows of [...new Set([SMALL_ROWS, ROWS])].sort((a, b) => a - b)) {
      const file = path.join(work, `mutasi-${rows}.csv`);
      await writeKlikBcaCsv(file, rows);
      const fileMb = Math.round((await stat(file)).size / 1024 / 1024);
      const hub = await importThroughHub(emulator.uri, file, rows);
      results[rows] = hub;
      line({ measurement: 'hub-import', fileMb, ...hub });
      if (rows === ROWS) {
        const bare = await bareBaseline(emulator.uri, file, rows);
        line({ measurement: 'bare-csv-parse-insertMany', ...bare });
        line({ measurement: 'ratio', rows, ratio: +(hub.rowsPerSec / bare.rowsPerSec).toFixed(2), goal: 0.5, ok: hub.rowsPerSec / bare.rowsPerSec >= 0.5 });
      }
      await rm(file, { force: true });
    }
    const small = results[SMALL_ROWS];
    const large = results[ROWS];
    const growth = +(large.peakRssMb / small.peakRssMb).toFixed(2);
    line({ measurement: 'peak-rss-scaling', smallRows: SMALL_ROWS, smallPeakRssMb: small.peakRssMb, largeRows: ROWS, largePeakRssMb: large.peakRssMb, growth });
    return { bench: 'import', rows: ROWS, rowsPerSec: large.rowsPerSec, peakRssMb: large.peakRssMb, rssGrowth: growth, flatMemory: growth < 1.25 };
  } finally {
    await stopProcess(emulator.child);
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
