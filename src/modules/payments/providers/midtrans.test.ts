/**
 * The Midtrans adapter against the Midtrans simulator over real HTTP on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMidtransSandbox, type MidtransSandbox } from '../../../../sandbox/midtrans/index.js';
import { normalizeMidtransNotification } from '../webhooks/midtrans/normalize.js';
import { verifyMidtransSignature } from '../webhooks/midtrans/verify.js';
import { AppError } from '../../../lib/errors.js';
import { createLogger } from '../../../lib/logger.js';
import { createMidtransProvider } from './midtrans.js';
import type { PaymentMethod, PaymentProvider } from './types.js';

const SERVER_KEY = 'SB-Mid-server-test-key';
let sandbox: MidtransSandbox;
let midtrans: PaymentProvider;
let receiver: Server;
let received: { body: Record<string, unknown>; answered: number }[] = [];
let answers: number[] = [];
let n = 0;
const orderId = () => `T-${Date.now()}-${++n}`;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      received.push({ body: JSON.parse(raw), answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sandbox = await startMidtransSandbox({ serverKey: SERVER_KEY, settleMs: 0, retryDelaysMs: [20, 20, 20], notificationUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` });
  midtrans = createMidtransProvider({ serverKey: SERVER_KEY, baseUrl: sandbox.url, timeoutMs: 500, retries: 2 });
});
afterAll(async () => {
  await sandbox?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const charge = (method: PaymentMethod, extra: object = {}) => midtrans.charge({ orderId: orderId(), method, amount: { amountMinor: 15_000_000, currency: 'IDR' }, ...extra });

describe('Midtrans adapter', () => {
  it.each([
    ['va_bca', { kind: 'virtual_account', bank: 'bca' }],
    ['va_bni', { kind: 'virtual_account', bank: 'bni' }],
    ['va_permata', { kind: 'virtual_account', bank: 'permata' }],
    ['va_mandiri', { kind: 'bill_key', billerCode: '70012' }],
    ['qris', { kind: 'qr' }],
    ['gopay', { kind: 'deeplink' }],
    ['indomaret', { kind: 'payment_code', store: 'indomaret' }],
    ['alfamart', { kind: 'payment_code', store: 'alfamart' }],
  ] as const)('charges by %s and returns what the payer needs', async (method, expected) => {
    const result = await charge(method);
    expect(result.status).toBe('pending');
    expect(result.providerRef).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.instructions).toMatchObject(expected);
    if (method.startsWith('va_') && method !== 'va_mandiri') expect(result.instructions.vaNumber).toMatch(/^\d{9,}$/);
    if (method === 'qris') expect(result.instructions.qrString).toMatch(/^00020101021226.*6304[0-9A-F]{4}$/);
    if (method === 'gopay') expect(result.instructions.deeplinkUrl).toContain(sandbox.url);
  });

  it('charges a card token and follows 3-D Secure with a redirect', async () => {
    const result = await charge('card', { cardToken: '481111-1114-a901971f-2f1b-4781-802a-df326fbf0e9c' });
    expect(result.instructions).toMatchObject({ kind: 'redirect', redirectUrl: expect.stringContaining('/_sandbox/3ds/') });
  });

  it('refuses a fractional rupiah amount and item totals that do not add up before calling Midtrans', async () => {
    const before = sandbox.transactions.length;
    await expect(midtrans.charge({ orderId: orderId(), method: 'qris', amount: { amountMinor: 1_000_050, currency: 'IDR' } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      midtrans.charge({ orderId: orderId(), method: 'qris', amount: { amountMinor: 1_000_000, currency: 'IDR' }, items: [{ name: 'x', priceMinor: 300_000, quantity: 2 }] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ field: 'items' }] } });
    expect(sandbox.transactions.length).toBe(before);
  });

  it('maps a wrong server key to PROVIDER_REJECTED without the key in the message', async () => {
    const wrong = createMidtransProvider({ serverKey: 'SB-Mid-server-WRONG', baseUrl: sandbox.url });
    const err = await wrong.charge({ orderId: orderId(), method: 'qris', amount: { amountMinor: 1_000_000, currency: 'IDR' } }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('PROVIDER_REJECTED');
    expect(err.message).toMatch(/Unknown Merchant/);
    expect(err.message).not.toContain('WRONG');
  });

  it('reads a refusal Midtrans sends with HTTP 200', async () => {
    sandbox.injectFaults({ mode: 'decline', count: 1, paths: /charge/ });
    await expect(charge('qris')).rejects.toMatchObject({ code: 'PROVIDER_REJECTED', details: { providerStatusCode: '402' } });
  });

  it('maps a repeated order id to CONFLICT', async () => {
    const id = orderId();
    await midtrans.charge({ orderId: id, method: 'va_bca', amount: { amountMinor: 15_000_000, currency: 'IDR' } });
    await expect(midtrans.charge({ orderId: id, method: 'va_bca', amount: { amountMinor: 15_000_000, currency: 'IDR' } })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('retries a status read after a 503 but never repeats a charge', async () => {
    const result = await charge('va_bri');
    const ref = { orderId: sandbox.transactions.at(-1)!.order_id, providerRef: result.providerRef, method: 'va_bri' as const };
    sandbox.injectFaults({ mode: 'http503', count: 1, paths: /status/ });
    expect((await midtrans.getStatus(ref)).status).toBe('pending');

    const before = sandbox.transactions.length;
    sandbox.injectFaults({ mode: 'http503', count: 1, paths: /charge/ });
    await expect(charge('va_bri')).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(sandbox.transactions.length).toBe(before);
  });

  it('turns a hung call into PROVIDER_UNAVAILABLE', async () => {
    sandbox.injectFaults({ mode: 'timeout', count: 1, paths: /charge/ });
    await expect(charge('qris')).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { timeout: true } });
  });

  it('reads an answer with a wrong-typed field as PROVIDER_BAD_RESPONSE naming the field, and logs it without the body', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    const watched = createMidtransProvider({ serverKey: SERVER_KEY, baseUrl: sandbox.url, timeoutMs: 500, logger });
    const result = await charge('va_bri');
    const ref = { orderId: sandbox.transactions.at(-1)!.order_id, providerRef: result.providerRef, method: 'va_bri' as const };
    // Midtrans writes gross_amount as text ("150000.00"); a number there is not the documented answer.
    sandbox.injectFaults({ mode: 'malformed', count: 1, paths: /status/, field: 'gross_amount' });
    const err = await watched.getStatus(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: 'PROVIDER_BAD_RESPONSE',
      retryable: true,
      message: expect.stringContaining('gross_amount'),
      details: { provider: 'midtrans', answer: 'status', issues: [{ field: 'gross_amount', reason: expect.stringContaining('expected string') }] },
    });
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([{ level: 40, provider: 'midtrans', answer: 'status', issues: [{ field: 'gross_amount' }] }]);
    // Neither the error nor the log carries the answer's values (the VA number) or the key.
    for (const text of [(err as AppError).message, JSON.stringify((err as AppError).details), ...lines]) {
      expect(text).not.toContain(result.instructions.vaNumber!);
      expect(text).not.toContain(SERVER_KEY);
    }
    // The fault was the answer's: the next one reads.
    expect((await watched.getStatus(ref)).status).toBe('pending');
  });

  it('settles, notifies with a signature that verifies, and retries the notification after a 500', async () => {
    const result = await charge('va_cimb');
    const id = sandbox.transactions.at(-1)!.order_id;
    received = [];
    answers = [500];
    await sandbox.settle(id);
    expect(received.map((r) => r.answered)).toEqual([500, 200]);
    const body = received[1].body;
    expect(verifyMidtransSignature(body, SERVER_KEY)).toBe(true);
    expect(normalizeMidtransNotification(body)).toMatchObject({ orderId: id, status: 'success', providerRef: result.providerRef });
    expect((await midtrans.getStatus({ orderId: id, method: 'va_cimb' })).status).toBe('success');
  });

  it('refunds in part then in full, deduplicated by refund key, and refuses to cancel a settled payment', async () => {
    await charge('qris');
    const id = sandbox.transactions.at(-1)!.order_id;
    await sandbox.settle(id);
    const ref = { orderId: id, providerRef: '', method: 'qris' as const };
    const partial = await midtrans.refund({ ...ref, amount: { amountMinor: 5_000_000, currency: 'IDR' }, refundKey: `${id}-r1` });
    expect(partial.refundedAmountMinor).toBe(5_000_000);
    const repeated = await midtrans.refund({ ...ref, amount: { amountMinor: 5_000_000, currency: 'IDR' }, refundKey: `${id}-r1` });
    expect(repeated.refundedAmountMinor).toBe(5_000_000);
    expect((await midtrans.getStatus(ref)).status).toBe('partially_refunded');
    await midtrans.refund({ ...ref, amount: { amountMinor: 10_000_000, currency: 'IDR' }, refundKey: `${id}-r2` });
    expect((await midtrans.getStatus(ref)).status).toBe('refunded');
    await expect(midtrans.cancel(ref)).rejects.toMatchObject({ code: 'PROVIDER_REJECTED' });
  });

  it('cancels and expires pending payments', async () => {
    await charge('va_bni');
    const a = sandbox.transactions.at(-1)!.order_id;
    expect((await midtrans.cancel({ orderId: a, method: 'va_bni' })).status).toBe('cancelled');
    await charge('va_bni');
    const b = sandbox.transactions.at(-1)!.order_id;
    expect((await midtrans.expire({ orderId: b, method: 'va_bni' })).status).toBe('expired');
  });
});
