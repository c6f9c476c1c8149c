/**
 * Connect, sync and notification against the SNAP bank simulator and the run's database: consent before any
 * account exists, sync idempotence (re-sync adds nothing; a notified entry is not stored twice by the next sync,
 * also for BCA which gives no ids), out-of-order notifications, one sync at a time, failures recorded, own
 * transfers across banks, per-user isolation, disconnect.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose, { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSnapBankSandbox, type SnapBankSandbox } from '../../../../sandbox/snap-bank/index.js';
import { FieldCipher, encryptionKeyFromBase64 } from '../../../lib/crypto.js';
import { accountModel, type AccountModel } from '../../ledger/models/account.js';
import { ledgerTransactionModel, type LedgerTransactionModel } from '../../ledger/models/transaction.js';
import { bankConnectionModel, type BankConnectionModel } from '../models/bank-connection.js';
import { syncRunModel, type SyncRun, type SyncRunModel } from '../models/sync-run.js';
import { BANK_PROFILES } from '../providers/profiles.js';
import { SnapClient } from '../providers/snap/client.js';
import { verifyNotification } from '../providers/snap/signature.js';
import type { BankCode } from '../providers/snap/types.js';
import { BankConnectService } from './connect-service.js';
import { CustomerTokens } from './customer-tokens.js';
import { BankSyncService } from './sync-service.js';

const hubKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const credentials = { clientKey: 'hub-client', clientSecret: 'hub-secret-value', privateKey: hubKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
let sandbox: SnapBankSandbox;
let conn: Connection;
let accounts: AccountModel;
let transactions: LedgerTransactionModel;
let connections: BankConnectionModel;
let runs: SyncRunModel;
let sync: BankSyncService;
let connect: BankConnectService;
let hub: Server;
const received: { path: string; body: string; headers: Record<string, string> }[] = [];
const clients = new Map<string, SnapClient>();
const finishedRuns: SyncRun[] = [];
const repeatedFailures: number[] = [];
const cipher = new FieldCipher(encryptionKeyFromBase64(randomBytes(32).toString('base64')));

beforeAll(async () => {
  conn = await mongoose.createConnection(inject('mongoUri'), { dbName: `banks_sync_${process.pid}` }).asPromise();
  accounts = accountModel(conn);
  transactions = ledgerTransactionModel(conn);
  connections = bankConnectionModel(conn);
  runs = syncRunModel(conn);
  await Promise.all([accounts.init(), transactions.init(), connections.init(), runs.init()]);
  hub = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ path: req.url!, body: raw, headers: req.headers as Record<string, string> });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  sandbox = await startSnapBankSandbox({ partner: { ...credentials, publicKey: hubKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString() }, hubUrl: `http://127.0.0.1:${(hub.address() as AddressInfo).port}`, seed: 'sync', retryDelaysMs: [] });
  for (const bank of Object.keys(BANK_PROFILES) as BankCode[]) {
    clients.set(bank, new SnapClient({ profile: BANK_PROFILES[bank], baseUrl: sandbox.baseUrlFor(bank), credentials, timeoutMs: 1000, retries: 1, retryDelayMs: 5 }));
  }
  const tokens = new CustomerTokens({ connections, cipher, now: () => new Date() });
  const deps = { accounts, transactions, connections, runs, cipher, tokens, clientFor: (bank: string) => clients.get(bank) };
  sync = new BankSyncService({ ...deps, onRunFinished: (r) => finishedRuns.push(r), onRepeatedFailure: (_r, n) => void repeatedFailures.push(n) });
  connect = new BankConnectService(deps);
});
afterAll(async () => {
  for (const c of clients.values()) c.shutdown();
  await sandbox?.stop();
  await new Promise<void>((r) => hub?.close(() => r()));
  await conn?.dropDatabase();
  await conn?.close();
});

const user = () => new Types.ObjectId();

async function connected(userId: Types.ObjectId, bank: BankCode, options: Parameters<SnapBankSandbox['createAccount']>[1] = {}) {
  const sim = sandbox.createAccount(bank, { days: 20, perDay: 4, ...options });
  const result = await connect.connect(userId, { bank, accountNumber: sim.accountNo });
  if (result.status !== 'connected') throw new Error('expected an immediate connection');
  return { sim, account: result.account };
}

/** Books an entry at the bank, lets the simulator notify our little hub, checks the signature, returns the body. */
async function notified(bank: BankCode, accountNo: string, entry?: { amountMinor: number; parts: [string, string]; at?: Date }) {
  const before = received.length;
  await sandbox.addTransaction(bank, accountNo, entry);
  const got = received.slice(before);
  for (const n of got) {
    expect(verifyNotification({ method: 'POST', path: n.path, body: n.body, timestamp: n.headers['x-timestamp'], signature: n.headers['x-signature'], publicKey: sandbox.publicKey })).toBe(true);
  }
  return got.map((n) => JSON.parse(n.body));
}

