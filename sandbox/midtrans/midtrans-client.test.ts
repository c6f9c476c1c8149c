/**
 * Midtrans's own Node client (midtrans-client) judges the simulator: a route or body the official client cannot use
 * is a bug here. midtrans-client has a fixed base URL (api.sandbox.midtrans.com) and no option to change it, so this
 * test overrides `apiConfig.getCoreApiBaseUrl` on the client instance to point it at the simulator on loopback.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMidtransSandbox, type MidtransSandbox } from './server.js';

interface MidtransError extends Error {
  httpStatusCode?: string | number;
  ApiResponse?: { status_code?: string; status_message?: string };
}
interface CoreApi {
  apiConfig: { getCoreApiBaseUrl(): string };
  charge(body: object): Promise<Record<string, any>>;
  capture(body: object): Promise<Record<string, any>>;
  transaction: {
    status(id: string): Promise<Record<string, any>>;
    cancel(id: string): Promise<Record<string, any>>;
    expire(id: string): Promise<Record<string, any>>;
    refund(id: string, body: object): Promise<Record<string, any>>;
  };
}
const midtransClient = createRequire(import.meta.url)('midtrans-client') as { CoreApi: new (options: object) => CoreApi };

const SERVER_KEY = 'SB-Mid-server-sdk-test';
let sandbox: MidtransSandbox;
let core: CoreApi;
let n = 0;
const orderId = () => `SDK-${Date.now()}-${++n}`;
const details = (gross = 150_000) => ({ order_id: orderId(), gross_amount: gross });

beforeAll(async () => {
  sandbox = await startMidtransSandbox({ serverKey: SERVER_KEY, settleMs: 0 });
  core = new midtransClient.CoreApi({ isProduction: false, serverKey: SERVER_KEY, clientKey: 'SB-Mid-client-sdk-test' });
  // The override this file's header explains: midtrans-client cannot be given a base URL.
  core.apiConfig.getCoreApiBaseUrl = () => sandbox.url;
});
afterAll(() => sandbox?.stop());

const sdkError = (promise: Promise<unknown>) => promise.then(() => undefined, (err: MidtransError) => err);

describe('midtrans-client CoreApi.charge accepts every Core API payment type', () => {
  it.each([
    ['bank_transfer bca', { payment_type: 'bank_transfer', bank_transfer: { bank: 'bca' } }, (r: any) => expect(r.va_numbers[0]).toMatchObject({ bank: 'bca', va_number: expect.stringMatching(/^\d+$/) })],
    ['bank_transfer bni', { payment_type: 'bank_transfer', bank_transfer: { bank: 'bni' } }, (r: any) => expect(r.va_numbers[0].bank).toBe('bni')],
    ['bank_transfer bri', { payment_type: 'bank_transfer', bank_transfer: { bank: 'bri' } }, (r: any) => expect(r.va_numbers[0].bank).toBe('bri')],
    ['bank_transfer cimb', { payment_type: 'bank_transfer', bank_transfer: { bank: 'cimb' } }, (r: any) => expect(r.va_numbers[0].bank).toBe('cimb')],
    ['bank_transfer permata', { payment_type: 'bank_transfer', bank_transfer: { bank: 'permata' } }, (r: any) => expect(r.permata_va_number).toMatch(/^\d+$/)],
    ['permata (legacy type)', { payment_type: 'permata' }, (r: any) => expect(r.permata_va_number).toMatch(/^\d+$/)],
    ['echannel', { payment_type: 'echannel', echannel: { bill_info1: 'Payment:', bill_info2: 'Online purchase' } }, (r: any) => expect(r).toMatchObject({ biller_code: '70012', bill_key: expect.stringMatching(/^\d+$/) })],
    ['qris', { payment_type: 'qris', qris: { acquirer: 'gopay' } }, (r: any) => expect(r).toMatchObject({ acquirer: 'gopay', qr_string: expect.stringMatching(/^000201/), actions: [{ name: 'generate-qr-code' }] })],
    ['gopay', { payment_type: 'gopay', gopay: { enable_callback: true, callback_url: 'someapps://callback' } }, (r: any) => expect(r.actions.map((a: any) => a.name)).toEqual(['generate-qr-code', 'deeplink-redirect', 'get-status', 'cancel'])],
    ['shopeepay', { payment_type: 'shopeepay', shopeepay: { callback_url: 'https://example.com/done' } }, (r: any) => expect(r.actions[0].name).toBe('deeplink-redirect')],
    ['cstore indomaret', { payment_type: 'cstore', cstore: { store: 'indomaret', message: 'SmartWealth' } }, (r: any) => expect(r).toMatchObject({ store: 'indomaret', payment_code: expect.any(String) })],
    ['cstore alfamart', { payment_type: 'cstore', cstore: { store: 'alfamart', message: 'SmartWealth' } }, (r: any) => expect(r).toMatchObject({ store: 'alfamart', payment_code: expect.any(String) })],
    ['akulaku', { payment_type: 'akulaku' }, (r: any) => expect(r.redirect_url).toContain(sandbox.url)],
    ['kredivo', { payment_type: 'kredivo' }, (r: any) => expect(r.redirect_url).toContain(sandbox.url)],
    ['bca_klikpay', { payment_type: 'bca_klikpay', bca_klikpay: { description: 'Pembelian' } }, (r: any) => expect(r.redirect_url).toContain(sandbox.url)],
    ['cimb_clicks', { payment_type: 'cimb_clicks', cimb_clicks: { description: 'Pembelian' } }, (r: any) => expect(r.redirect_url).toContain(sandbox.url)],
    ['bri_epay', { payment_type: 'bri_epay' }, (r: any) => expect(r.redirect_url).toContain(sandbox.url)],
    ['danamon_online', { payment_type: 'danamon_online' }, (r: any) => expect(r.redirect_url).toContain(sandbox.url)],
  ])('%s', async (_name, body, check) => {
    const res = await core.charge({ ...body, transaction_details: details() });
    expect(res).toMatchObject({ status_code: '201', transaction_status: 'pending', fraud_status: 'accept', currency: 'IDR', gross_amount: '150000.00', payment_type: body.payment_type });
    expect(res.transaction_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.transaction_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    check(res);
  });

  it('credit_card without 3-D Secure: captured with approval_code and channel_response_code', async () => {
    const res = await core.charge({ payment_type: 'credit_card', transaction_details: details(), credit_card: { token_id: '481111-1114-token', authentication: false } });
    expect(res).toMatchObject({ status_code: '200', transaction_status: 'capture', channel_response_code: '00', channel_response_message: 'Approved', masked_card: '48111111-1114', card_type: 'credit' });
    expect(res.approval_code).toMatch(/^\d{6}$/);
  });

  it('credit_card with 3-D Secure: pending with a redirect_url, captured once the payer passes it', async () => {
    const body = { payment_type: 'credit_card', transaction_details: details(), credit_card: { token_id: '481111-1114-token', authentication: true } };
    const res = await core.charge(body);
    expect(res).toMatchObject({ status_code: '201', transaction_status: 'pending', redirect_url: expect.stringContaining('/_sandbox/3ds/') });
    await sandbox.complete3ds(body.transaction_details.order_id);
    expect(await core.transaction.status(body.transaction_details.order_id)).toMatchObject({ transaction_status: 'capture', approval_code: expect.any(String) });
  });

  it('credit_card pre-authorisation: authorize, then the capture step captures', async () => {
    const res = await core.charge({ payment_type: 'credit_card', transaction_details: details(), credit_card: { token_id: '481111-1114-token', type: 'authorize' } });
    expect(res.transaction_status).toBe('authorize');
    const captured = await core.capture({ transaction_id: res.transaction_id, gross_amount: 150_000 });
    expect(captured).toMatchObject({ status_code: '200', transaction_status: 'capture', channel_response_code: '00' });
    expect((await sdkError(core.capture({ transaction_id: res.transaction_id, gross_amount: 150_000 })))?.ApiResponse?.status_code).toBe('412');
  });

  it('refuses what Midtrans refuses: a repeated order_id (406), bad items (400), a wrong key (401)', async () => {
    const same = details();
    await core.charge({ payment_type: 'qris', transaction_details: same });
    expect((await sdkError(core.charge({ payment_type: 'qris', transaction_details: same })))?.httpStatusCode).toBe(406);
    const bad = await sdkError(core.charge({ payment_type: 'qris', transaction_details: details(10_000), item_details: [{ id: 'a', name: 'x', price: 3000, quantity: 2 }] }));
    expect(bad?.httpStatusCode).toBe(400);
    const wrong = new midtransClient.CoreApi({ isProduction: false, serverKey: 'SB-Mid-server-wrong' });
    wrong.apiConfig.getCoreApiBaseUrl = () => sandbox.url;
    expect((await sdkError(wrong.charge({ payment_type: 'qris', transaction_details: details() })))?.httpStatusCode).toBe(401);
  });
});

describe('midtrans-client transaction.status / cancel / expire / refund', () => {
  it('status carries a signature_key that verifies with the server key', async () => {
    const d = details();
    await core.charge({ payment_type: 'gopay', transaction_details: d });
    await sandbox.settle(d.order_id);
    const status = await core.transaction.status(d.order_id);
    expect(status).toMatchObject({ status_code: '200', transaction_status: 'settlement', status_message: 'Success, transaction is found', settlement_time: expect.any(String) });
    const expected = createHash('sha512').update(`${d.order_id}200${status.gross_amount}${SERVER_KEY}`).digest('hex');
    expect(status.signature_key).toBe(expected);
    // The status answers by transaction_id too.
    expect((await core.transaction.status(status.transaction_id)).order_id).toBe(d.order_id);
  });

  it('a cancelled payment stays cancelled: the payer cannot settle it, a refund or expire is refused', async () => {
    const d = details();
    await core.charge({ payment_type: 'bank_transfer', bank_transfer: { bank: 'bca' }, transaction_details: d });
    expect(await core.transaction.cancel(d.order_id)).toMatchObject({ status_code: '200', transaction_status: 'cancel', status_message: 'Success, transaction is canceled' });
    await expect(sandbox.settle(d.order_id)).rejects.toThrow(/cancel/);
    expect((await sdkError(core.transaction.expire(d.order_id)))?.ApiResponse?.status_code).toBe('412');
    expect((await core.transaction.status(d.order_id)).transaction_status).toBe('cancel');
  });

  it('expire answers 407 (which midtrans-client accepts) and an expired payment is never settled', async () => {
    const d = details();
    await core.charge({ payment_type: 'cstore', cstore: { store: 'indomaret' }, transaction_details: d });
    expect(await core.transaction.expire(d.order_id)).toMatchObject({ status_code: '407', transaction_status: 'expire' });
    await expect(sandbox.settle(d.order_id)).rejects.toThrow(/expire/);
  });

  it('a simulated payer never pays a payment that was cancelled first', async () => {
    const quick = await startMidtransSandbox({ serverKey: SERVER_KEY, settleMs: 50 });
    try {
      const client = new midtransClient.CoreApi({ isProduction: false, serverKey: SERVER_KEY });
      client.apiConfig.getCoreApiBaseUrl = () => quick.url;
      const cancelled = details();
      const paid = details();
      await client.charge({ payment_type: 'qris', transaction_details: cancelled });
      await client.charge({ payment_type: 'qris', transaction_details: paid });
      await client.transaction.cancel(cancelled.order_id);
      // Wait until the payer has paid the other one (its timer ran), however loaded the machine is.
      for (let i = 0; i < 100 && (await client.transaction.status(paid.order_id)).transaction_status !== 'settlement'; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await client.transaction.status(paid.order_id)).transaction_status).toBe('settlement');
      expect((await client.transaction.status(cancelled.order_id)).transaction_status).toBe('cancel');
    } finally {
      await quick.stop();
    }
  });

  it('refund answers with payment_type, transaction_time and refund_chargeback_id; the same refund_key again is a duplicate', async () => {
    const d = details(200_000);
    await core.charge({ payment_type: 'gopay', transaction_details: d });
    await sandbox.settle(d.order_id);
    const refund = await core.transaction.refund(d.order_id, { refund_key: `${d.order_id}-r1`, amount: 50_000, reason: 'customer asked' });
    expect(refund).toMatchObject({
      status_code: '200',
      status_message: 'Success, refund request is approved',
      order_id: d.order_id,
      payment_type: 'gopay',
      transaction_status: 'partial_refund',
      refund_amount: '50000.00',
      refund_key: `${d.order_id}-r1`,
      gross_amount: '200000.00',
    });
    expect(refund.refund_chargeback_id).toEqual(expect.any(Number));
    expect(refund.transaction_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const again = await sdkError(core.transaction.refund(d.order_id, { refund_key: `${d.order_id}-r1`, amount: 50_000 }));
    expect(again?.ApiResponse).toMatchObject({ status_code: '406', status_message: expect.stringMatching(/Duplicate refund_key/) });
    const status = await core.transaction.status(d.order_id);
    expect(status).toMatchObject({ refund_amount: '50000.00', transaction_status: 'partial_refund' });
    expect(status.refunds).toEqual([expect.objectContaining({ refund_key: `${d.order_id}-r1`, refund_amount: '50000.00', refund_chargeback_id: refund.refund_chargeback_id })]);
  });

  it.each([
    ['bank_transfer', { payment_type: 'bank_transfer', bank_transfer: { bank: 'bni' } }, /not supported for payment_type bank_transfer/],
    ['echannel', { payment_type: 'echannel', echannel: { bill_info1: 'Pay', bill_info2: 'x' } }, /not supported for payment_type echannel/],
    ['cstore', { payment_type: 'cstore', cstore: { store: 'alfamart' } }, /not supported for payment_type cstore/],
  ])('refuses a refund of a %s payment, as Midtrans does', async (_name, body, message) => {
    const d = details();
    await core.charge({ ...body, transaction_details: d });
    await sandbox.settle(d.order_id);
    const err = await sdkError(core.transaction.refund(d.order_id, { refund_key: 'k', amount: 150_000 }));
    expect(err?.ApiResponse).toMatchObject({ status_code: '412', status_message: expect.stringMatching(message) });
    expect((await core.transaction.status(d.order_id)).transaction_status).toBe('settlement');
  });

  it('refunds ShopeePay only in full', async () => {
    const d = details();
    await core.charge({ payment_type: 'shopeepay', transaction_details: d });
    await sandbox.settle(d.order_id);
    expect((await sdkError(core.transaction.refund(d.order_id, { refund_key: 'p', amount: 50_000 })))?.ApiResponse?.status_message).toMatch(/Partial refund is not supported/);
    expect(await core.transaction.refund(d.order_id, { refund_key: 'f', amount: 150_000 })).toMatchObject({ transaction_status: 'refund' });
  });

  it('a card capture is cancelled (voided), not refunded, until it settles', async () => {
    const d = details();
    await core.charge({ payment_type: 'credit_card', transaction_details: d, credit_card: { token_id: 't' } });
    expect((await sdkError(core.transaction.refund(d.order_id, { refund_key: 'c', amount: 1000 })))?.ApiResponse?.status_message).toMatch(/cancel it instead/);
    expect(await core.transaction.cancel(d.order_id)).toMatchObject({ transaction_status: 'cancel' });
  });
});
