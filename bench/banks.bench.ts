/**
 * Banks, two figures (one JSON line):
 *
 * 1. Sync throughput: POST /api/bank/sync for a sandbox BRI account whose statement holds 10,000 entries (paged by
 *    the simulated bank, signed, read, deduplicated against the ledger and bulk-inserted), against inserting the same
 *    10,000 ledger documents directly with one unordered insertMany on the same collection. Goal: ratio >= 0.5.
 * 2. GET /api/bank/transactions/:accountId latency: p99 of first pages and cursor pages on an account holding 100,000
 *    transactions against one holding 1,000 (same hub, same collection). Goal: p99 ratio <= 1.5 (keyset paging on
 *    the ledger's {accountId, bookedAt: -1, _id: -1} index does not slow down as history grows).
 *
 *   npx tsx bench/banks.bench.ts        (also run by `npm run bench`, which picks up every bench/*.bench.ts)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { generateHistory, type SnapBankSandbox } from '../sandbox/snap-bank/index.js';
import { createHub } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';
import { resolveDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/lib/logger.js';
import { runIfMain } from './main.js';

const STATEMENT_ENTRIES = Number(process.env.BENCH_STATEMENT_ENTRIES ?? 10_000);
const BIG = Number(process.env.BENCH_BIG_ACCOUNT ?? 100_000);
const SMALL = 1_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
/** BENCH_VERBOSE=1: phase timings on stderr (the JSON line stays alone on stdout). */
const note = (message: string) => {
  if (process.env.BENCH_VERBOSE) process.stderr.write(`[banks bench ${new Date().toISOString()}] ${message}\n`);
};
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'swh-bench-'));
  const database = await resolveDatabase({ uri: process.env.MONGODB_URI, allowDownload: false, log: () => {} });
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1', SANDBOX_SETTLE_MS: '0', RATE_LIMIT_PER_MINUTE: '1000000' });
  const hub = await createHub({ config, database, dbName: `bench_${randomBytes(4).toString('hex')}`, logger: createLogger({ level: 'silent' }), runJobs: false });
  const { url } = await hub.listen(0, '127.0.0.1');
  const call = async (method: string, pathname: string, key: string, body?: unknown) => {
    const res = await fetch(`${url}${pathname}`, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const json = (await res.json()) as Record<string, any>;
    if (res.status >= 300) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  try {
    const user = await call('POST', '/api/users', hub.adminApiKey, { name: 'bench', role: 'user' });
    const key = user.apiKey as string;

    // 1. Sync throughput: 10,000 entries over 25 days (one BRI window of 31 days, 100 entries a page).
    const bri = hub.sandboxes.bri as SnapBankSandbox;
    const to = new Date();
    const from = new Date(to.getTime() - 25 * 86_400_000);
    const history = generateHistory({ seed: 'bench', from, to, startingBalanceMinor: 100_000_000_000_00, perDay: Math.ceil((STATEMENT_ENTRIES / 25) * 1.2), idPrefix: 'BENCH' }).slice(-STATEMENT_ENTRIES);
    if (history.length < STATEMENT_ENTRIES) throw new Error(`the simulator generated ${history.length} entries, fewer than ${STATEMENT_ENTRIES}`);
    const sim = bri.createAccount('BRI', { transactions: history });
    const connected = await call('POST', '/api/bank/connect', key, { bank: 'BRI', accountNumber: sim.accountNo, syncFrequency: 'manual' });
    const accountId = connected.account.id as string;
    note(`connected; syncing ${history.length} entries`);
    const syncStarted = performance.now();
    const run = await call('POST', `/api/bank/sync/${accountId}`, key);
    const syncMs = performance.now() - syncStarted;
    if (run.new !== history.length) throw new Error(`sync stored ${run.new} of ${history.length}`);

    note(`synced in ${Math.round(syncMs)} ms`);
    // The baseline: the very documents the sync stored, inserted again directly (fresh ids and fingerprints, another account).
    const stored = await hub.models.BankTransaction.find({ accountId: new Types.ObjectId(accountId) }).lean();
    const otherAccount = new Types.ObjectId();
    const copies = stored.map(({ _id: _ignored, externalKey: _k, ...doc }) => ({ ...doc, _id: new Types.ObjectId(), accountId: otherAccount, fingerprint: randomBytes(32).toString('hex') }));
    const insertStarted = performance.now();
    await hub.models.BankTransaction.collection.insertMany(copies, { ordered: false });
    const directMs = performance.now() - insertStarted;
    await hub.models.BankTransaction.collection.deleteMany({ accountId: otherAccount });
    const syncRatio = directMs / syncMs;

    // 2. GET latency at 100,000 vs 1,000 transactions on one account.
    const seedAccount = async (n: number) => {
      const account = await hub.models.BankAccount.create({ userId: new Types.ObjectId(user.id), kind: 'bank', bank: 'BRI', name: `bench ${n}`, currency: 'IDR', syncFrequency: 'manual', status: 'active' });
      const start = Date.now() - n * 60_000;
      for (let offset = 0; offset < n; offset += 5000) {
        const docs = Array.from({ length: Math.min(5000, n - offset) }, (_, j) => {
          const i = offset + j;
          const at = new Date(start + i * 60_000);
          return {
            _id: new Types.ObjectId(),
            userId: account.userId,
            accountId: account._id,
            source: 'sync',
            date: at.toISOString().slice(0, 10),
            bookedAt: at,
            amountMinor: (i % 7 === 0 ? 1 : -1) * (10_000_00 + (i % 500) * 100),
            currency: 'IDR',
            description: ['QRIS KOPI KENANGAN', 'TRSF E-BANKING DB', 'INDOMARET', 'BI-FAST CR GAJI'][i % 4],
            fingerprint: randomBytes(32).toString('hex'),
            contentKey: randomBytes(16).toString('hex'),
            category: 'uncategorized',
            categorySource: 'rule',
            tags: [],
            ownTransfer: false,
            createdAt: at,
            updatedAt: at,
          };
        });
        await hub.models.BankTransaction.collection.insertMany(docs, { ordered: false });
      }
      return String(account._id);
    };
    note(`direct insert ${Math.round(directMs)} ms; seeding ${BIG} + ${SMALL} transactions`);
    const bigId = await seedAccount(BIG);
    const smallId = await seedAccount(SMALL);

    const latencies = async (id: string, requests = REQUESTS) => {
      const ms: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < requests; i++) {
        // Alternate first pages, deeper cursor pages and a filtered page, as people scroll and search.
        const query = i % 4 === 3 ? '?type=debit&limit=50' : `?limit=50${cursor ? `&cursor=${cursor}` : ''}`;
        const started = performance.now();
        const page = await call('GET', `/api/bank/transactions/${id}${query}`, key);
        ms.push(performance.now() - started);
        cursor = i % 4 === 3 ? cursor : ((page.nextCursor as string | null) ?? null);
        if (i % 20 === 19) cursor = null;
      }
      return ms;
    };
    note('seeded; measuring GET');
    // Warm both, then alternate so drift in the machine hits both alike.
    await latencies(smallId, 20);
    await latencies(bigId, 20);
    const big: number[] = [];
    const small: number[] = [];
    for (let r = 0; r < 2; r++) {
      small.push(...(await latencies(smallId)));
      big.push(...(await latencies(bigId)));
    }
    const p99Big = percentile(big, 99);
    const p99Small = percentile(small, 99);
    const latencyRatio = p99Big / p99Small;

    return {
      bench: 'banks',
      database: database.kind,
      sync: {
        entries: history.length,
        pages: Math.ceil(history.length / 100),
        syncMs: Math.round(syncMs),
        syncPerSecond: Math.round(history.length / (syncMs / 1000)),
        directInsertMs: Math.round(directMs),
        directPerSecond: Math.round(history.length / (directMs / 1000)),
        ratio: round(syncRatio),
        target: 0.5,
        ratioOk: syncRatio >= 0.5,
      },
      transactionsGet: {
        requests: big.length,
        p50SmallMs: round(percentile(small, 50), 2),
        p99SmallMs: round(p99Small, 2),
        p50BigMs: round(percentile(big, 50), 2),
        p99BigMs: round(p99Big, 2),
        small: SMALL,
        big: BIG,
        ratio: round(latencyRatio),
        target: 1.5,
        ratioOk: latencyRatio <= 1.5,
      },
    };
  } finally {
    await hub.connection.dropDatabase().catch(() => {});
    await hub.stop();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