describe('connect', () => {
  it('stores the account only after the bank confirms, with the number sealed and masked', async () => {
    const userId = user();
    const { sim, account } = await connected(userId, 'BCA');
    expect(account.accountNumberMasked).toBe(`******${sim.accountNo.slice(-4)}`);
    expect(account.accountNumberSealed).not.toContain(sim.accountNo);
    const connection = await connections.findOne({ accountId: account._id }).lean();
    expect(connection?.status).toBe('active');
    expect(connection?.accountTokenSealed).toMatch(/^enc:v1:/);
  });

  it('with the OTP step: nothing is stored until the right OTP; a wrong one is refused', async () => {
    sandbox.setBindingMode('otp');
    try {
      const userId = user();
      const sim = sandbox.createAccount('BRI', { days: 1 });
      const started = await connect.connect(userId, { bank: 'bri', accountNumber: sim.accountNo });
      expect(started.status).toBe('otp_required');
      if (started.status !== 'otp_required') return;
      expect(await accounts.countDocuments({ userId })).toBe(0);
      const otp = sandbox.otpFor('BRI', sim.accountNo)!;
      await expect(connect.confirmOtp(userId, { connectionId: started.connectionId, otp: otp === '000000' ? '111111' : '000000' })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
      await expect(connect.confirmOtp(user(), { connectionId: started.connectionId, otp })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const done = await connect.confirmOtp(userId, { connectionId: started.connectionId, otp });
      expect(done.account.bank).toBe('BRI');
      expect(await accounts.countDocuments({ userId })).toBe(1);
    } finally {
      sandbox.setBindingMode('auto');
    }
  });

  it('an account number the bank does not know is a 422 on the field, and nothing is stored', async () => {
    const userId = user();
    await expect(connect.connect(userId, { bank: 'MANDIRI', accountNumber: '1370000000000' })).rejects.toMatchObject({ code: 'UNPROCESSABLE', details: { field: 'accountNumber' } });
    await expect(connect.connect(userId, { bank: 'XYZ', accountNumber: '123456' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await connections.countDocuments({ userId })).toBe(0);
  });
});

describe('sync', () => {
  it('brings the statement and balance in; a second sync adds nothing', async () => {
    const userId = user();
    const { sim, account } = await connected(userId, 'BRI');
    const first = await sync.syncAccount(userId, account._id, 'manual');
    expect(first).toMatchObject({ status: 'succeeded', duplicates: 0 });
    const expected = sim.transactions.filter((t) => t.at >= first.from!);
    expect(first.fetched).toBe(expected.length);
    expect(first.inserted).toBe(expected.length);
    const stored = await accounts.findById(account._id).lean();
    expect(stored).toMatchObject({ balanceMinor: sim.balanceMinor });
    expect(stored?.syncedThrough).toBeInstanceOf(Date);

    const again = await sync.syncAccount(userId, account._id, 'schedule');
    expect(again).toMatchObject({ status: 'succeeded', inserted: 0 });
    expect(again.duplicates).toBe(again.fetched);
    expect(await transactions.countDocuments({ accountId: account._id })).toBe(expected.length);
    const salary = await transactions.findOne({ accountId: account._id, description: /^GAJI/ }).lean();
    if (salary) expect(salary.category).toBe('income:salary');
  });

  it('BCA (no ids): a notified entry and two identical purchases are each stored once, also after the next sync', async () => {
    const userId = user();
    const { sim, account } = await connected(userId, 'BCA', { transactions: [] });
    const coffee = { amountMinor: -3_800_000, parts: ['QRIS PAYMENT', 'KOPI KENANGAN'] as [string, string] };
    const [first] = await notified('BCA', sim.accountNo, { ...coffee, at: new Date(Date.now() - 600_000) });
    expect(await sync.applyNotification('BCA', first)).toEqual({ applied: 1, duplicates: 0 });
    expect(await sync.applyNotification('BCA', first)).toEqual({ applied: 0, duplicates: 1 });
    const [second] = await notified('BCA', sim.accountNo, { ...coffee, at: new Date(Date.now() - 300_000) });
    expect(await sync.applyNotification('BCA', second)).toEqual({ applied: 1, duplicates: 0 });
    const run = await sync.syncAccount(userId, account._id, 'manual');
    expect(run).toMatchObject({ status: 'succeeded', fetched: 2, inserted: 0, duplicates: 2 });
    const rows = await transactions.find({ accountId: account._id }).lean();
    expect(rows.map((r) => [r.amountMinor, r.category])).toEqual([
      [-3_800_000, 'food_drink'],
      [-3_800_000, 'food_drink'],
    ]);
  });

  it('a late, older notification adds its entry but does not put an old balance back', async () => {
    const userId = user();
    const { sim, account } = await connected(userId, 'CIMB', { transactions: [], startingBalanceMinor: 100_000_000 });
    sandbox.setDeliveryMode({ outOfOrder: true });
    try {
      const earlier = await notified('CIMB', sim.accountNo, { amountMinor: -1_000_000, parts: ['DEBIT POS', 'INDOMARET'] });
      const both = [...earlier, ...(await notified('CIMB', sim.accountNo, { amountMinor: -2_000_000, parts: ['DEBIT POS', 'ALFAMART'] }))];
      expect(both.map((b) => b.transaction.remark)).toEqual(['DEBIT POS ALFAMART', 'DEBIT POS INDOMARET']);
      for (const body of both) await sync.applyNotification('CIMB', body);
    } finally {
      sandbox.setDeliveryMode({ outOfOrder: false });
    }
    expect(await transactions.countDocuments({ accountId: account._id })).toBe(2);
    expect((await accounts.findById(account._id).lean())?.balanceMinor).toBe(sim.balanceMinor);
  });

  it('runs once at a time per account', async () => {
    const userId = user();
    const { account } = await connected(userId, 'MANDIRI');
    const outcomes = await Promise.allSettled([sync.syncAccount(userId, account._id, 'manual'), sync.syncAccount(userId, account._id, 'schedule')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'CONFLICT' } });
    await expect(sync.syncAccount(userId, account._id, 'manual')).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('a failing bank is a recorded failed run; the third failure in a row is reported once', async () => {
    const userId = user();
    const { account } = await connected(userId, 'DANAMON');
    sandbox.injectFaults({ mode: 'http500', count: 100, bank: 'DANAMON' });
    try {
      const before = repeatedFailures.length;
      for (let i = 0; i < 4; i++) {
        const run = await sync.syncAccount(userId, account._id, 'schedule');
        expect(run).toMatchObject({ status: 'failed', errors: 1, error: { code: 'PROVIDER_UNAVAILABLE', kind: 'general_error' } });
      }
      expect(repeatedFailures.slice(before)).toEqual([3]);
      expect(await runs.countDocuments({ accountId: account._id, status: 'failed' })).toBe(4);
    } finally {
      sandbox.clearFaults();
    }
    // Another bank is unaffected meanwhile.
    const other = await connected(userId, 'BNI');
    await expect(sync.syncAccount(userId, other.account._id, 'manual')).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('a transfer between the user’s BCA and BRI accounts is neither spending nor income', async () => {
    const userId = user();
    const bca = await connected(userId, 'BCA', { transactions: [] });
    const bri = await connected(userId, 'BRI', { transactions: [] });
    await sandbox.addTransaction('BCA', bca.sim.accountNo, { amountMinor: -250_000_000, parts: ['TRSF E-BANKING DB', '0112/FTSCY/WS95051'] });
    await sandbox.addTransaction('BRI', bri.sim.accountNo, { amountMinor: 250_000_000, parts: ['BI-FAST CR', 'BUDI SANTOSO'] });
    await sync.syncAccount(userId, bca.account._id, 'manual');
    await sync.syncAccount(userId, bri.account._id, 'manual');
    const rows = await transactions.find({ userId }).lean();
    expect(rows.map((r) => [r.amountMinor, r.ownTransfer, r.category]).sort()).toEqual([
      [-250_000_000, true, 'transfer:own'],
      [250_000_000, true, 'transfer:own'],
    ]);
  });

  it('another user cannot sync or disconnect the account; disconnect revokes the token and keeps history unless purged', async () => {
    const owner = user();
    const { account } = await connected(owner, 'BNI');
    await sync.syncAccount(owner, account._id, 'manual');
    await expect(sync.syncAccount(user(), account._id, 'manual')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(connect.disconnect(user(), account._id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const kept = await transactions.countDocuments({ accountId: account._id });
    expect(kept).toBeGreaterThan(0);
    await connect.disconnect(owner, account._id);
    expect((await connections.findOne({ accountId: account._id }).lean())?.accountTokenSealed).toBeUndefined();
    await expect(sync.syncAccount(owner, account._id, 'manual')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await transactions.countDocuments({ accountId: account._id })).toBe(kept);
    expect(await connect.disconnect(owner, account._id, { purge: true })).toEqual({ purgedTransactions: kept });
  });
});
