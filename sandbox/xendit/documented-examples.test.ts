/**
 * xendit-node has no client for e-wallet charges, QR codes, callback virtual accounts or retail outlet payment codes,
 * so for those the simulator is judged against the request and response examples in Xendit's API reference: the
 * documented request is accepted as it is, and the answer and the callback carry every field the documented example
 * shows (field names from docs.xendit.co: e-wallet charge, QR code 2022-07-31, callback VA, fixed payment code).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXenditSandbox, type XenditSandbox } from './server.js';

const SECRET = 'xnd_development_docs_test';
const TOKEN = 'docs-callback-token';
let sandbox: XenditSandbox;
let receiver: Server;
const received: { body: Record<string, any>; token: string }[] = [];
let n = 0;
const ref = (prefix: string) => `${prefix}-${Date.now()}-${++n}`;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ body: JSON.parse(raw), token: String(req.headers['x-callback-token']) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sandbox = await startXenditSandbox({ secretKey: SECRET, callbackToken: TOKEN, settleMs: 0, callbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` });
});
afterAll(async () => {
  await sandbox?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

async function post(path: string, body: object, headers: Record<string, string> = {}) {
  const res = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${SECRET}:`).toString('base64')}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const lastCallback = () => received.at(-1)!;
const keysOf = (o: object) => Object.keys(o).sort();

describe('e-wallet charges (POST /ewallets/charges)', () => {
  // The response example's fields, in the reference's order.
  const DOCUMENTED = ['id', 'business_id', 'reference_id', 'status', 'currency', 'charge_amount', 'capture_amount', 'refunded_amount', 'checkout_method', 'channel_code', 'channel_properties', 'actions', 'is_redirect_required', 'callback_url', 'created', 'updated', 'voided_at', 'capture_now', 'customer_id', 'payment_method_id', 'failure_code', 'basket', 'metadata'];

  it('accepts the documented DANA request and answers 202 PENDING with every documented field and web checkout URLs', async () => {
    const referenceId = ref('order-id');
    const res = await post('/ewallets/charges', { reference_id: referenceId, currency: 'IDR', amount: 25000, checkout_method: 'ONE_TIME_PAYMENT', channel_code: 'ID_DANA', channel_properties: { success_redirect_url: 'https://redirect.me/payment' }, metadata: { branch_code: 'tree_branch' } });
    expect(res.status).toBe(202);
    expect(keysOf(res.body)).toEqual([...DOCUMENTED].sort());
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^ewc_/), business_id: sandbox.businessId, reference_id: referenceId, status: 'PENDING', currency: 'IDR', charge_amount: 25000, capture_amount: null, checkout_method: 'ONE_TIME_PAYMENT', channel_code: 'ID_DANA', is_redirect_required: true, metadata: { branch_code: 'tree_branch' } });
    expect(res.body.actions).toMatchObject({ desktop_web_checkout_url: expect.stringContaining(sandbox.url), mobile_web_checkout_url: expect.stringContaining(sandbox.url), mobile_deeplink_checkout_url: null });

    await sandbox.complete(referenceId);
    const callback = lastCallback();
    expect(callback.token).toBe(TOKEN);
    expect(callback.body).toMatchObject({ event: 'ewallet.capture', business_id: sandbox.businessId, data: { id: res.body.id, reference_id: referenceId, status: 'SUCCEEDED', capture_amount: 25000 } });
    expect(keysOf(callback.body.data)).toEqual([...DOCUMENTED].sort());
  });

  it('answers OVO without a redirect (push to the app) and ShopeePay with a deeplink and a QR string', async () => {
    const ovo = await post('/ewallets/charges', { reference_id: ref('ovo'), currency: 'IDR', amount: 1000, checkout_method: 'ONE_TIME_PAYMENT', channel_code: 'ID_OVO', channel_properties: { mobile_number: '+628123123123' } });
    expect(ovo.body).toMatchObject({ is_redirect_required: false, actions: null, channel_properties: { mobile_number: '+628123123123' } });
    const bad = await post('/ewallets/charges', { reference_id: ref('ovo'), currency: 'IDR', amount: 1000, checkout_method: 'ONE_TIME_PAYMENT', channel_code: 'ID_OVO', channel_properties: { mobile_number: '08123123123' } });
    expect(bad).toMatchObject({ status: 400, body: { error_code: 'API_VALIDATION_ERROR' } });
    const shopee = await post('/ewallets/charges', { reference_id: ref('spay'), currency: 'IDR', amount: 1000, checkout_method: 'ONE_TIME_PAYMENT', channel_code: 'ID_SHOPEEPAY', channel_properties: { success_redirect_url: 'https://redirect.me/payment' } });
    expect(shopee.body.actions).toMatchObject({ desktop_web_checkout_url: null, mobile_deeplink_checkout_url: expect.stringMatching(/^shopeeid:\/\//), qr_checkout_string: expect.stringMatching(/^000201/) });
  });

  it('voids only a SUCCEEDED charge and refunds a DANA charge but not an OVO one-time payment', async () => {
    const referenceId = ref('void');
    const charge = await post('/ewallets/charges', { reference_id: referenceId, currency: 'IDR', amount: 30000, checkout_method: 'ONE_TIME_PAYMENT', channel_code: 'ID_DANA', channel_properties: { success_redirect_url: 'https://redirect.me/payment' } });
    expect(await post(`/ewallets/charges/${charge.body.id}/void`, {})).toMatchObject({ status: 400, body: { error_code: 'INELIGIBLE_CHARGE_ERROR' } });
    await sandbox.complete(referenceId);
    const refund = await post(`/ewallets/charges/${charge.body.id}/refunds`, { amount: 10000, reason: 'REQUESTED_BY_CUSTOMER' }, { 'idempotency-key': `${referenceId}-r1` });
    expect(refund.body).toMatchObject({ id: expect.stringMatching(/^ewr_/), charge_id: charge.body.id, status: 'SUCCEEDED', refund_amount: 10000, refunded_amount: 10000, currency: 'IDR' });
    // Voiding is for a charge nothing was refunded from.
    expect((await post(`/ewallets/charges/${charge.body.id}/void`, {})).status).toBe(400);

    const ovoRef = ref('ovo');
    const ovo = await post('/ewallets/charges', { reference_id: ovoRef, currency: 'IDR', amount: 30000, checkout_method: 'ONE_TIME_PAYMENT', channel_code: 'ID_OVO', channel_properties: { mobile_number: '+628123123123' } });
    await sandbox.complete(ovoRef);
    expect(await post(`/ewallets/charges/${ovo.body.id}/refunds`, { amount: 30000 })).toMatchObject({ status: 400, body: { error_code: 'REFUND_NOT_SUPPORTED' } });
    const voided = await post(`/ewallets/charges/${ovo.body.id}/void`, {});
    expect(voided.body).toMatchObject({ status: 'VOIDED', void_status: 'SUCCEEDED', voided_at: expect.any(String) });
    expect(lastCallback().body).toMatchObject({ event: 'ewallet.void', data: { id: ovo.body.id, status: 'VOIDED' } });
  });
});

describe('QR codes (POST /qr_codes, api-version 2022-07-31)', () => {
  it('accepts the documented dynamic QR request; answer and qr.payment callback carry the documented fields; a deactivated QR is never paid', async () => {
    const referenceId = ref('order-qr');
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await post('/qr_codes', { reference_id: referenceId, type: 'DYNAMIC', currency: 'IDR', amount: 10000, expires_at: expiresAt }, { 'api-version': '2022-07-31' });
    expect(res.status).toBe(201);
    expect(keysOf(res.body)).toEqual(['amount', 'business_id', 'channel_code', 'created', 'currency', 'expires_at', 'id', 'metadata', 'qr_string', 'reference_id', 'status', 'type', 'updated']);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^qr_/), reference_id: referenceId, type: 'DYNAMIC', currency: 'IDR', amount: 10000, status: 'ACTIVE', channel_code: 'ID_DANA', expires_at: expiresAt, business_id: sandbox.businessId });
    await sandbox.complete(referenceId);
    expect(lastCallback().body).toMatchObject({ event: 'qr.payment', api_version: '2022-07-31', business_id: sandbox.businessId, data: { id: expect.stringMatching(/^qrpy_/), qr_id: res.body.id, reference_id: referenceId, amount: 10000, currency: 'IDR', status: 'SUCCEEDED', type: 'DYNAMIC', channel_code: 'ID_DANA', payment_detail: { receipt_id: expect.any(String), source: expect.any(String) } } });

    const closedRef = ref('order-qr');
    const closed = await post('/qr_codes', { reference_id: closedRef, type: 'DYNAMIC', currency: 'IDR', amount: 10000 }, { 'api-version': '2022-07-31' });
    expect((await post(`/qr_codes/${closed.body.id}/deactivate`, {})).body.status).toBe('INACTIVE');
    await expect(sandbox.complete(closedRef)).rejects.toThrow(/cannot be paid/);
  });
});

describe('callback virtual accounts (POST /callback_virtual_accounts)', () => {
  it('accepts the documented closed single-use VA request, answers PENDING with the documented fields, calls back on payment', async () => {
    const externalId = ref('va');
    const res = await post('/callback_virtual_accounts', { external_id: externalId, bank_code: 'BNI', name: 'Michael Chen', expected_amount: 50000, is_closed: true, is_single_use: true, expiration_date: new Date(Date.now() + 86_400_000).toISOString() });
    expect(res.status).toBe(200);
    expect(keysOf(res.body)).toEqual(['account_number', 'bank_code', 'country', 'currency', 'expected_amount', 'expiration_date', 'external_id', 'id', 'is_closed', 'is_single_use', 'merchant_code', 'name', 'owner_id', 'status'].sort());
    expect(res.body).toMatchObject({ owner_id: sandbox.businessId, external_id: externalId, bank_code: 'BNI', merchant_code: '8808', name: 'Michael Chen', is_closed: true, is_single_use: true, expected_amount: 50000, status: 'PENDING', currency: 'IDR' });
    await sandbox.complete(externalId);
    expect(keysOf(lastCallback().body)).toEqual(['account_number', 'amount', 'bank_code', 'callback_virtual_account_id', 'created', 'currency', 'external_id', 'id', 'merchant_code', 'owner_id', 'payment_id', 'transaction_timestamp', 'updated'].sort());
    expect(lastCallback().body).toMatchObject({ external_id: externalId, callback_virtual_account_id: res.body.id, account_number: res.body.account_number, amount: 50000 });
  });

  it('a VA whose expiry was moved to now is closed: never paid', async () => {
    const externalId = ref('va');
    const res = await post('/callback_virtual_accounts', { external_id: externalId, bank_code: 'BRI', name: 'Budi', expected_amount: 50000, is_closed: true, is_single_use: true });
    const closed = await fetch(`${sandbox.url}/callback_virtual_accounts/${res.body.id}`, { method: 'PATCH', headers: { authorization: `Basic ${Buffer.from(`${SECRET}:`).toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify({ expiration_date: new Date().toISOString() }) });
    expect(((await closed.json()) as { status: string }).status).toBe('INACTIVE');
    await expect(sandbox.complete(externalId)).rejects.toThrow(/cannot be paid/);
  });
});

describe('retail outlets (POST /fixed_payment_code)', () => {
  it('accepts the documented request and answers with the documented fields; the COMPLETED callback follows payment', async () => {
    const externalId = ref('fpc');
    const res = await post('/fixed_payment_code', { external_id: externalId, retail_outlet_name: 'ALFAMART', name: 'Michael Chen', expected_amount: 25000 });
    expect(keysOf(res.body)).toEqual(['expected_amount', 'expiration_date', 'external_id', 'id', 'is_single_use', 'name', 'owner_id', 'payment_code', 'prefix', 'retail_outlet_name', 'status'].sort());
    expect(res.body).toMatchObject({ owner_id: sandbox.businessId, external_id: externalId, retail_outlet_name: 'ALFAMART', prefix: 'TEST', name: 'Michael Chen', payment_code: expect.stringMatching(/^TEST\d+$/), expected_amount: 25000, is_single_use: true, status: 'ACTIVE' });
    expect(await post('/fixed_payment_code', { external_id: ref('fpc'), retail_outlet_name: '7ELEVEN', name: 'x', expected_amount: 25000 })).toMatchObject({ status: 400 });
    await sandbox.complete(externalId);
    expect(lastCallback().body).toMatchObject({ external_id: externalId, payment_code: res.body.payment_code, retail_outlet_name: 'ALFAMART', amount: 25000, status: 'COMPLETED', fixed_payment_code_id: res.body.id, owner_id: sandbox.businessId });
  });
});
