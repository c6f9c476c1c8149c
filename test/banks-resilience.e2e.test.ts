/**
 * Banks under time and trouble, through the hub: each account on its own Agenda schedule (moved by a frequency
 * change, removed on disconnect), a failing bank not holding up another, repeated failures told to the user once,
 * and the simulator's failures (a hang past the timeout, 5xx, an expired token, duplicated and out-of-order
 * notifications) absorbed without losing or doubling a transaction. One bank per kind of fault, so one bank's
 * circuit breaker opening cannot colour another test.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapBankSandbox } from '../sandbox/snap-bank/index.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

let t: TestHub;
let jobs: ReturnType<NonNullable<TestHub['hub']['connection']['db']>['collection']>;
const sim = (name: 'bca' | 'mandiri' | 'bni' | 'bri' | 'cimb' | 'danamon') => t.hub.sandboxes[name] as SnapBankSandbox;

beforeAll(async () => {
  t = await startTestHub();
  jobs = t.hub.connection.db!.collection('agendaJobs');
});
afterAll(async () => t?.stop());

const pendingSyncJobs = (accountId: string) => jobs.find({ name: 'banks.sync-account', 'data.accountId': accountId, nextRunAt: { $ne: null }, lastFinishedAt: null }).toArray();
/** Time passing for Agenda: the job's due time brought to now. */
const makeDue = (accountId: string) => jobs.updateMany({ name: 'banks.sync-account', 'data.accountId': accountId, lastFinishedAt: null }, { $set: { nextRunAt: new Date() } });

async function connect(client: TestHub['admin'], bank: string, accountNo: string, syncFrequency = 'daily') {
  const res = await client.post('/api/bank/connect', { bank, accountNumber: accountNo, syncFrequency });
  expect(res.status).toBe(201);
  return res.body.account.id as string;
}

