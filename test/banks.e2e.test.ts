/**
 * The banks capability through the real HTTP surface: sandbox BCA and BRI accounts connected (one step, and with the
 * OTP step), synced, read back (balances, filtered and paged transactions, masked numbers), synced again without
 * duplicates, a bank notification arriving within seconds, a forged one refused and stored nowhere, one user's
 * accounts invisible to another, category overrides, and disconnect with purge.
 */
import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapBankSandbox } from '../sandbox/snap-bank/index.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

let t: TestHub;
let bca: SnapBankSandbox;
let bri: SnapBankSandbox;

beforeAll(async () => {
  t = await startTestHub();
  bca = t.hub.sandboxes.bca!;
  bri = t.hub.sandboxes.bri!;
});
afterAll(async () => t?.stop());

const txCount = async (client: TestHub['admin'], accountId: string) => {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res: { body: { transactions: unknown[]; nextCursor: string | null } } = await client.get(`/api/bank/transactions/${accountId}?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    n += res.body.transactions.length;
    cursor = res.body.nextCursor;
  } while (cursor);
  return n;
};

describe('banks over HTTP', () => {
  it('lists the six banks, here all on the local simulator', async () => {
    const user = await t.createUser();
    const res = await user.client.get('/api/bank/providers');
    expect(res.status).toBe(200);
    expect(res.body.providers.map((p: { code: string }) => p.code)).toEqual(['BCA', 'MANDIRI', 'BNI', 'BRI', 'CIMB', 'DANAMON']);
    expect(res.body.providers.every((p: { mode: string; enabled: boolean }) => p.mode === 'sandbox' && p.enabled)).toBe(true);
    expect((await t.anonymous.get('/api/bank/providers')).status).toBe(401);
  });

  it('connects a BCA and a BRI account in one step, syncs them, and shows balances and transactions with masked numbers', async () => {
    const user = await t.createUser();
    const bcaAccount = bca.createAccount('BCA', { days: 12, name: 'SITI RAHAYU' });
    const briAccount = bri.createAccount('BRI', { days: 12, name: 'SITI RAHAYU' });

    const bad = await user.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: '12' });
    expect(bad.status).toBe(400);
    const unknown = await user.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: '9999999999' });
    expect(unknown.status).toBe(422);

    const c1 = await user.client.post('/api/bank/connect', { bank: 'bca', accountNumber: bcaAccount.accountNo, syncFrequency: 'daily' });
    expect(c1.status).toBe(201);
    expect(c1.body.account).toMatchObject({ bank: 'BCA', accountNumberMasked: `******${bcaAccount.accountNo.slice(-4)}`, status: 'active', syncFrequency: 'daily' });
    expect(JSON.stringify(c1.body)).not.toContain(bcaAccount.accountNo);
    const c2 = await user.client.post('/api/bank/connect', { bank: 'BRI', accountNumber: briAccount.accountNo });
    expect(c2.status).toBe(201);

    for (const [created, sim] of [
      [c1.body.account.id, bcaAccount],
      [c2.body.account.id, briAccount],
    ] as const) {
      const sync = await user.client.post(`/api/bank/sync/${created}`);
      expect(sync.status).toBe(200);
      expect(sync.body).toMatchObject({ status: 'succeeded', fetched: sim.transactions.length, new: sim.transactions.length, duplicates: 0, errors: 0 });
      const balance = await user.client.get(`/api/bank/balance/${created}`);
      expect(balance.body).toMatchObject({ balanceMinor: sim.balanceMinor, currency: 'IDR' });
      expect(await txCount(user.client, created)).toBe(sim.transactions.length);

      // Again: the overlap window brings the same entries, and nothing is added twice.
      const again = await user.client.post(`/api/bank/sync/${created}`);
      expect(again.body).toMatchObject({ status: 'succeeded', new: 0 });
      expect(again.body.duplicates).toBe(again.body.fetched);
      expect(await txCount(user.client, created)).toBe(sim.transactions.length);
    }

    const accounts = await user.client.get('/api/bank/accounts');
    expect(accounts.body.accounts.map((a: { bank: string }) => a.bank)).toEqual(['BCA', 'BRI']);
    expect(JSON.stringify(accounts.body)).not.toMatch(new RegExp(`${bcaAccount.accountNo}|${briAccount.accountNo}`));

    // Filters: debits only, between amounts, by text, and pages that neither skip nor repeat a row.
    const id = c2.body.account.id;
    const debits = await user.client.get(`/api/bank/transactions/${id}?type=debit&limit=200`);
    expect(debits.body.transactions.length).toBe(briAccount.transactions.filter((x) => x.amountMinor < 0).length);
    expect(debits.body.transactions.every((x: { amountMinor: number }) => x.amountMinor < 0)).toBe(true);
    const ranged = await user.client.get(`/api/bank/transactions/${id}?minAmount=5000000&maxAmount=100000000&limit=200`);
    const expected = briAccount.transactions.filter((x) => Math.abs(x.amountMinor) >= 5_000_000 && Math.abs(x.amountMinor) <= 100_000_000).length;
    expect(ranged.body.transactions.length).toBe(expected);
    const word = briAccount.transactions[0].parts[0].split(' ')[0];
    const byText = await user.client.get(`/api/bank/transactions/${id}?text=${encodeURIComponent(word.toLowerCase())}&limit=200`);
    expect(byText.body.transactions.length).toBeGreaterThan(0);
    expect(byText.body.transactions.every((x: { description: string }) => x.description.toLowerCase().includes(word.toLowerCase()))).toBe(true);
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { body: { transactions: { id: string; bookedAt: string }[]; nextCursor: string | null } } = await user.client.get(`/api/bank/transactions/${id}?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      for (const row of page.body.transactions) {
        expect(seen.has(row.id)).toBe(false);
        seen.add(row.id);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(briAccount.transactions.length);
    const lastDay = briAccount.transactions[briAccount.transactions.length - 1];
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(lastDay.at);
    const oneDay = await user.client.get(`/api/bank/transactions/${id}?from=${day}&to=${day}&limit=200`);
    expect(oneDay.body.transactions.length).toBeGreaterThan(0);
    expect(oneDay.body.transactions.every((x: { date: string }) => x.date === day)).toBe(true);
    expect((await user.client.get(`/api/bank/transactions/${id}?from=2026-02-30`)).status).toBe(400);
    expect((await user.client.get(`/api/bank/transactions/${id}?cursor=garbage`)).status).toBe(400);
  });

  it('connects and syncs without printing deprecation warnings to the console (first run of npm start)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const user = await t.createUser();
      const connected = await user.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: '0611104625', syncFrequency: 'manual' });
      expect(connected.status, JSON.stringify(connected.body)).toBe(201);
      const sync = await user.client.post(`/api/bank/sync/${connected.body.account.id}`);
      expect(sync.status, JSON.stringify(sync.body)).toBe(200);
      // 'warning' is emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => /mongoose/i.test(w))).toEqual([]);
  });

  it('with the OTP step: nothing is connected until the holder’s code is confirmed', async () => {
    const user = await t.createUser();
    const sim = bca.createAccount('BCA', { days: 3 });
    const pending = await user.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: sim.accountNo, consent: 'otp', name: 'Tabungan keluarga', syncFrequency: 'weekly' });
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({ status: 'otp_required', bank: 'BCA', accountNumberMasked: `******${sim.accountNo.slice(-4)}` });
    expect((await user.client.get('/api/bank/accounts')).body.accounts).toEqual([]);
    const other = await t.createUser();
    const otp = bca.otpFor('BCA', sim.accountNo)!;
    expect((await other.client.post(`/api/bank/connect/${pending.body.consentId}/otp`, { otp })).status).toBe(404);
    const wrong = await user.client.post(`/api/bank/connect/${pending.body.consentId}/otp`, { otp: otp === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    const ok = await user.client.post(`/api/bank/connect/${pending.body.consentId}/otp`, { otp });
    expect(ok.status).toBe(201);
    // The name and sync frequency asked for at connect are the account's once the holder confirmed.
    expect(ok.body.account).toMatchObject({ bank: 'BCA', status: 'active', name: 'Tabungan keluarga', syncFrequency: 'weekly' });
    expect((await user.client.get('/api/bank/accounts')).body.accounts).toHaveLength(1);
  });

  it('a bank notification shows up within seconds; a forged one is refused and stored nowhere', async () => {
    const user = await t.createUser();
    const sim = bri.createAccount('BRI', { days: 2 });
    const connected = await user.client.post('/api/bank/connect', { bank: 'BRI', accountNumber: sim.accountNo });
    const id = connected.body.account.id;
    await user.client.post(`/api/bank/sync/${id}`);
    const before = await txCount(user.client, id);

    const started = Date.now();
    const tx = await bri.addTransaction('BRI', sim.accountNo, { amountMinor: 250_000_00, parts: ['BI-FAST CR', 'GAJI PT MAJU JAYA'] });
    const after = await eventually(() => user.client.get(`/api/bank/transactions/${id}?limit=1`), (r) => r.body.transactions[0]?.description?.includes('GAJI PT MAJU JAYA'), 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(after.body.transactions[0]).toMatchObject({ amountMinor: 250_000_00, source: 'notification', category: 'income:salary' });
    // The stored available balance moves with the ledger balance the notification states (this account has no holds).
    const stored = (await t.hub.models.BankAccount.findById(id).lean())!;
    expect(stored.balanceMinor).toBe(tx.balanceAfterMinor);
    expect(stored.availableBalanceMinor).toBe(tx.balanceAfterMinor);
    expect((await user.client.get(`/api/bank/balance/${id}`)).body.balanceMinor).toBe(tx.balanceAfterMinor);
    expect(await txCount(user.client, id)).toBe(before + 1);
    // The sync after it brings the same entry: still one row.
    const sync = await user.client.post(`/api/bank/sync/${id}`);
    expect(sync.body.new).toBe(0);
    expect(await txCount(user.client, id)).toBe(before + 1);

    // Forged: signed with a key that is not the bank's.
    const inboxBefore = (await t.admin.get('/api/admin/webhooks?provider=bank&limit=100')).body.events.length;
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const body = JSON.stringify({ notificationType: 'ACCOUNT_MUTATION', bankCode: 'BRI', accountNo: sim.accountNo, transaction: { amount: { value: '99000000.00', currency: 'IDR' }, transactionDate: new Date().toISOString().replace('Z', '+00:00'), remark: 'FORGED CREDIT', type: 'CREDIT', transactionId: 'FORGED-1' } });
    const timestamp = new Date().toISOString().replace(/\.\d+Z$/, '+00:00');
    const signature = createSign('RSA-SHA256').update(`POST:/webhooks/bank/bri:${createHash('sha256').update(body).digest('hex')}:${timestamp}`).sign(forger.privateKey, 'base64');
    const forged = await t.anonymous.post('/webhooks/bank/bri', JSON.parse(body), { 'X-TIMESTAMP': timestamp, 'X-SIGNATURE': signature, 'X-EXTERNAL-ID': '123456' });
    expect(forged.status).toBe(401);
    expect(forged.body.responseCode).toBe('4010000');
    const unsigned = await t.anonymous.post('/webhooks/bank/bri', JSON.parse(body), { 'X-TIMESTAMP': timestamp });
    expect(unsigned.status).toBe(401);
    expect((await t.anonymous.post('/webhooks/bank/nosuchbank', JSON.parse(body), { 'X-TIMESTAMP': timestamp, 'X-SIGNATURE': signature })).status).toBe(401);
    expect((await t.admin.get('/api/admin/webhooks?provider=bank&limit=100')).body.events.length).toBe(inboxBefore);
    expect(await txCount(user.client, id)).toBe(before + 1);
  });

  it('refuses a signed notification whose transaction is malformed: 400 naming the field, stored nowhere', async () => {
    const sim = bri.createAccount('BRI', { days: 1 });
    const inboxBefore = (await t.admin.get('/api/admin/webhooks?provider=bank&limit=100')).body.events.length;
    // Signed by the bank, so it reaches the body checks; SNAP writes amounts as text, never as a number.
    const sent = await bri.sendNotification('BRI', { notificationType: 'ACCOUNT_MUTATION', bankCode: 'BRI', accountNo: sim.accountNo, transaction: { amount: { value: 250000, currency: 'IDR' }, transactionDate: new Date().toISOString(), type: 'CREDIT', transactionId: 'MALFORMED-1' } });
    expect(sent).toBe(false);
    const attempts = bri.notifications.filter((d) => d.label === 'BRI manual');
    expect(attempts.length).toBeGreaterThan(0);
    for (const attempt of attempts) {
      expect(attempt.httpStatus).toBe(400);
      expect(JSON.parse(attempt.answer!)).toMatchObject({ responseCode: '4000000', responseMessage: expect.stringMatching(/transaction\.amount\.value: .*expected string/) });
    }
    expect((await t.admin.get('/api/admin/webhooks?provider=bank&limit=100')).body.events.length).toBe(inboxBefore);
  });

  it('keeps one user’s accounts from another: 404 for every operation', async () => {
    const owner = await t.createUser();
    const stranger = await t.createUser();
    const sim = bca.createAccount('BCA', { days: 2 });
    const id = (await owner.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: sim.accountNo })).body.account.id;
    expect((await stranger.client.get(`/api/bank/balance/${id}`)).status).toBe(404);
    expect((await stranger.client.get(`/api/bank/transactions/${id}`)).status).toBe(404);
    expect((await stranger.client.post(`/api/bank/sync/${id}`)).status).toBe(404);
    expect((await stranger.client.request<any>('PATCH', `/api/bank/accounts/${id}`, { syncFrequency: 'hourly' })).status).toBe(404);
    expect((await stranger.client.delete(`/api/bank/disconnect/${id}`)).status).toBe(404);
    expect((await stranger.client.get('/api/bank/accounts')).body.accounts).toEqual([]);
    // Connecting the same bank account is the stranger's own consent at the bank: a separate account of theirs.
    const theirs = await stranger.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: sim.accountNo });
    expect(theirs.body.account.id).not.toBe(id);
    expect((await owner.client.get(`/api/bank/balance/${id}`)).status).toBe(200);
  });

  it('asks the bank for the balance now and stores it; a failing bank gives the stored figure marked stale (200), another user 404', async () => {
    // Mandiri: no other test in this file uses it, so its circuit breaker opening here harms nobody.
    const mandiri = t.hub.sandboxes.mandiri!;
    const owner = await t.createUser();
    const stranger = await t.createUser();
    const sim = mandiri.createAccount('MANDIRI', { days: 3 });
    const id = (await owner.client.post('/api/bank/connect', { bank: 'MANDIRI', accountNumber: sim.accountNo })).body.account.id;

    // Never synced: nothing stored, and still a figure, from the bank.
    const first = await owner.client.get(`/api/bank/balance/${id}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accountId: id, source: 'bank', stale: false, staleReason: null, balanceMinor: sim.balanceMinor, currency: 'IDR' });

    // The bank's figure moves without a notification (a branch deposit): the route shows the bank's figure, not the
    // stored one, and keeps it.
    sim.balanceMinor += 1_250_000_00;
    const live = await owner.client.get(`/api/bank/balance/${id}`);
    expect(live.body).toMatchObject({ source: 'bank', stale: false, balanceMinor: sim.balanceMinor, availableBalanceMinor: sim.balanceMinor });
    const listed = (await owner.client.get('/api/bank/accounts')).body.accounts.find((a: { id: string }) => a.id === id);
    expect(listed).toMatchObject({ balanceMinor: sim.balanceMinor, balanceAt: live.body.asOf });

    // The bank fails every attempt the client makes (503, retried twice): 200 with the stored figure, marked stale,
    // with the time the bank stated it.
    mandiri.injectFaults({ mode: 'http503', count: 3, bank: 'MANDIRI', path: /balance-inquiry/ });
    const stored = sim.balanceMinor;
    sim.balanceMinor += 1_00;
    const down = await owner.client.get(`/api/bank/balance/${id}`);
    mandiri.clearFaults();
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ source: 'stored', stale: true, balanceMinor: stored, asOf: live.body.asOf });
    expect(down.body.staleReason).toMatch(/no live answer from the bank/);
    expect(JSON.stringify(down.body)).not.toContain(sim.accountNo);

    expect((await stranger.client.get(`/api/bank/balance/${id}`)).status).toBe(404);
    expect((await stranger.client.get('/api/bank/balance/not-an-id')).status).toBe(400);
  });

  it('a category override recategorises existing rows and new ones', async () => {
    const user = await t.createUser();
    const sim = bri.createAccount('BRI', { days: 1, transactions: [] });
    const id = (await user.client.post('/api/bank/connect', { bank: 'BRI', accountNumber: sim.accountNo })).body.account.id;
    await bri.addTransaction('BRI', sim.accountNo, { amountMinor: -45_000_00, parts: ['QRIS', 'BENGKEL JAYA MOTOR'] });
    await eventually(() => user.client.get(`/api/bank/transactions/${id}`), (r) => r.body.transactions.length === 1, 5000);
    const saved = await user.client.request<any>('PUT', '/api/bank/category-overrides', { match: 'bengkel jaya motor', category: 'transport' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ match: 'bengkel jaya motor', category: 'transport', recategorized: 1 });
    await bri.addTransaction('BRI', sim.accountNo, { amountMinor: -30_000_00, parts: ['QRIS', 'BENGKEL-JAYA-MOTOR 2'] });
    const rows = await eventually(() => user.client.get(`/api/bank/transactions/${id}`), (r) => r.body.transactions.length === 2, 5000);
    expect(rows.body.transactions.map((x: { category: string }) => x.category)).toEqual(['transport', 'transport']);
    expect((await user.client.request<any>('PUT', '/api/bank/category-overrides', { match: 'x', category: 'food_drink' })).status).toBe(400);
    expect((await user.client.request<any>('PUT', '/api/bank/category-overrides', { match: 'bengkel', category: 'not-a-category' })).status).toBe(400);
  });

  it('disconnect revokes consent, keeps history unless purged, and the account can no longer sync', async () => {
    const user = await t.createUser();
    const sim = bca.createAccount('BCA', { days: 3 });
    const id = (await user.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: sim.accountNo })).body.account.id;
    await user.client.post(`/api/bank/sync/${id}`);
    const kept = await user.client.delete(`/api/bank/disconnect/${id}`);
    expect(kept.body).toEqual({ accountId: id, status: 'disconnected', purgedTransactions: 0 });
    expect(await txCount(user.client, id)).toBe(sim.transactions.length);
    expect((await user.client.post(`/api/bank/sync/${id}`)).status).toBe(409);

    const id2 = (await user.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: sim.accountNo })).body.account.id;
    expect(id2).toBe(id);
    const purged = await user.client.delete(`/api/bank/disconnect/${id}?purge=true`);
    expect(purged.body.purgedTransactions).toBe(sim.transactions.length);
    expect(await txCount(user.client, id)).toBe(0);
  });

  it('answers the bank chat commands with the same services (terminal client endpoint)', async () => {
    const user = await t.createUser();
    const sim = bri.createAccount('BRI', { days: 2 });
    const say = async (text: string) => {
      const res = await user.client.post<{ replies: { blocks: { type: string; text?: string; rows?: string[][]; fields?: { value: string }[] }[] }[] }>('/api/chat/message', { text });
      expect(res.status).toBe(200);
      return JSON.stringify(res.body.replies);
    };
    expect(await say(`/connect BRI ${sim.accountNo}`)).toContain(`*${sim.accountNo.slice(-4)}`);
    expect(await say('/sync')).toMatch(new RegExp(`${sim.transactions.length} (transaksi dibaca|read)`));
    const accounts = await say('/accounts');
    expect(accounts).toContain('BRI');
    expect(accounts).not.toContain(sim.accountNo);
    expect(await say(`/balance ${sim.accountNo.slice(-4)}`)).toContain('Rp');
    const latest = sim.transactions[sim.transactions.length - 1];
    expect(await say('/transactions 1')).toContain(latest.parts[0].slice(0, 8));
  });

  it('documents its routes and reports sync outcomes in /metrics', async () => {
    const doc = await t.anonymous.get('/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/bank/providers', '/api/bank/connect', '/api/bank/connect/{consentId}/otp', '/api/bank/accounts', '/api/bank/balance/{accountId}', '/api/bank/transactions/{accountId}', '/api/bank/sync/{accountId}', '/api/bank/disconnect/{accountId}', '/api/bank/category-overrides']),
    );
    const metrics = await t.admin.get('/metrics');
    const text = typeof metrics.body === 'string' ? metrics.body : JSON.stringify(metrics.body);
    expect(text).toMatch(/hub_bank_syncs_total\{bank="BCA",trigger="manual",result="succeeded"\} \d+/);
    expect(text).toMatch(/hub_bank_sync_success_ratio_24h\{bank="BRI"\} 1/);
  });
});
