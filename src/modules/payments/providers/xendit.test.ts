/**
 * The Xendit adapter against the Xendit simulator over real HTTP on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XENDIT_SANDBOX_OTP, startXenditSandbox, type XenditSandbox } from '../../../../sandbox/xendit/index.js';
import { normalizeXenditCallback } from '../webhooks/xendit/normalize.js';
import { verifyXenditCallbackToken } from '../webhooks/xendit/verify.js';
import { createXenditProvider, mapXenditStatus, toE164 } from './xendit.js';
import type { PaymentMethod, PaymentProvider } from './types.js';

const SECRET = 'xnd_development_test';
const TOKEN = 'callback-token-test';
let sandbox: XenditSandbox;
let xendit: PaymentProvider;
let receiver: Server;
let received: { body: Record<string, unknown>; token?: string; answered: number }[] = [];
let answers: number[] = [];
let n = 0;
const ref = () => `X-${Date.now()}-${++n}`;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      received.push({ body: JSON.parse(raw), token: req.headers['x-callback-token'] as string, answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sandbox = await startXenditSandbox({ secretKey: SECRET, callbackToken: TOKEN, settleMs: 0, retryDelaysMs: [20, 20], callbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` });
  xendit = createXenditProvider({ secretKey: SECRET, baseUrl: sandbox.url, timeoutMs: 500 });
});
afterAll(async () => {
  await sandbox?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

let linked: { customerRef: string; token: string } | undefined;
/** A BRI account linked with the sandbox's OTP, as the hub's linking flow does it. */
async function linkedAccount(): Promise<{ customerRef: string; token: string }> {
  if (linked) return linked;
  const dd = xendit.directDebit!;
  const { customerRef } = await dd.createCustomer({ referenceId: ref(), name: 'Budi Santoso', mobileNumber: '081234567890' });
  const started = await dd.startLink({ customerRef, channel: 'BRI', mobileNumber: '081234567890', cardLastFour: '8888', cardExpiry: '06/30', returnUrl: 'https://example.com/back', referenceId: ref() });
  await dd.confirmOtp(started.token, XENDIT_SANDBOX_OTP);
  linked = { customerRef, token: started.token };
  return linked;
}

const charge = async (method: PaymentMethod, extra: object = {}, orderId = ref()) =>
  xendit.charge({ orderId, method, amount: { amountMinor: 5_000_000, currency: 'IDR' }, ...(method.startsWith('direct_debit') ? { linkedAccount: await linkedAccount() } : {}), ...extra });