describe('scheduled sync on Agenda', () => {
  it('runs each account on its frequency, moves with a frequency change and stops on disconnect', async () => {
    const user = await t.createUser();
    const account = sim('cimb').createAccount('CIMB', { days: 5 });
    const id = await connect(user.client, 'CIMB', account.accountNo, 'hourly');
    const [first] = await pendingSyncJobs(id);
    expect(first.nextRunAt.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(first.nextRunAt.getTime() - Date.now()).toBeLessThan(61 * 60_000);

    await makeDue(id);
    const synced = await eventually(() => user.client.get(`/api/bank/transactions/${id}?limit=200`), (r) => r.body.transactions.length === account.transactions.length, 10_000);
    expect(synced.body.transactions.length).toBe(account.transactions.length);
    const next = await eventually(() => pendingSyncJobs(id), (list) => list.length === 1 && list[0].data.scheduleKey !== first.data.scheduleKey, 5000);
    expect(next[0].nextRunAt.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    const runs = await t.hub.connection.db!.collection('bankSyncRuns').find({ accountId: new Types.ObjectId(id) }).toArray();
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([['schedule', 'succeeded']]);

    const weekly = await user.client.request<any>('PATCH', `/api/bank/accounts/${id}`, { syncFrequency: 'weekly' });
    expect(weekly.status).toBe(200);
    expect(weekly.body.account.syncFrequency).toBe('weekly');
    const moved = await pendingSyncJobs(id);
    expect(moved).toHaveLength(1);
    expect(moved[0].nextRunAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 60 * 60_000);

    expect((await user.client.request<any>('PATCH', `/api/bank/accounts/${id}`, { syncFrequency: 'manual' })).body.nextSyncAt).toBeNull();
    expect(await pendingSyncJobs(id)).toHaveLength(0);
    await user.client.request<any>('PATCH', `/api/bank/accounts/${id}`, { syncFrequency: 'daily' });
    expect(await pendingSyncJobs(id)).toHaveLength(1);
    await user.client.delete(`/api/bank/disconnect/${id}`);
    expect(await pendingSyncJobs(id)).toHaveLength(0);
  });

  it('a bank that fails does not stop another bank’s scheduled sync', async () => {
    const user = await t.createUser();
    const good = sim('bni').createAccount('BNI', { days: 3 });
    const bad = sim('danamon').createAccount('DANAMON', { days: 3 });
    const goodId = await connect(user.client, 'BNI', good.accountNo, 'daily');
    const badId = await connect(user.client, 'DANAMON', bad.accountNo, 'daily');
    sim('danamon').injectFaults({ mode: 'http503', count: 1000, bank: 'DANAMON' });
    try {
      await Promise.all([makeDue(badId), makeDue(goodId)]);
      const runs = t.hub.connection.db!.collection('bankSyncRuns');
      const done = await eventually(() => runs.find({ trigger: 'schedule', bank: { $in: ['BNI', 'DANAMON'] }, status: { $ne: 'running' } }).toArray(), (list) => list.length === 2, 15_000);
      expect(Object.fromEntries(done.map((r) => [r.bank, r.status]))).toEqual({ BNI: 'succeeded', DANAMON: 'failed' });
      expect((await user.client.get(`/api/bank/transactions/${goodId}?limit=200`)).body.transactions.length).toBe(good.transactions.length);
      // Both stay on their schedule.
      await eventually(() => pendingSyncJobs(badId), (l) => l.length === 1, 5000);
      expect(await pendingSyncJobs(badId)).toHaveLength(1);
      expect(await pendingSyncJobs(goodId)).toHaveLength(1);

      // Two more failures make three in a row: the user is told once, and not again on the fourth.
      for (let i = 0; i < 3; i++) {
        const res = await user.client.post(`/api/bank/sync/${badId}`);
        expect(res.status).toBe(503);
        expect(res.body.error.details.run).toMatchObject({ status: 'failed', errors: 1, new: 0 });
      }
      const notes = await user.client.get('/api/notifications');
      expect(notes.body.notifications.filter((n: { kind: string }) => n.kind === 'bank.sync_failed')).toHaveLength(1);
      const metrics = await t.admin.get('/metrics');
      expect(String(metrics.body)).toMatch(/hub_bank_sync_success_ratio_24h\{bank="DANAMON"\} 0\n/);
    } finally {
      sim('danamon').clearFaults();
    }
  });
});

describe('failures injected at the bank', () => {
  it('a hang past the timeout is retried and the sync completes', async () => {
    const user = await t.createUser();
    const account = sim('bca').createAccount('BCA', { days: 2 });
    const id = await connect(user.client, 'BCA', account.accountNo);
    sim('bca').injectFaults({ mode: 'hang', count: 1, bank: 'BCA', path: /bank-statement/ });
    const started = Date.now();
    const res = await user.client.post(`/api/bank/sync/${id}`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(res.body).toMatchObject({ status: 'succeeded', new: account.transactions.length });
  });

  it('a 5xx is retried; an expired token is replaced once', async () => {
    const user = await t.createUser();
    const account = sim('mandiri').createAccount('MANDIRI', { days: 4 });
    const id = await connect(user.client, 'MANDIRI', account.accountNo);
    sim('mandiri').injectFaults({ mode: 'http500', count: 1, bank: 'MANDIRI', path: /bank-statement/ });
    expect((await user.client.post(`/api/bank/sync/${id}`)).body).toMatchObject({ status: 'succeeded', new: account.transactions.length });

    const tokensBefore = sim('mandiri').stats.tokenRequests;
    sim('mandiri').injectFaults({ mode: 'expire_token', count: 1, bank: 'MANDIRI' });
    const again = await user.client.post(`/api/bank/sync/${id}`);
    expect(again.body).toMatchObject({ status: 'succeeded', new: 0 });
    expect(sim('mandiri').stats.tokenRequests - tokensBefore).toBe(1);
  });

  it('duplicated and out-of-order notifications: each entry stored once, the balance the newest', async () => {
    const user = await t.createUser();
    const bri = sim('bri');
    const account = bri.createAccount('BRI', { days: 1, transactions: [], startingBalanceMinor: 1_000_000_00 });
    const id = await connect(user.client, 'BRI', account.accountNo);
    const count = async () => (await user.client.get(`/api/bank/transactions/${id}?limit=200`)).body.transactions.length;

    // Booked a few seconds ago, each in its own second: the simulator keeps its journal one second apart, so entries
    // booked "now" in quick succession would be dated up to seconds ahead of the clock, and a statement that ends
    // now would rightly leave them out.
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
    bri.setDeliveryMode({ duplicate: true });
    await bri.addTransaction('BRI', account.accountNo, { amountMinor: -50_000_00, parts: ['QRIS', 'KOPI KENANGAN'], at: ago(30) });
    await eventually(count, (n) => n === 1, 10_000);
    const inbox = await t.admin.get('/api/admin/webhooks?provider=bank&limit=100');
    const event = inbox.body.events.find((e: { deliveries: number }) => e.deliveries === 2);
    expect(event).toBeDefined();

    bri.setDeliveryMode({ outOfOrder: true });
    const older = bri.addTransaction('BRI', account.accountNo, { amountMinor: -20_000_00, parts: ['QRIS', 'INDOMARET'], at: ago(20) });
    const newer = await bri.addTransaction('BRI', account.accountNo, { amountMinor: -10_000_00, parts: ['QRIS', 'ALFAMART'], at: ago(10) });
    const olderTx = await older;
    expect(olderTx.at.getTime()).toBeLessThan(newer.at.getTime());
    bri.setDeliveryMode({});
    await eventually(count, (n) => n === 3, 10_000);
    await t.hub.inboxProcessor.drain();
    expect(await count()).toBe(3);
    expect((await user.client.get(`/api/bank/balance/${id}`)).body.balanceMinor).toBe(newer.balanceAfterMinor);

    // And the statement sync afterwards finds all three already there.
    const sync = await user.client.post(`/api/bank/sync/${id}`);
    expect(sync.body, JSON.stringify(sync.body)).toMatchObject({ status: 'succeeded', fetched: 3, new: 0, duplicates: 3 });
  });
});
