/**
 * The holder's token from redirect consent (SNAP B2B2C) expires, and the hub keeps the connection alive with the
 * refresh token: after the bank refuses the token, and ahead of the end the bank stated. When the bank will not renew
 * it either, the consent has ended: the connection says so, the holder is told once, and connecting again resumes the
 * same ledger account. Through the real HTTP surface, with Mandiri's simulator as the bank and the hub on a
 * ManualClock (the consent test only moves it forward, so the test that does is last).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapBankSandbox } from '../sandbox/snap-bank/index.js';
import { ManualClock } from '../src/lib/clock.js';
import { startTestHub, type TestHub } from './harness.js';

const clock = new ManualClock();
let t: TestHub;
let mandiri: SnapBankSandbox;

beforeAll(async () => {
  t = await startTestHub({ hubOptions: { clock }, runJobs: false });
  mandiri = t.hub.sandboxes.mandiri!;
});
afterAll(async () => t?.stop());

/** The holder in a browser: opens the bank's page, approves, and follows the bank's redirect back to the hub. */
async function approveAtTheBank(authorizationUrl: string): Promise<void> {
  expect((await fetch(authorizationUrl)).status).toBe(200);
  const answered = await fetch(authorizationUrl, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
  expect(answered.status).toBe(302);
  const back = await fetch(answered.headers.get('location')!, { redirect: 'manual' });
  expect(back.status).toBe(200);
}

describe("the holder's token from redirect consent expires", () => {
  /** Connects a fresh Mandiri account by redirect consent and returns its ledger account id. */
  async function connectByRedirect(user: Awaited<ReturnType<TestHub['createUser']>>, accountNo: string): Promise<string> {
    const started = await user.client.post('/api/bank/connect', { bank: 'MANDIRI', accountNumber: accountNo, consent: 'redirect' });
    expect(started.status).toBe(202);
    await approveAtTheBank(started.body.authorizationUrl);
    const accounts = (await user.client.get('/api/bank/accounts')).body.accounts as { id: string; accountNumberMasked: string }[];
    return accounts.find((a) => a.accountNumberMasked.endsWith(accountNo.slice(-4)))!.id;
  }

  it('when the bank will not renew it either, the consent ends: the holder is told once, the balance says why, connecting again resumes the same account', async () => {
    const user = await t.createUser();
    const sim = mandiri.createAccount('MANDIRI', { days: 2, name: 'AGUS SALIM' });
    const accountId = await connectByRedirect(user, sim.accountNo);
    expect((await user.client.post(`/api/bank/sync/${accountId}`)).body).toMatchObject({ status: 'succeeded' });

    mandiri.expireCustomerTokens({ refreshTokens: true });
    const failed = await user.client.post(`/api/bank/sync/${accountId}`);
    expect(failed.status).toBe(409);
    expect(failed.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/connect this account again/), details: { run: { status: 'failed' } } });
    const ended = (await t.hub.models.BankConnection.findOne({ accountId }).lean())!;
    expect(ended).toMatchObject({ status: 'expired' });
    expect(ended.accountTokenSealed).toBeUndefined();
    expect(ended.refreshTokenSealed).toBeUndefined();

    // Told once, however many calls found it ended.
    const balance = await user.client.get(`/api/bank/balance/${accountId}`);
    expect(balance.body).toMatchObject({ source: 'stored', stale: true });
    expect(balance.body.staleReason).toMatch(/connect/);
    expect((await user.client.post(`/api/bank/sync/${accountId}`)).status).toBe(409);
    const notes = (await user.client.get('/api/notifications')).body.notifications as { kind: string; body: string }[];
    const told = notes.filter((n) => n.kind === 'bank.consent_expired');
    expect(told).toHaveLength(1);
    expect(told[0].body).toMatch(/connect it again/);
    expect(JSON.stringify(notes)).not.toContain(sim.accountNo);

    // Connecting again keeps the account and its history.
    const again = await connectByRedirect(user, sim.accountNo);
    expect(again).toBe(accountId);
    expect((await user.client.post(`/api/bank/sync/${accountId}`)).body).toMatchObject({ status: 'succeeded' });
    expect((await t.hub.models.BankConnection.countDocuments({ accountId, status: 'active' }))).toBe(1);
  });
  it('renewed half-way through a statement: the statement is fetched again and no row is stored twice', async () => {
    const user = await t.createUser();
    // Rows without the bank's own id (as Mandiri sends some): only the dedupe rule keeps a row from being stored twice.
    const sim = mandiri.createAccount('MANDIRI', { days: 29, perDay: 3, withoutIds: true });
    const accountId = await connectByRedirect(user, sim.accountNo);
    const refreshes = mandiri.stats.customerTokenRefreshes;
    // The token ends at the second statement request: the first window's rows are fetched and held, not yet written.
    mandiri.injectFaults({ mode: 'expire_customer_token', count: 1, bank: 'MANDIRI', path: /bank-statement/, after: 1 });
    const sync = await user.client.post(`/api/bank/sync/${accountId}`);
    expect(sync.body).toMatchObject({ status: 'succeeded', new: sim.transactions.length });
    expect(mandiri.stats.customerTokenRefreshes).toBe(refreshes + 1);
    expect(await t.hub.models.BankTransaction.countDocuments({ accountId })).toBe(sim.transactions.length);
  });

  it('is renewed with the refresh token when the bank refuses it, and ahead of its stated end; the renewed one is stored', async () => {
    const user = await t.createUser();
    const sim = mandiri.createAccount('MANDIRI', { days: 2, name: 'RINA WATI' });
    const accountId = await connectByRedirect(user, sim.accountNo);
    const connection = async () => (await t.hub.models.BankConnection.findOne({ accountId }).lean())!;
    const first = await connection();
    expect(first.refreshTokenSealed).toBeTruthy();
    expect(first.accountTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    // Sealed at rest: neither token is stored as the bank sent it.
    expect(JSON.stringify(first)).not.toMatch(/"accountTokenSealed":"[A-Za-z0-9_-]{32}"/);

    // The bank ends the token (time passed at the bank): the hub's next call is refused, it renews and asks again.
    const refreshes = mandiri.stats.customerTokenRefreshes;
    const refusedBefore = mandiri.stats.rejected['4011402'] ?? 0;
    const allRefusals = () => Object.values(mandiri.stats.rejected).reduce((sum, n) => sum + n, 0);
    const allRefusedBefore = allRefusals();
    mandiri.expireCustomerTokens();
    await mandiri.addTransaction('MANDIRI', sim.accountNo, { amountMinor: 75_000_00, parts: ['TRSF E-BANKING CR', 'GAJI'] });
    const sync = await user.client.post(`/api/bank/sync/${accountId}`);
    expect(sync.body).toMatchObject({ status: 'succeeded' });
    expect(mandiri.stats.rejected['4011402']).toBe(refusedBefore + 1);
    // One refusal in the whole sync: the balance asked for after the statement goes with the renewed token too.
    expect(allRefusals()).toBe(allRefusedBefore + 1);
    expect(mandiri.stats.customerTokenRefreshes).toBe(refreshes + 1);
    const renewed = await connection();
    expect(renewed.status).toBe('active');
    expect(renewed.accountTokenSealed).not.toBe(first.accountTokenSealed);
    expect(renewed.refreshTokenSealed).not.toBe(first.refreshTokenSealed);
    const tx = (await user.client.get(`/api/bank/transactions/${accountId}`)).body.transactions as { amountMinor: number }[];
    expect(tx.filter((row) => row.amountMinor === 75_000_00)).toHaveLength(1);

    // Ahead of the end the bank stated (15 minutes), the hub renews before calling: nothing is refused.
    await clock.advance(15 * 60_000);
    const balance = await user.client.get(`/api/bank/balance/${accountId}`);
    expect(balance.body).toMatchObject({ source: 'bank', balanceMinor: sim.balanceMinor });
    expect(mandiri.stats.rejected['4011402']).toBe(refusedBefore + 1);
    expect(mandiri.stats.customerTokenRefreshes).toBe(refreshes + 2);
  });
});
