/**
 * The SNAP client's resilience against injected failures in the bank simulator: timeouts, 5xx and 429 retried for
 * reads only, an expired token refreshed exactly once, refused credentials never retried, typed errors for unknown
 * and inactive accounts, the breaker opening for one bank without touching another, token caching, OTP binding,
 * binding on the bank's own page with a single-use auth code.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSnapBankSandbox, type SimAccount, type SnapBankSandbox } from '../../../../../sandbox/snap-bank/index.js';
import { BANK_PROFILES } from '../profiles.js';
import { SnapClient, readStatementEntry, type SnapClientOptions } from './client.js';
import { SnapError, parseResponseCode } from './errors.js';
import type { BankCode } from './types.js';

const hubKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = hubKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const credentials = { clientKey: 'hub-client', clientSecret: 'hub-secret-value', privateKey, partnerId: 'HUBCORP01' };
let sandbox: SnapBankSandbox;
const clients: SnapClient[] = [];

beforeAll(async () => {
  sandbox = await startSnapBankSandbox({ partner: { clientKey: credentials.clientKey, clientSecret: credentials.clientSecret, publicKey: hubKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), partnerId: credentials.partnerId }, seed: 'client' });
});
afterEach(() => {
  sandbox.clearFaults();
  sandbox.setBindingMode('auto');
});
afterAll(async () => {
  for (const c of clients) c.shutdown();
  await sandbox?.stop();
});

function clientFor(bank: BankCode, over: Partial<SnapClientOptions> = {}) {
  const client = new SnapClient({ profile: BANK_PROFILES[bank], baseUrl: sandbox.baseUrlFor(bank), credentials, timeoutMs: 400, retries: 2, retryDelayMs: 5, ...over });
  clients.push(client);
  return client;
}

async function boundAccount(bank: BankCode, client: SnapClient, status: 'active' | 'inactive' = 'active'): Promise<{ account: SimAccount; accountToken: string }> {
  const account = sandbox.createAccount(bank, { days: 3, status: 'active' });
  const bound = await client.bindAccount({ accountNo: account.accountNo });
  if (bound.status !== 'bound') throw new Error('expected an immediate binding');
  account.status = status;
  return { account, accountToken: bound.accountToken };
}

const requestsDuring = async (fn: () => Promise<unknown>) => {
  const before = sandbox.stats.serviceRequests;
  const attemptsBefore = sandbox.stats.attempts;
  const outcome = await fn().then(
    (value) => ({ value, error: undefined as unknown }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, requests: sandbox.stats.serviceRequests - before, attempts: sandbox.stats.attempts - attemptsBefore };
};

describe('responseCode', () => {
  it('splits into HTTP status, service code and case code', () => {
    expect(parseResponseCode('4041411')).toEqual({ httpStatus: 404, serviceCode: '14', caseCode: '11' });
    expect(parseResponseCode('200')).toBeUndefined();
  });
});

describe('retries and timeouts', () => {
  it('a hung bank times out as a typed, retryable timeout', async () => {
    const client = clientFor('BCA', { retries: 0 });
    const { account, accountToken } = await boundAccount('BCA', client);
    sandbox.injectFaults({ mode: 'hang', count: 1, bank: 'BCA', delayMs: 5000 });
    const started = Date.now();
    const { error } = await requestsDuring(() => client.balanceInquiry({ accountNo: account.accountNo, accountToken }));
    expect(error).toBeInstanceOf(SnapError);
    expect(error).toMatchObject({ kind: 'timeout', code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a read that hits a slow answer and then 5xx is retried until it succeeds', async () => {
    const client = clientFor('BRI');
    const { account, accountToken } = await boundAccount('BRI', client);
    sandbox.injectFaults({ mode: 'hang', count: 1, bank: 'BRI', delayMs: 2000 });
    sandbox.injectFaults({ mode: 'http500', count: 1, bank: 'BRI' });
    const { value, requests, attempts } = await requestsDuring(() => client.balanceInquiry({ accountNo: account.accountNo, accountToken }));
    expect(value).toMatchObject({ balanceMinor: account.balanceMinor });
    // Hung, 500, then the success: three attempts, and only the last reached the service.
    expect(attempts).toBe(3);
    expect(requests).toBe(1);
  });

  it('5xx that outlasts the retries ends as a general error with the bank code', async () => {
    const client = clientFor('MANDIRI');
    const { account, accountToken } = await boundAccount('MANDIRI', client);
    sandbox.injectFaults({ mode: 'http503', count: 10, bank: 'MANDIRI' });
    const { error, attempts } = await requestsDuring(() => client.balanceInquiry({ accountNo: account.accountNo, accountToken }));
    expect(error).toMatchObject({ kind: 'general_error', retryable: true, responseCode: { raw: '5001101' } });
    expect(attempts).toBe(3);
  });

  it('429 is retried and honoured', async () => {
    const client = clientFor('BNI');
    const { account, accountToken } = await boundAccount('BNI', client);
    sandbox.injectFaults({ mode: 'http429', count: 1, bank: 'BNI' });
    await expect(client.balanceInquiry({ accountNo: account.accountNo, accountToken })).resolves.toMatchObject({ accountNo: account.accountNo });
    sandbox.injectFaults({ mode: 'http429', count: 5, bank: 'BNI' });
    await expect(client.balanceInquiry({ accountNo: account.accountNo, accountToken })).rejects.toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 1 });
  });

  it('a garbled success body is a general error, never an empty success', async () => {
    const client = clientFor('CIMB', { retries: 0 });
    const { account, accountToken } = await boundAccount('CIMB', client);
    sandbox.injectFaults({ mode: 'bad_json', count: 1, bank: 'CIMB' });
    await expect(client.balanceInquiry({ accountNo: account.accountNo, accountToken })).rejects.toMatchObject({ kind: 'general_error' });
  });

  it('a success whose amount is not text is a typed bad_response naming the field, not a crash', async () => {
    const client = clientFor('CIMB', { retries: 0 });
    const { account, accountToken } = await boundAccount('CIMB', client);
    // SNAP writes amounts as text ("10000.00"); the kit's `malformed` fault puts a number there.
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ mode: 'malformed', count: 1, paths: '^/cimb/.*balance-inquiry', field: 'accountInfos.0.amount.value', value: 1500000 }) });
    const { error } = await requestsDuring(() => client.balanceInquiry({ accountNo: account.accountNo, accountToken }));
    expect(error).toBeInstanceOf(SnapError);
    expect(error).toMatchObject({
      kind: 'bad_response',
      code: 'PROVIDER_BAD_RESPONSE',
      message: expect.stringContaining('accountInfos.0.amount.value'),
      details: { bank: 'CIMB', issues: [{ field: 'accountInfos.0.amount.value', reason: expect.stringContaining('expected string') }] },
    });
    expect(JSON.stringify((error as SnapError).details)).not.toContain(account.accountNo);
    await expect(client.balanceInquiry({ accountNo: account.accountNo, accountToken })).resolves.toMatchObject({ accountNo: account.accountNo });
  });

  it('binding is one-shot: a 500 on it is not repeated', async () => {
    const client = clientFor('DANAMON');
    const account = sandbox.createAccount('DANAMON', { days: 1 });
    sandbox.injectFaults({ mode: 'http500', count: 1, bank: 'DANAMON' });
    const { error, attempts } = await requestsDuring(() => client.bindAccount({ accountNo: account.accountNo }));
    expect(error).toMatchObject({ kind: 'general_error' });
    expect(attempts).toBe(1);
    await expect(client.bindAccount({ accountNo: account.accountNo })).resolves.toMatchObject({ status: 'bound' });
  });
});

describe('access token', () => {
  it('is reused across calls and shared by concurrent calls', async () => {
    const client = clientFor('BCA');
    const { account, accountToken } = await boundAccount('BCA', client);
    await Promise.all([1, 2, 3].map(() => client.balanceInquiry({ accountNo: account.accountNo, accountToken })));
    expect(client.tokensIssued).toBe(1);
  });

  it('is renewed shortly before the bank says it expires', async () => {
    let now = Date.now();
    const client = clientFor('BRI', { now: () => new Date(now), tokenRefreshMarginMs: 60_000 });
    const { account, accountToken } = await boundAccount('BRI', client);
    now += 800_000; // 900 s token, 60 s margin: still fine
    await client.balanceInquiry({ accountNo: account.accountNo, accountToken });
    expect(client.tokensIssued).toBe(1);
    now += 50_000; // inside the margin
    await client.balanceInquiry({ accountNo: account.accountNo, accountToken });
    expect(client.tokensIssued).toBe(2);
  });

  it('an expired token is refreshed once and the call retried', async () => {
    const client = clientFor('MANDIRI');
    const { account, accountToken } = await boundAccount('MANDIRI', client);
    sandbox.injectFaults({ mode: 'expire_token', count: 1, bank: 'MANDIRI' });
    const { value, requests } = await requestsDuring(() => client.balanceInquiry({ accountNo: account.accountNo, accountToken }));
    expect(value).toMatchObject({ balanceMinor: account.balanceMinor });
    expect(requests).toBe(2);
    expect(client.tokensIssued).toBe(2);
  });

  it('a token refused again right after refreshing is unauthorized, and not retried further', async () => {
    const client = clientFor('BNI');
    const { account, accountToken } = await boundAccount('BNI', client);
    sandbox.injectFaults({ mode: 'expire_token', count: 10, bank: 'BNI' });
    const { error, requests } = await requestsDuring(() => client.balanceInquiry({ accountNo: account.accountNo, accountToken }));
    expect(error).toMatchObject({ kind: 'unauthorized', code: 'PROVIDER_REJECTED', retryable: false });
    expect(requests).toBe(2);
    expect(client.tokensIssued).toBe(2);
  });

  it('a wrong private key is refused at the token step; a wrong client secret at the service step; neither retried', async () => {
    const wrongKey = clientFor('BCA', { credentials: { ...credentials, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } });
    const account = sandbox.createAccount('BCA', { days: 1 });
    const tokensBefore = sandbox.stats.tokenRequests;
    await expect(wrongKey.bindAccount({ accountNo: account.accountNo })).rejects.toMatchObject({ kind: 'unauthorized', responseCode: { raw: '4017300' } });
    expect(sandbox.stats.tokenRequests - tokensBefore).toBe(1);

    const wrongSecret = clientFor('BCA', { credentials: { ...credentials, clientSecret: 'not-the-secret' } });
    const { error, requests } = await requestsDuring(() => wrongSecret.balanceInquiry({ accountNo: account.accountNo }));
    expect(error).toMatchObject({ kind: 'unauthorized', responseCode: { raw: '4011100' } });
    expect(requests).toBe(1);
  });
});

describe('account errors', () => {
  it('an unknown account is invalid_account (422 for the user), not retried', async () => {
    const client = clientFor('BRI');
    const { error, requests } = await requestsDuring(() => client.bindAccount({ accountNo: '999999999999999' }));
    expect(error).toMatchObject({ kind: 'invalid_account', code: 'UNPROCESSABLE', responseCode: { httpStatus: 404, serviceCode: '07', caseCode: '11' } });
    expect(requests).toBe(1);
  });

  it('an inactive account is inactive_account', async () => {
    const client = clientFor('CIMB');
    const { account, accountToken } = await boundAccount('CIMB', client, 'inactive');
    await expect(client.balanceInquiry({ accountNo: account.accountNo, accountToken })).rejects.toMatchObject({ kind: 'inactive_account', responseCode: { raw: '4031118' } });
  });

  it('a read without the account holder’s consent token is refused', async () => {
    const client = clientFor('DANAMON');
    const account = sandbox.createAccount('DANAMON', { days: 1 });
    // ASPI 401xx04, customer token not found: the holder's token, not the partner's credentials.
    await expect(client.balanceInquiry({ accountNo: account.accountNo })).rejects.toMatchObject({ kind: 'invalid_customer_token', responseCode: { raw: '4011104' } });
  });
});

describe('consent with OTP', () => {
  it('binding waits for the OTP; a wrong OTP is refused; the right one yields the account token', async () => {
    sandbox.setBindingMode('otp');
    const client = clientFor('BCA');
    const account = sandbox.createAccount('BCA', { days: 1, name: 'RIZKY PRATAMA' });
    const started = await client.bindAccount({ accountNo: account.accountNo });
    expect(started.status).toBe('otp_required');
    const referenceNo = started.referenceNo;
    const otp = sandbox.otpFor('BCA', account.accountNo)!;
    await expect(client.verifyBindingOtp({ referenceNo, otp: otp === '000000' ? '111111' : '000000' })).rejects.toMatchObject({ kind: 'bad_request' });
    const bound = await client.verifyBindingOtp({ referenceNo, otp });
    expect(bound.accountName).toBe('RIZKY PRATAMA');
    await expect(client.balanceInquiry({ accountNo: account.accountNo, accountToken: bound.accountToken })).resolves.toMatchObject({ balanceMinor: account.balanceMinor });
    await client.unbindAccount({ accountToken: bound.accountToken });
    // Unbound: the bank no longer knows the token (401xx04), which the hub reads as consent ended.
    await expect(client.balanceInquiry({ accountNo: account.accountNo, accountToken: bound.accountToken })).rejects.toMatchObject({ kind: 'invalid_customer_token' });
  });
});

describe('consent on the bank\'s page (redirect)', () => {
  it('binding answers with the bank\'s page; the auth code it sends back is exchanged once for the account token', async () => {
    sandbox.setBindingMode('otp');
    const client = clientFor('CIMB');
    const account = sandbox.createAccount('CIMB', { days: 1, name: 'AGUS SETIAWAN' });
    const returnUrl = 'http://127.0.0.1:9/back?from=test';
    await expect(client.bindAccount({ accountNo: account.accountNo, askOtp: true })).rejects.toMatchObject({ kind: 'bad_request' });
    const started = await client.bindAccount({ accountNo: account.accountNo, redirect: { url: returnUrl, state: 'state-0123456789abcdef' } });
    expect(started).toMatchObject({ status: 'redirect', redirectUrl: expect.stringContaining(`${sandbox.baseUrlFor('CIMB')}/consent/`) });
    if (started.status !== 'redirect') return;
    // The holder approves on the bank's page; the bank sends the browser back with the code and our state.
    const answered = await fetch(started.redirectUrl, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
    const back = new URL(answered.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:9/back');
    expect(back.searchParams.get('from')).toBe('test');
    expect(back.searchParams.get('state')).toBe('state-0123456789abcdef');
    const authCode = back.searchParams.get('authCode')!;
    const bound = await client.exchangeAuthCode({ authCode });
    expect(bound.accountName).toBe('AGUS SETIAWAN');
    await expect(client.balanceInquiry({ accountNo: account.accountNo, accountToken: bound.accountToken })).resolves.toMatchObject({ balanceMinor: account.balanceMinor });
    // Single use, and a code made up is no better.
    await expect(client.exchangeAuthCode({ authCode })).rejects.toMatchObject({ kind: 'unauthorized' });
    await expect(client.exchangeAuthCode({ authCode: 'made-up-code' })).rejects.toMatchObject({ kind: 'unauthorized' });
  });
});

describe('circuit breaker', () => {
  it('opens for a failing bank, stops sending to it, and leaves other banks alone', async () => {
    const bni = clientFor('BNI', { retries: 0, breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } });
    const bri = clientFor('BRI', { retries: 0 });
    const { account, accountToken } = await boundAccount('BNI', bni);
    const briAccount = await boundAccount('BRI', bri);
    sandbox.injectFaults({ mode: 'http500', count: 100, bank: 'BNI' });
    for (let i = 0; i < 4; i++) await bni.balanceInquiry({ accountNo: account.accountNo, accountToken }).catch(() => undefined);
    expect(bni.circuitOpen).toBe(true);
    const { error, attempts } = await requestsDuring(() => bni.balanceInquiry({ accountNo: account.accountNo, accountToken }));
    expect(error).toMatchObject({ kind: 'general_error', message: expect.stringContaining('paused') });
    expect(attempts).toBe(0);
    await expect(bri.balanceInquiry({ accountNo: briAccount.account.accountNo, accountToken: briAccount.accountToken })).resolves.toBeDefined();
  });

  it('does not open on answers that say nothing about the bank being up (unknown accounts)', async () => {
    const client = clientFor('MANDIRI', { retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 10 } });
    for (let i = 0; i < 5; i++) await client.bindAccount({ accountNo: `00000000${i}` }).catch(() => undefined);
    expect(client.circuitOpen).toBe(false);
  });
});

describe('statement entry dates', () => {
  const entry = (transactionDate: string) => readStatementEntry(BANK_PROFILES.BCA, { amount: { value: '15000.00', currency: 'IDR' }, type: 'DEBIT', transactionDate, remark: 'BIAYA ADM', transactionId: undefined, endAmount: undefined, detailBalance: undefined });

  it('reads a date-time or date without an offset as Jakarta time, not the server zone', () => {
    // 23:30 in Jakarta on the last day of the month is 16:30 UTC that same day: it stays in January.
    expect(entry('2025-01-31T23:30:00').bookedAt.toISOString()).toBe('2025-01-31T16:30:00.000Z');
    expect(entry('2025-01-31 23:30:00').bookedAt.toISOString()).toBe('2025-01-31T16:30:00.000Z');
    expect(entry('2025-01-31').bookedAt.toISOString()).toBe('2025-01-30T17:00:00.000Z');
  });

  it('keeps an offset the bank gave, and refuses a date it cannot read', () => {
    expect(entry('2025-01-31T23:30:00+07:00').bookedAt.toISOString()).toBe('2025-01-31T16:30:00.000Z');
    expect(entry('2025-01-31T16:30:00Z').bookedAt.toISOString()).toBe('2025-01-31T16:30:00.000Z');
    expect(() => entry('31/01/2025')).toThrow(/unreadable transactionDate/);
  });
});