describe('Xendit adapter', () => {
  it.each([
    ['ovo', { mobileNumber: '081234567890' }, 'ewc:', { kind: 'none' }],
    ['dana', {}, 'ewc:', { kind: 'deeplink' }],
    ['linkaja', {}, 'ewc:', { kind: 'deeplink' }],
    ['qris', {}, 'qr:', { kind: 'qr' }],
    ['va_bri', {}, 'va:', { kind: 'virtual_account', bank: 'bri' }],
    ['alfamart', {}, 'fpc:', { kind: 'payment_code', store: 'alfamart' }],
    ['direct_debit_bri', {}, 'pr:', { kind: 'none' }],
    ['invoice', {}, 'inv:', { kind: 'redirect' }],
  ] as const)('charges by %s', async (method, extra, prefix, instructions) => {
    const result = await charge(method, extra);
    expect(result.providerRef.startsWith(prefix)).toBe(true);
    expect(result.status).toBe('pending');
    expect(result.instructions).toMatchObject(instructions);
  });

  it('writes phone numbers the way Xendit wants them', () => {
    expect(toE164('081234567890')).toBe('+6281234567890');
    expect(toE164('6281234567890')).toBe('+6281234567890');
    expect(toE164('+62 812-3456-7890')).toBe('+6281234567890');
  });

  it('refuses OVO without a phone before calling out', async () => {
    const before = sandbox.payments.length;
    await expect(charge('ovo')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ field: 'mobileNumber' }] } });
    expect(sandbox.payments.length).toBe(before);
  });

  it('maps a wrong secret key to PROVIDER_REJECTED without the key in the message', async () => {
    const wrong = createXenditProvider({ secretKey: 'xnd_WRONG_key', baseUrl: sandbox.url });
    const err = await wrong.charge({ orderId: ref(), method: 'dana', amount: { amountMinor: 5_000_000, currency: 'IDR' } }).catch((e) => e);
    expect(err.code).toBe('PROVIDER_REJECTED');
    expect(err.message).toMatch(/API key is not authorized/);
    expect(err.message).not.toContain('WRONG');
  });

  it('maps a repeated reference to CONFLICT', async () => {
    const id = ref();
    await charge('dana', {}, id);
    await expect(charge('dana', {}, id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('retries a status read after a 503 but never repeats a charge; a hang becomes PROVIDER_UNAVAILABLE', async () => {
    const result = await charge('dana');
    sandbox.injectFaults({ mode: 'http503', count: 1, paths: /ewallets\/charges\/ewc_/ });
    expect((await xendit.getStatus({ orderId: 'x', providerRef: result.providerRef, method: 'dana' })).status).toBe('pending');
    const before = sandbox.payments.length;
    sandbox.injectFaults({ mode: 'http503', count: 1, paths: /^\/ewallets\/charges$/ });
    await expect(charge('dana')).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(sandbox.payments.length).toBe(before);
    sandbox.injectFaults({ mode: 'timeout', count: 1, paths: /^\/ewallets\/charges$/ });
    await expect(charge('dana')).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { timeout: true } });
  });

  it('reads a charge answer with a wrong-typed field as PROVIDER_BAD_RESPONSE naming the field path', async () => {
    // The checkout URL is text in Xendit's answer; a number there is not the documented answer.
    sandbox.injectFaults({ mode: 'malformed', count: 1, paths: /^\/ewallets\/charges$/, field: 'actions.desktop_web_checkout_url', value: 42 });
    const err = await charge('dana').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'PROVIDER_BAD_RESPONSE',
      message: expect.stringContaining('actions.desktop_web_checkout_url'),
      details: { provider: 'xendit', answer: 'e-wallet charge', issues: [{ field: 'actions.desktop_web_checkout_url', reason: expect.stringContaining('expected string') }] },
    });
    expect((err as Error).message).not.toContain(SECRET);
    // An error body we cannot read is still the error its status says.
    sandbox.injectFaults({ mode: 'malformed', count: 1, paths: /ewallets\/charges\/ewc_nope/, field: 'error_code' });
    await expect(xendit.getStatus({ orderId: 'x', providerRef: 'ewc:ewc_nope', method: 'dana' })).rejects.toMatchObject({ code: 'PROVIDER_REJECTED', details: { providerStatusCode: '404' } });
  });

  it('completes a payment and calls back with the token, in a shape that normalises to success, retrying after a 500', async () => {
    for (const method of ['dana', 'qris', 'va_bca', 'indomaret', 'invoice', 'direct_debit_bri'] as const) {
      const orderId = ref();
      const result = await charge(method, { mobileNumber: '081234567890' }, orderId);
      if (method === 'direct_debit_bri') expect(result.status).toBe('pending');
      received = [];
      answers = method === 'dana' ? [500] : [];
      await sandbox.complete(orderId);
      const delivered = received.at(-1)!;
      expect(delivered.answered).toBe(200);
      if (method === 'dana') expect(received.map((r) => r.answered)).toEqual([500, 200]);
      expect(verifyXenditCallbackToken(delivered.token, TOKEN)).toBe(true);
      expect(normalizeXenditCallback(delivered.body)).toMatchObject({ orderId, status: 'success' });
      // A paid VA or retail code cannot be told from a closed one by polling: the callback above is what settles it.
      const polled = method === 'va_bca' || method === 'indomaret' ? 'pending' : 'success';
      expect((await xendit.getStatus({ orderId, providerRef: result.providerRef, method })).status).toBe(polled);
    }
  });

  it('polls a paid single-use VA or retail code, INACTIVE without paid_at, as pending; an expired one as expired', async () => {
    expect(mapXenditStatus('INACTIVE')).toBe('pending');
    expect(mapXenditStatus('INACTIVE', { expired: true })).toBe('expired');
    for (const method of ['va_bni', 'alfamart'] as const) {
      const paidId = ref();
      const paid = await charge(method, {}, paidId);
      await sandbox.complete(paidId);
      const [kind, id] = paid.providerRef.split(':');
      const raw = (await (await fetch(`${sandbox.url}/${kind === 'va' ? 'callback_virtual_accounts' : 'fixed_payment_code'}/${id}`, { headers: { authorization: `Basic ${Buffer.from(`${SECRET}:`).toString('base64')}` } })).json()) as Record<string, unknown>;
      expect(raw.status).toBe('INACTIVE');
      expect(raw.paid_at).toBeUndefined();
      expect(await xendit.getStatus({ orderId: paidId, providerRef: paid.providerRef, method })).toMatchObject({ status: 'pending', providerStatus: 'INACTIVE' });

      const expiredId = ref();
      const expired = await charge(method, {}, expiredId);
      await sandbox.expire(expiredId);
      expect(await xendit.getStatus({ orderId: expiredId, providerRef: expired.providerRef, method })).toMatchObject({ status: 'expired', providerStatus: 'INACTIVE' });
    }
  });

  it('finds an invoice or payment request whose charge answer was lost by the order id, and says when there is none', async () => {
    for (const [method, prefix] of [['invoice', 'inv:'], ['direct_debit_bri', 'pr:']] as const) {
      const orderId = ref();
      const made = await charge(method, { mobileNumber: '081234567890' }, orderId);
      // The answer never arrived: only the order id is known.
      expect(await xendit.getStatus({ orderId, method })).toMatchObject({ providerRef: made.providerRef, status: 'pending' });
      expect(made.providerRef.startsWith(prefix)).toBe(true);
      await sandbox.complete(orderId);
      expect(await xendit.getStatus({ orderId, method })).toMatchObject({ providerRef: made.providerRef, status: 'success' });
      // Never sent at all: a real "not found", which the payment service reads as never received.
      const missing = await xendit.getStatus({ orderId: ref(), method }).catch((e) => e);
      expect(missing).toMatchObject({ code: 'PROVIDER_REJECTED', details: { providerStatusCode: '404' } });
    }
  });

  it('says it cannot look up an e-wallet charge, QR code, VA or retail code without its id, instead of calling it not found', async () => {
    for (const method of ['ovo', 'dana', 'qris', 'va_bca', 'indomaret'] as const) {
      const orderId = ref();
      await charge(method, { mobileNumber: '081234567890' }, orderId);
      const err = await xendit.getStatus({ orderId, method }).catch((e) => e);
      expect(err).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, details: { lookupNeedsProviderRef: true } });
      expect(err.details.providerStatusCode).toBeUndefined();
    }
  });

  it('links a BRI account with the OTP and a Mandiri account on the bank page; a wrong OTP is refused; unlinking ends the link', async () => {
    const dd = xendit.directDebit!;
    const { customerRef } = await dd.createCustomer({ referenceId: ref(), name: 'Siti' });
    const bri = await dd.startLink({ customerRef, channel: 'BRI', mobileNumber: '081298765432', cardLastFour: '1234', cardExpiry: '12/29', returnUrl: 'https://example.com/back', referenceId: ref() });
    expect(bri).toMatchObject({ status: 'pending', nextStep: { kind: 'otp' } });
    await expect(dd.confirmOtp(bri.token, '000000')).rejects.toMatchObject({ code: 'PROVIDER_REJECTED', details: { errorCode: 'INVALID_OTP_ERROR' } });
    expect(await dd.confirmOtp(bri.token, XENDIT_SANDBOX_OTP)).toMatchObject({ status: 'active', accountLabel: 'card •••• 1234' });

    const mandiri = await dd.startLink({ customerRef, channel: 'MANDIRI', returnUrl: 'https://example.com/back', referenceId: ref() });
    expect(mandiri).toMatchObject({ status: 'pending', nextStep: { kind: 'redirect', url: expect.stringContaining('/_sandbox/link/') } });
    await sandbox.approveLink(mandiri.token);
    expect(await dd.getLink(mandiri.token)).toMatchObject({ status: 'active', accountLabel: expect.stringMatching(/^account X+\d{4}$/) });

    await dd.unlink(mandiri.token);
    await dd.unlink(mandiri.token);
    expect((await dd.getLink(mandiri.token)).status).toBe('unlinked');
    const refused = await xendit.charge({ orderId: ref(), method: 'direct_debit_mandiri', amount: { amountMinor: 5_000_000, currency: 'IDR' }, linkedAccount: { customerRef, token: mandiri.token } }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'PROVIDER_REJECTED', details: { errorCode: 'PAYMENT_METHOD_NOT_ACTIVE' } });
    await expect(xendit.charge({ orderId: ref(), method: 'direct_debit_bri', amount: { amountMinor: 5_000_000, currency: 'IDR' } })).rejects.toMatchObject({ code: 'UNPROCESSABLE', details: { needsLink: true } });
  });

  it('refuses to void a pending e-wallet charge (void is for succeeded ones) and voids a succeeded one', async () => {
    const orderId = ref();
    const pending = await charge('dana', {}, orderId);
    const err = await xendit.cancel({ orderId, providerRef: pending.providerRef, method: 'dana' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', details: { instead: ['let it expire', 'refund it after it succeeds'] } });
    expect(err.message).toMatch(/only once it has succeeded/);
    await sandbox.complete(orderId);
    expect((await xendit.cancel({ orderId, providerRef: pending.providerRef, method: 'dana' })).status).toBe('cancelled');
  });

  it('a cancelled VA, an expired invoice or a deactivated QR is never paid afterwards', async () => {
    for (const method of ['va_bca', 'invoice', 'qris'] as const) {
      const orderId = ref();
      const made = await charge(method, {}, orderId);
      await xendit.cancel({ orderId, providerRef: made.providerRef, method });
      await expect(sandbox.complete(orderId), method).rejects.toThrow(/cannot be paid/);
    }
  });

  it('refunds an e-wallet payment once per key and expires an invoice', async () => {
    const orderId = ref();
    const result = await charge('dana', {}, orderId);
    await sandbox.complete(orderId);
    const refund = { orderId, providerRef: result.providerRef, method: 'dana' as const, amount: { amountMinor: 2_000_000, currency: 'IDR' }, refundKey: `${orderId}-r1` };
    expect(await xendit.refund(refund)).toMatchObject({ status: 'success', refundedAmountMinor: 2_000_000 });
    expect(await xendit.refund(refund)).toMatchObject({ refundedAmountMinor: 2_000_000 });
    expect((await xendit.getStatus({ orderId, providerRef: result.providerRef, method: 'dana' })).status).toBe('partially_refunded');

    const invoice = await charge('invoice');
    expect((await xendit.expire({ orderId: 'x', providerRef: invoice.providerRef, method: 'invoice' })).status).toBe('expired');
  });
});
