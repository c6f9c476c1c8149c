/**
 * Banks findings of a review, each through the hub's HTTP surface and the SNAP simulator: a bank that answers the
 * same statement page again must not get its rows stored twice; an account connected
 * again after a disconnect goes back on a schedule; a bank notification's account number is not shown whole by the
 * admin inbox; a signed notification sent again long after it was signed (a replay) is refused.
 */
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

const allTransactions = async (client: TestHub['admin'], accountId: string) => {
  const rows: { bookedAt: string; amountMinor: number; description: string }[] = [];
  let cursor: string | null = null;
  do {
    const res: { body: { transactions: typeof rows; nextCursor: string | null } } = await client.get(`/api/bank/transactions/${accountId}?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    rows.push(...res.body.transactions);
    cursor = res.body.nextCursor;
  } while (cursor);
  return rows;
};
/** A sync of a Danamon account while the simulator holds `mode` for statement pages after the first. */
async function syncWithPageFault(client: TestHub['admin'], accountId: string, mode: 'repeat_page' | 'empty_page', count: number) {
  sim('danamon').injectFaults({ mode, count, bank: 'DANAMON' });
  try {
    return await client.post(`/api/bank/sync/${accountId}`);
  } finally {
    sim('danamon').clearFaults();
  }
}
const pendingSyncJobs = (accountId: string) => jobs.find({ name: 'banks.sync-account', 'data.accountId': accountId, nextRunAt: { $ne: null }, lastFinishedAt: null }).toArray();

describe('statement paging', () => {
  it('a bank that answers a statement page again is a failed sync, not the same rows stored twice', async () => {
    const user = await t.createUser();
    // Danamon gives no entry ids (rows dedupe by content) and pages 30 entries of a 7-day window by page number.
    const account = sim('danamon').createAccount('DANAMON', { days: 20, perDay: 8, seed: 'review:repeated-page', startingBalanceMinor: 50_000_000_000 });
    expect(account.transactions.length).toBeGreaterThan(60);
    const id = (await user.client.post('/api/bank/connect', { bank: 'DANAMON', accountNumber: account.accountNo })).body.account.id;
    // Page 2 of the first window with entries comes back as page 1 again; page 3 onwards as they should.
    const failed = await syncWithPageFault(user.client, id, 'repeat_page', 1);
    expect(failed.status).toBe(503);
    expect(failed.body.error.message).toMatch(/same statement page/);
    const stored = await allTransactions(user.client, id);
    const keys = stored.map((r) => `${r.bookedAt}|${r.amountMinor}|${r.description}`);
    expect(new Set(keys).size).toBe(keys.length);

    // The bank pages properly again: the statement is stored once, entry for entry.
    const ok = await user.client.post(`/api/bank/sync/${id}`);
    expect(ok.status).toBe(200);
    expect((await allTransactions(user.client, id)).length).toBe(account.transactions.length);
  });

  it('a bank whose paging stops advancing (empty pages that say more follows) fails the sync after three, not a thousand', async () => {
    const user = await t.createUser();
    const account = sim('danamon').createAccount('DANAMON', { days: 10, perDay: 8, seed: 'review:empty-pages', startingBalanceMinor: 50_000_000_000 });
    const id = (await user.client.post('/api/bank/connect', { bank: 'DANAMON', accountNumber: account.accountNo })).body.account.id;
    const before = sim('danamon').stats.serviceRequests;
    const failed = await syncWithPageFault(user.client, id, 'empty_page', 50);
    expect(failed.status).toBe(503);
    expect(failed.body.error.message).toMatch(/3 empty statement pages in a row/);
    // The first page of each window up to the stuck one, then three empty pages: a handful of requests, not the
    // thousand of maxPages.
    expect(sim('danamon').stats.serviceRequests - before).toBeLessThan(12);

    const ok = await user.client.post(`/api/bank/sync/${id}`);
    expect(ok.status).toBe(200);
    expect((await allTransactions(user.client, id)).length).toBe(account.transactions.length);
  });
});

describe('disconnect, then connect again', () => {
  it('the account goes back on the default daily schedule', async () => {
    const user = await t.createUser();
    const account = sim('bni').createAccount('BNI', { days: 2 });
    const first = await user.client.post('/api/bank/connect', { bank: 'BNI', accountNumber: account.accountNo });
    expect(first.body.account.syncFrequency).toBe('daily');
    const id = first.body.account.id;
    expect(await pendingSyncJobs(id)).toHaveLength(1);

    expect((await user.client.delete(`/api/bank/disconnect/${id}`)).status).toBe(200);
    expect(await pendingSyncJobs(id)).toHaveLength(0);

    const again = await user.client.post('/api/bank/connect', { bank: 'BNI', accountNumber: account.accountNo });
    expect(again.status).toBe(201);
    expect(again.body.account).toMatchObject({ id, status: 'active', syncFrequency: 'daily' });
    expect(await pendingSyncJobs(id)).toHaveLength(1);
    expect((await user.client.get('/api/bank/accounts')).body.accounts[0]).toMatchObject({ id, syncFrequency: 'daily' });
  });
});

describe('bank notifications', () => {
  it('the admin inbox does not show the account number of a notification whole', async () => {
    const user = await t.createUser();
    const account = sim('bri').createAccount('BRI', { days: 1, transactions: [] });
    const id = (await user.client.post('/api/bank/connect', { bank: 'BRI', accountNumber: account.accountNo })).body.account.id;
    await sim('bri').addTransaction('BRI', account.accountNo, { amountMinor: 125_000_00, parts: ['BI-FAST CR', 'ANDI WIJAYA'] });
    await eventually(() => user.client.get(`/api/bank/transactions/${id}`), (r) => r.body.transactions.length === 1, 5000);
    const inbox = await t.admin.get('/api/admin/webhooks?provider=bank&limit=200');
    expect(inbox.status).toBe(200);
    const mine = inbox.body.events.filter((e: { normalized: unknown }) => JSON.stringify(e.normalized).includes(account.accountNo.slice(-4)));
    expect(mine.length).toBeGreaterThan(0);
    expect(JSON.stringify(inbox.body)).not.toContain(account.accountNo);
  });

  it('a genuinely signed notification sent again an hour after it was signed is refused and stored nowhere', async () => {
    const user = await t.createUser();
    const account = sim('bri').createAccount('BRI', { days: 1, transactions: [] });
    const id = (await user.client.post('/api/bank/connect', { bank: 'BRI', accountNumber: account.accountNo })).body.account.id;
    const inboxBefore = (await t.admin.get('/api/admin/webhooks?provider=bank&limit=200')).body.events.length;
    const body = {
      notificationType: 'ACCOUNT_MUTATION',
      bankCode: 'BRI',
      accountNo: account.accountNo,
      transaction: { amount: { value: '500000.00', currency: 'IDR' }, transactionDate: new Date(Date.now() - 3_600_000).toISOString(), remark: 'BI-FAST CR SITI', type: 'CREDIT', transactionId: 'REPLAYED-1' },
    };
    const replayed = await sim('bri').sendNotification('BRI', body, { signedAt: new Date(Date.now() - 3_600_000), externalId: '77777' });
    expect(replayed).toBe(false);
    const last = sim('bri').notifications.filter((d) => d.label === 'BRI manual').at(-1)!;
    expect(last.httpStatus).toBe(401);
    expect((await t.admin.get('/api/admin/webhooks?provider=bank&limit=200')).body.events.length).toBe(inboxBefore);
    expect((await user.client.get(`/api/bank/transactions/${id}`)).body.transactions).toHaveLength(0);

    // Signed now, the same notification is taken.
    expect(await sim('bri').sendNotification('BRI', body, { externalId: '77778' })).toBe(true);
    await eventually(() => user.client.get(`/api/bank/transactions/${id}`), (r) => r.body.transactions.length === 1, 5000);
  });
});
