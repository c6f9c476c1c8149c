/**
 * Redirect consent through the real HTTP surface: a bank that asks its holder on its own page (Mandiri and CIMB
 * in the simulator). POST /api/bank/connect answers with the bank's page; the test is the holder's browser: it opens
 * the page, approves, and follows the bank's redirect back to the hub's callback, which exchanges the code and
 * connects the account. The state in that link is bound to the user's pending consent, works once, and expires (the
 * hub's clock is a ManualClock); a wrong or replayed state connects nothing.
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

/** The holder in a browser: opens the bank's page, answers it, and gets the bank's redirect back (not yet followed). */
async function atTheBank(authorizationUrl: string, decision: 'approve' | 'decline') {
  const shown = await fetch(authorizationUrl);
  expect(shown.status).toBe(200);
  const html = await shown.text();
  const answered = await fetch(authorizationUrl, { method: 'POST', body: new URLSearchParams({ decision }), redirect: 'manual' });
  expect(answered.status).toBe(302);
  return { html, back: new URL(answered.headers.get('location')!) };
}

const browserGet = async (url: URL | string) => {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, html: await res.text(), headers: res.headers };
};

describe('redirect consent (bank asks on its own page)', () => {
  it('the providers list says which banks ask by redirect', async () => {
    const user = await t.createUser();
    const providers = (await user.client.get('/api/bank/providers')).body.providers as { code: string; consent: string }[];
    expect(Object.fromEntries(providers.map((p) => [p.code, p.consent]))).toEqual({ BCA: 'otp', MANDIRI: 'redirect', BNI: 'otp', BRI: 'otp', CIMB: 'redirect', DANAMON: 'otp' });
  });

  it('connects only after the holder approves at the bank and the bank sends them back; the link works once', async () => {
    const user = await t.createUser();
    const stranger = await t.createUser();
    const sim = mandiri.createAccount('MANDIRI', { days: 3, name: 'DEWI LESTARI' });

    const wrongWay = await user.client.post('/api/bank/connect', { bank: 'MANDIRI', accountNumber: sim.accountNo, consent: 'otp' });
    expect(wrongWay.status).toBe(400);
    expect(wrongWay.body.error.details.issues[0]).toMatchObject({ field: 'consent' });

    const started = await user.client.post('/api/bank/connect', { bank: 'MANDIRI', accountNumber: sim.accountNo, consent: 'redirect', name: 'Livin gaji', syncFrequency: 'hourly' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'redirect_required', bank: 'MANDIRI', accountNumberMasked: `********${sim.accountNo.slice(-4)}` });
    expect(started.body.authorizationUrl.startsWith(mandiri.baseUrlFor('MANDIRI'))).toBe(true);
    expect(JSON.stringify(started.body)).not.toContain(sim.accountNo);
    const consentId = started.body.consentId as string;
    expect((await user.client.get(`/api/bank/connect/${consentId}`)).body).toMatchObject({ consentId, bank: 'MANDIRI', kind: 'redirect', status: 'pending', account: null });
    expect((await stranger.client.get(`/api/bank/connect/${consentId}`)).status).toBe(404);
    // An OTP cannot finish a redirect consent.
    expect((await user.client.post(`/api/bank/connect/${consentId}/otp`, { otp: '123456' })).status).toBe(404);
    // Nothing is connected before the holder approves.
    expect((await user.client.get('/api/bank/accounts')).body.accounts).toEqual([]);

    const { html, back } = await atTheBank(started.body.authorizationUrl, 'approve');
    expect(html).toContain('DEWI LESTARI');
    expect(back.origin + back.pathname).toBe(`${t.url}/webhooks/bank/mandiri/consent`);
    const authCode = back.searchParams.get('authCode')!;
    const state = back.searchParams.get('state')!;
    expect(authCode).toBeTruthy();
    expect(state.length).toBeGreaterThanOrEqual(43);

    // Not the state the hub gave for this consent: nothing happens (and the real link still works afterwards).
    const forged = new URL(back);
    forged.searchParams.set('state', `${state.slice(0, -4)}AAAA`);
    expect((await browserGet(forged)).status).toBe(404);
    // The same link under another bank's path is not this consent either.
    expect((await browserGet(back.toString().replace('/bank/mandiri/', '/bank/cimb/'))).status).toBe(404);
    const noState = new URL(back);
    noState.searchParams.delete('state');
    expect((await browserGet(noState)).status).toBe(400);
    expect((await user.client.get('/api/bank/accounts')).body.accounts).toEqual([]);

    const done = await browserGet(back);
    expect(done.status).toBe(200);
    expect(done.headers.get('content-type')).toMatch(/text\/html/);
    expect(done.headers.get('cache-control')).toBe('no-store');
    expect(done.headers.get('referrer-policy')).toBe('no-referrer');
    expect(done.html).toContain('Connected');
    expect(done.html).not.toContain(sim.accountNo);

    const accounts = (await user.client.get('/api/bank/accounts')).body.accounts;
    expect(accounts).toHaveLength(1);
    // With the name and sync frequency the connect request asked for.
    expect(accounts[0]).toMatchObject({ bank: 'MANDIRI', status: 'active', accountNumberMasked: `********${sim.accountNo.slice(-4)}`, name: 'Livin gaji', syncFrequency: 'hourly' });
    const consent = (await user.client.get(`/api/bank/connect/${consentId}`)).body;
    expect(consent).toMatchObject({ status: 'connected', account: { id: accounts[0].id } });
    // The consent is real: the bank lets the hub read the account with the token it issued.
    const sync = await user.client.post(`/api/bank/sync/${accounts[0].id}`);
    expect(sync.body).toMatchObject({ status: 'succeeded', new: sim.transactions.length });
    expect((await user.client.get(`/api/bank/balance/${accounts[0].id}`)).body).toMatchObject({ source: 'bank', balanceMinor: sim.balanceMinor });

    // The link again (a reload, or someone who saw it): used, nothing more happens.
    const replay = await browserGet(back);
    expect(replay.status).toBe(404);
    expect((await user.client.get('/api/bank/accounts')).body.accounts).toHaveLength(1);
    expect((await stranger.client.get('/api/bank/accounts')).body.accounts).toEqual([]);
  });

  it('a holder who declines at the bank connects nothing, and the consent says so', async () => {
    const user = await t.createUser();
    const sim = mandiri.createAccount('MANDIRI', { days: 1 });
    const started = await user.client.post('/api/bank/connect', { bank: 'MANDIRI', accountNumber: sim.accountNo, consent: 'redirect', name: 'Livin gaji', syncFrequency: 'hourly' });
    const { back } = await atTheBank(started.body.authorizationUrl, 'decline');
    expect(back.searchParams.get('authCode')).toBeNull();
    const page = await browserGet(back);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Not connected');
    expect((await user.client.get(`/api/bank/connect/${started.body.consentId}`)).body).toMatchObject({ status: 'failed', reason: expect.stringMatching(/did not approve/) });
    expect((await user.client.get('/api/bank/accounts')).body.accounts).toEqual([]);
  });

  it('a link that comes back after the consent expired connects nothing', async () => {
    const user = await t.createUser();
    const sim = mandiri.createAccount('MANDIRI', { days: 1 });
    const started = await user.client.post('/api/bank/connect', { bank: 'MANDIRI', accountNumber: sim.accountNo, consent: 'redirect', name: 'Livin gaji', syncFrequency: 'hourly' });
    const { back } = await atTheBank(started.body.authorizationUrl, 'approve');
    await clock.advance(11 * 60_000);
    expect((await user.client.get(`/api/bank/connect/${started.body.consentId}`)).body).toMatchObject({ status: 'expired' });
    const late = await browserGet(back);
    expect(late.status).toBe(422);
    expect(late.html).toContain('expired');
    expect((await user.client.get(`/api/bank/connect/${started.body.consentId}`)).body).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expired/) });
    expect((await user.client.get('/api/bank/accounts')).body.accounts).toEqual([]);
  });

  it('in the one-step demo a redirect bank also connects at once when no consent step is asked for', async () => {
    const user = await t.createUser();
    const sim = t.hub.sandboxes.cimb!.createAccount('CIMB', { days: 1 });
    const res = await user.client.post('/api/bank/connect', { bank: 'CIMB', accountNumber: sim.accountNo });
    expect(res.status).toBe(201);
    expect(res.body.account).toMatchObject({ bank: 'CIMB', status: 'active' });
  });
});
