/**
 * A Xendit simulator on a loopback port: e-wallet charges, QR codes, callback virtual accounts, retail outlet
 * payment codes, payment requests (direct debit) and invoices, with Xendit's auth, validation and error bodies.
 * The payer "pays" by itself after `settleMs`, and each product calls the hub back in its own shape with the
 * x-callback-token header, retrying after a non-2xx answer. Control page at /_sandbox.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deliverWithRetries, escapeHtml, type DeliveryRecord } from '../shared/deliver.js';
import { listen } from '../shared/listen.js';
import { qrisString } from '../shared/qris.js';

export interface XenditSandboxOptions {
  secretKey: string;
  callbackToken: string;
  settleMs?: number;
  callbackUrl?: string;
  port?: number;
  host?: string;
  retryDelaysMs?: number[];
  log?: (message: string, data?: object) => void;
}

export type XenditFaultMode = 'timeout' | 'http500' | 'http503' | 'bad_json';
type Product = 'ewc' | 'qr' | 'va' | 'fpc' | 'pr' | 'inv';

export interface XenditPayment {
  referenceId: string;
  product: Product;
  id: string;
  amount: number;
  status: string;
  channel: string;
  refunded: number;
  created: string;
  updated: string;
  expiresAt: string;
  paidAt?: string;
  extra: Record<string, unknown>;
}

export interface XenditSandbox {
  url: string;
  stop(): Promise<void>;
  setCallbackUrl(url: string): void;
  complete(referenceId: string): Promise<void>;
  fail(referenceId: string): Promise<void>;
  expire(referenceId: string): Promise<void>;
  refund(referenceId: string, amountWhole?: number): Promise<void>;
  /** Decides a pending Refunds API refund and sends its callback. */
  settleRefund(refundId: string, outcome?: 'SUCCEEDED' | 'FAILED'): Promise<void>;
  readonly refunds: XenditRefund[];
  injectFaults(faults: { mode: XenditFaultMode; count: number; paths?: RegExp }): void;
  setDeliveryMode(mode: { duplicate?: boolean; outOfOrder?: boolean }): void;
  readonly payments: XenditPayment[];
  readonly callbacks: DeliveryRecord[];
}

export interface XenditRefund {
  id: string;
  invoice_id?: string;
  payment_request_id?: string;
  reference_id?: string;
  amount: number;
  currency: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  reason: string;
  metadata: Record<string, unknown> | null;
  created: string;
  updated: string;
}

const BANK_PREFIX: Record<string, string> = { BCA: '10766', BNI: '8808', BRI: '26215', MANDIRI: '88908', PERMATA: '8214', CIMB: '9103' };
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const hex = (n: number) => randomBytes(n).toString('hex');

export async function startXenditSandbox(options: XenditSandboxOptions): Promise<XenditSandbox> {
  const settleMs = options.settleMs ?? 3000;
  const retryDelaysMs = options.retryDelaysMs ?? [200, 500, 1000, 2000];
  const log = options.log ?? (() => {});
  const payments = new Map<string, XenditPayment>(); // by reference id
  const byId = new Map<string, XenditPayment>();
  const refunds = new Map<string, object>(); // answers by idempotency key
  const refundsById = new Map<string, { refund: XenditRefund; payment: XenditPayment }>();
  const callbacks: DeliveryRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let callbackUrl = options.callbackUrl;
  let faults: { mode: XenditFaultMode; remaining: number; paths?: RegExp } | undefined;
  let delivery = { duplicate: false, outOfOrder: false };
  let stopped = false;
  let baseUrl = '';

  const expectedAuth = `Basic ${Buffer.from(`${options.secretKey}:`).toString('base64')}`;
  const authorized = (header: string | undefined) =>
    timingSafeEqual(createHash('sha256').update(header ?? '').digest(), createHash('sha256').update(expectedAuth).digest());
  const error = (c: Context, status: number, error_code: string, message: string) => c.json({ error_code, message }, status as 400);
  const now = () => new Date().toISOString();

  function register(p: XenditPayment) {
    payments.set(p.referenceId, p);
    byId.set(p.id, p);
    log(`xendit sandbox: ${p.product} ${p.referenceId} ${p.amount}`);
    if (settleMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (p.status === 'PENDING' || p.status === 'ACTIVE' || p.status === 'REQUIRES_ACTION') void controls.complete(p.referenceId).catch(() => {});
      }, settleMs);
      timer.unref();
      timers.add(timer);
    }
  }

  // Payments made into a VA or a retail code, by Xendit's payment id: what the hub's confirmation lookups read
  // (GET /callback_virtual_account_payments/payment_id=…, GET /fixed_payment_code/:id/payments). One per code.
  const codePayments = new Map<string, { paymentId: string; body: Record<string, unknown> }>();
  function codePayment(p: XenditPayment, make: (paymentId: string) => Record<string, unknown>) {
    let record = codePayments.get(p.id);
    if (!record) {
      const paymentId = p.product === 'va' ? `pay-${hex(8)}` : hex(12);
      record = { paymentId, body: make(paymentId) };
      codePayments.set(p.id, record);
    }
    return record.body;
  }

  function callbackBody(p: XenditPayment, status = p.status): Record<string, unknown> {
    switch (p.product) {
      case 'ewc': {
        const event = status === 'VOIDED' ? 'ewallet.void' : p.refunded > 0 && status === 'SUCCEEDED' ? 'ewallet.refund' : 'ewallet.capture';
        return {
          event,
          business_id: 'sandbox-business',
          created: now(),
          data: { id: p.id, business_id: 'sandbox-business', reference_id: p.referenceId, status, currency: 'IDR', charge_amount: p.amount, capture_amount: p.amount, refunded_amount: p.refunded || null, checkout_method: 'ONE_TIME_PAYMENT', channel_code: p.channel, created: p.created, updated: now(), ...p.extra },
        };
      }
      case 'qr':
        return { event: 'qr.payment', api_version: '2022-07-31', business_id: 'sandbox-business', created: now(), data: { id: `qrpy_${randomUUID()}`, business_id: 'sandbox-business', currency: 'IDR', amount: p.amount, status, created: p.paidAt ?? now(), qr_id: p.id, qr_string: p.extra.qr_string, reference_id: p.referenceId, type: 'DYNAMIC', channel_code: 'ID_DANA', expires_at: p.expiresAt } };
      case 'va':
        return codePayment(p, (paymentId) => ({ id: hex(12), payment_id: paymentId, callback_virtual_account_id: p.id, owner_id: 'sandbox-owner', external_id: p.referenceId, account_number: p.extra.account_number, bank_code: p.channel, amount: p.amount, merchant_code: String(p.extra.account_number).slice(0, 5), transaction_timestamp: p.paidAt ?? now(), currency: 'IDR', created: now(), updated: now() }));
      case 'fpc':
        return codePayment(p, (paymentId) => ({ id: hex(12), external_id: p.referenceId, prefix: 'TEST', payment_code: p.extra.payment_code, retail_outlet_name: p.channel, name: 'SmartWealth User', amount: p.amount, status: status === 'PAID' ? 'COMPLETED' : status, transaction_timestamp: p.paidAt ?? now(), payment_id: `fpc-pay-${hex(6)}`, fixed_payment_code_payment_id: paymentId, fixed_payment_code_id: p.id, owner_id: 'sandbox-owner' }));
      case 'pr':
        return { event: status === 'SUCCEEDED' ? 'payment.succeeded' : status === 'FAILED' ? 'payment.failed' : 'payment.pending', business_id: 'sandbox-business', created: now(), data: { id: `py-${randomUUID()}`, payment_request_id: p.id, reference_id: p.referenceId, status, amount: p.amount, currency: 'IDR', channel_code: p.channel, updated: now() } };
      case 'inv':
        return { id: p.id, external_id: p.referenceId, user_id: 'sandbox-owner', status, merchant_name: 'SmartWealth', amount: p.amount, paid_amount: status === 'PAID' ? p.amount : undefined, paid_at: p.paidAt, currency: 'IDR', payment_method: 'EWALLET', payment_channel: 'OVO', created: p.created, updated: now() };
    }
  }

  async function callBack(p: XenditPayment): Promise<void> {
    if (!callbackUrl) return;
    const send = (status: string) =>
      deliverWithRetries({
        url: callbackUrl!,
        body: JSON.stringify(callbackBody(p, status)),
        headers: { 'x-callback-token': options.callbackToken },
        retryDelaysMs,
        isStopped: () => stopped,
        record: ({ attempt, httpStatus }) => callbacks.push({ orderId: p.referenceId, status, attempt, httpStatus, at: now() }),
      });
    await send(p.status);
    if (delivery.duplicate) await send(p.status);
    if (delivery.outOfOrder && (p.product === 'ewc' || p.product === 'pr' || p.product === 'inv')) await send('PENDING');
  }

  const controls = {
    async complete(referenceId: string) {
      const p = must(referenceId);
      p.paidAt = now();
      p.updated = p.paidAt;
      p.status = { ewc: 'SUCCEEDED', qr: 'SUCCEEDED', va: 'PAID', fpc: 'PAID', pr: 'SUCCEEDED', inv: 'PAID' }[p.product];
      await callBack(p);
      // A paid single-use code or QR turns inactive, as at Xendit.
      if (p.product === 'qr' || p.product === 'va' || p.product === 'fpc') p.extra.inactive = true;
    },
    async fail(referenceId: string) {
      const p = must(referenceId);
      p.status = 'FAILED';
      p.updated = now();
      await callBack(p);
    },
    async expire(referenceId: string) {
      const p = must(referenceId);
      p.status = p.product === 'inv' ? 'EXPIRED' : p.product === 'ewc' || p.product === 'pr' ? 'FAILED' : 'INACTIVE';
      p.expiresAt = new Date(Date.now() - 1000).toISOString();
      p.updated = now();
      if (p.product === 'inv' || p.product === 'ewc' || p.product === 'pr') await callBack(p);
    },
    async refund(referenceId: string, amountWhole?: number) {
      const p = must(referenceId);
      p.refunded += amountWhole ?? p.amount - p.refunded;
      await callBack(p);
    },
    async settleRefund(refundId: string, outcome: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED') {
      const entry = refundsById.get(refundId);
      if (!entry) throw new Error(`no sandbox refund ${refundId}`);
      if (entry.refund.status !== 'PENDING') return;
      entry.refund.status = outcome;
      entry.refund.updated = now();
      if (outcome === 'SUCCEEDED') entry.payment.refunded += entry.refund.amount;
      if (!callbackUrl) return;
      const event = outcome === 'SUCCEEDED' ? 'refund.succeeded' : 'refund.failed';
      await deliverWithRetries({
        url: callbackUrl,
        body: JSON.stringify({ event, business_id: 'sandbox-business', created: now(), data: { ...entry.refund } }),
        headers: { 'x-callback-token': options.callbackToken },
        retryDelaysMs,
        isStopped: () => stopped,
        record: ({ attempt, httpStatus }) => callbacks.push({ orderId: entry.payment.referenceId, status: event, attempt, httpStatus, at: now() }),
      });
    },
  };
  const inFlight = (p: XenditPayment) => [...refundsById.values()].filter((r) => r.payment === p && r.refund.status === 'PENDING').reduce((sum, r) => sum + r.refund.amount, 0);

  function must(referenceId: string): XenditPayment {
    const p = payments.get(referenceId);
    if (!p) throw new Error(`no sandbox payment ${referenceId}`);
    return p;
  }

  const app = new Hono();
  app.use('*', async (c, next) => {
    if (c.req.path.startsWith('/_sandbox')) return next();
    if (faults && faults.remaining > 0 && (!faults.paths || faults.paths.test(c.req.path))) {
      faults.remaining--;
      if (faults.mode === 'timeout') await new Promise((r) => setTimeout(r, 20_000).unref());
      if (faults.mode === 'http500') return error(c, 500, 'SERVER_ERROR', 'An unexpected error occured');
      if (faults.mode === 'http503') return error(c, 503, 'SERVICE_UNAVAILABLE', 'Service is temporarily unavailable');
      if (faults.mode === 'bad_json') return c.body('{"id": "ewc_', 200, { 'content-type': 'application/json' });
    }
    if (!authorized(c.req.header('authorization'))) return error(c, 401, 'INVALID_API_KEY', 'API key is not authorized for this API service');
    await next();
  });

  const body = async (c: Context) => (await c.req.json().catch(() => null)) as Record<string, any> | null;
  const validate = (b: Record<string, any> | null, required: string[], referenceField: string): string | undefined => {
    if (!b) return 'request body must be JSON';
    for (const field of required) if (b[field] === undefined || b[field] === '') return `"${field}" is required`;
    const amountField = b.amount !== undefined ? 'amount' : b.expected_amount !== undefined ? 'expected_amount' : undefined;
    if (amountField && (!Number.isInteger(b[amountField]) || b[amountField] < 1)) return `"${amountField}" must be a positive integer`;
    if (payments.has(b[referenceField])) return 'DUPLICATE';
    return undefined;
  };
  const reject = (c: Context, problem: string, referenceField: string) =>
    problem === 'DUPLICATE' ? error(c, 409, 'DUPLICATE_ERROR', `The ${referenceField} entered has been used before. Please enter a unique ${referenceField} and try again`) : error(c, 400, 'API_VALIDATION_ERROR', problem);
  const base = (product: Product, id: string, referenceId: string, amount: number, channel: string, status: string, expiresAt?: string): XenditPayment => ({
    referenceId,
    product,
    id,
    amount,
    status,
    channel,
    refunded: 0,
    created: now(),
    updated: now(),
    expiresAt: expiresAt ?? new Date(Date.now() + 86_400_000).toISOString(),
    extra: {},
  });

  app.post('/ewallets/charges', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['reference_id', 'currency', 'amount', 'checkout_method', 'channel_code'], 'reference_id');
    if (problem) return reject(c, problem, 'reference_id');
    if (b!.channel_code === 'ID_OVO' && !/^\+62\d{8,13}$/.test(b!.channel_properties?.mobile_number ?? '')) return error(c, 400, 'API_VALIDATION_ERROR', '"channel_properties.mobile_number" must be in E.164 format');
    const p = base('ewc', `ewc_${randomUUID()}`, b!.reference_id, b!.amount, b!.channel_code, 'PENDING');
    const checkout = `${baseUrl}/_sandbox/checkout/${p.id}`;
    p.extra = { channel_properties: b!.channel_properties ?? null, actions: b!.channel_code === 'ID_OVO' ? null : { desktop_web_checkout_url: checkout, mobile_web_checkout_url: checkout, mobile_deeplink_checkout_url: `${b!.channel_code.toLowerCase().replace('id_', '')}://pay?ref=${p.id}` } };
    register(p);
    return c.json({ id: p.id, business_id: 'sandbox-business', reference_id: p.referenceId, status: p.status, currency: 'IDR', charge_amount: p.amount, capture_amount: null, channel_code: p.channel, checkout_method: 'ONE_TIME_PAYMENT', is_redirect_required: b!.channel_code !== 'ID_OVO', created: p.created, updated: p.updated, ...p.extra }, 202);
  });
  app.get('/ewallets/charges/:id', (c) => {
    const p = byId.get(c.req.param('id'));
    if (!p) return error(c, 404, 'DATA_NOT_FOUND', 'Charge not found');
    return c.json({ id: p.id, reference_id: p.referenceId, status: p.status, currency: 'IDR', charge_amount: p.amount, capture_amount: p.status === 'SUCCEEDED' ? p.amount : null, refunded_amount: p.refunded || null, channel_code: p.channel, created: p.created, updated: p.updated });
  });
  app.post('/ewallets/charges/:id/void', async (c) => {
    const p = byId.get(c.req.param('id'));
    if (!p) return error(c, 404, 'DATA_NOT_FOUND', 'Charge not found');
    if (p.status !== 'PENDING' && p.status !== 'SUCCEEDED') return error(c, 400, 'INELIGIBLE_CHARGE_ERROR', 'Charge cannot be voided');
    p.status = 'VOIDED';
    p.updated = now();
    void callBack(p);
    return c.json({ id: p.id, reference_id: p.referenceId, status: p.status, void_status: 'SUCCEEDED' });
  });
  app.post('/ewallets/charges/:id/refunds', async (c) => {
    const p = byId.get(c.req.param('id'));
    if (!p) return error(c, 404, 'DATA_NOT_FOUND', 'Charge not found');
    const key = c.req.header('idempotency-key') ?? randomUUID();
    const seen = refunds.get(key);
    if (seen) return c.json(seen);
    const b = (await body(c)) ?? {};
    const amount = b.amount ?? p.amount - p.refunded;
    if (p.status !== 'SUCCEEDED' || amount > p.amount - p.refunded) return error(c, 400, 'INELIGIBLE_CHARGE_ERROR', 'Refund amount is more than the refundable amount');
    p.refunded += amount;
    const answer = { id: `ewr_${randomUUID()}`, charge_id: p.id, status: 'SUCCEEDED', refund_amount: amount, refunded_amount: p.refunded, currency: 'IDR', created: now() };
    refunds.set(key, answer);
    void callBack(p);
    return c.json(answer);
  });

  app.post('/qr_codes', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['reference_id', 'type', 'currency', 'amount'], 'reference_id');
    if (problem) return reject(c, problem, 'reference_id');
    const p = base('qr', `qr_${randomUUID()}`, b!.reference_id, b!.amount, 'QRIS', 'ACTIVE', b!.expires_at);
    p.extra = { qr_string: qrisString({ merchantName: 'SMARTWEALTH XENDIT', amountWhole: b!.amount, reference: b!.reference_id }) };
    register(p);
    return c.json({ id: p.id, reference_id: p.referenceId, business_id: 'sandbox-business', type: 'DYNAMIC', currency: 'IDR', amount: p.amount, channel_code: 'ID_DANA', status: 'ACTIVE', qr_string: p.extra.qr_string, expires_at: p.expiresAt, created: p.created, updated: p.updated }, 201);
  });
  app.get('/qr_codes/:id', (c) => {
    const p = byId.get(c.req.param('id'));
    if (!p) return error(c, 404, 'DATA_NOT_FOUND', 'QR code not found');
    return c.json({ id: p.id, reference_id: p.referenceId, status: p.extra.inactive || p.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE', amount: p.amount, expires_at: p.expiresAt, qr_string: p.extra.qr_string });
  });
  app.get('/qr_codes/:id/payments', (c) => {
    const p = byId.get(c.req.param('id'));
    if (!p) return error(c, 404, 'DATA_NOT_FOUND', 'QR code not found');
    return c.json({ data: p.status === 'SUCCEEDED' ? [{ id: `qrpy_${p.id}`, qr_id: p.id, reference_id: p.referenceId, amount: p.amount, status: 'SUCCEEDED', created: p.paidAt }] : [], has_more: false });
  });
  app.post('/qr_codes/:id/deactivate', (c) => {
    const p = byId.get(c.req.param('id'));
    if (!p) return error(c, 404, 'DATA_NOT_FOUND', 'QR code not found');
    p.status = 'INACTIVE';
    return c.json({ id: p.id, status: 'INACTIVE' });
  });

  app.post('/callback_virtual_accounts', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['external_id', 'bank_code', 'name'], 'external_id');
    if (problem) return reject(c, problem, 'external_id');
    if (!BANK_PREFIX[b!.bank_code]) return error(c, 400, 'BANK_NOT_SUPPORTED_ERROR', `bank_code ${b!.bank_code} is not supported`);
    const p = base('va', hex(12), b!.external_id, b!.expected_amount ?? 0, b!.bank_code, 'PENDING', b!.expiration_date);
    p.extra = { account_number: `${BANK_PREFIX[b!.bank_code]}${digits(b!.bank_code === 'BCA' ? 6 : 10)}` };
    register(p);
    // Becomes ACTIVE at once in the sandbox; Xendit reports PENDING in the create answer.
    p.status = 'ACTIVE';
    return c.json({ id: p.id, owner_id: 'sandbox-owner', external_id: p.referenceId, bank_code: p.channel, merchant_code: String(p.extra.account_number).slice(0, 5), name: b!.name, account_number: p.extra.account_number, expected_amount: p.amount, is_closed: true, is_single_use: true, expiration_date: p.expiresAt, currency: 'IDR', status: 'PENDING' });
  });
  const vaOrFpc = (path: string, label: string) => {
    app.get(`${path}/:id`, (c) => {
      const p = byId.get(c.req.param('id'));
      if (!p) return error(c, 404, 'CALLBACK_VIRTUAL_ACCOUNT_NOT_FOUND_ERROR', `${label} not found`);
      const expired = new Date(p.expiresAt).getTime() < Date.now();
      // As at Xendit: a paid single-use code reads INACTIVE, like a closed one, and the answer has no paid_at.
      return c.json({ id: p.id, external_id: p.referenceId, status: p.paidAt || expired || p.extra.inactive ? 'INACTIVE' : 'ACTIVE', expiration_date: p.expiresAt, expected_amount: p.amount, ...p.extra });
    });
    app.patch(`${path}/:id`, async (c) => {
      const p = byId.get(c.req.param('id'));
      if (!p) return error(c, 404, 'DATA_NOT_FOUND', `${label} not found`);
      const b = (await body(c)) ?? {};
      if (b.expiration_date) p.expiresAt = b.expiration_date;
      return c.json({ id: p.id, external_id: p.referenceId, expiration_date: p.expiresAt, status: 'INACTIVE' });
    });
  };
  vaOrFpc('/callback_virtual_accounts', 'Callback virtual account');
  // The payment made into a VA, by the payment_id its callback carried (Xendit's path puts the key in the segment).
  app.get('/callback_virtual_account_payments/:key', (c) => {
    const paymentId = c.req.param('key').replace(/^payment_id=/, '');
    const found = [...codePayments.values()].find((r) => r.paymentId === paymentId && 'callback_virtual_account_id' in r.body);
    if (!found) return error(c, 404, 'CALLBACK_VIRTUAL_ACCOUNT_PAYMENT_NOT_FOUND_ERROR', 'Callback virtual account payment not found');
    return c.json(found.body);
  });
  app.get('/fixed_payment_code/:id/payments', (c) => {
    const record = codePayments.get(c.req.param('id'));
    if (!byId.get(c.req.param('id'))) return error(c, 404, 'DATA_NOT_FOUND', 'Fixed payment code not found');
    const b = record?.body;
    return c.json({ data: b ? [{ id: b.fixed_payment_code_payment_id, fixed_payment_code_id: b.fixed_payment_code_id, payment_id: b.payment_id, external_id: b.external_id, amount: b.amount, status: 'COMPLETED', payment_code: b.payment_code, retail_outlet_name: b.retail_outlet_name, transaction_timestamp: b.transaction_timestamp }] : [], has_more: false });
  });

  app.post('/fixed_payment_code', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['external_id', 'retail_outlet_name', 'name', 'expected_amount'], 'external_id');
    if (problem) return reject(c, problem, 'external_id');
    const p = base('fpc', hex(12), b!.external_id, b!.expected_amount, b!.retail_outlet_name, 'ACTIVE', b!.expiration_date);
    p.extra = { payment_code: `TEST${digits(8)}` };
    register(p);
    return c.json({ id: p.id, owner_id: 'sandbox-owner', external_id: p.referenceId, retail_outlet_name: p.channel, prefix: 'TEST', name: b!.name, payment_code: p.extra.payment_code, expected_amount: p.amount, is_single_use: true, expiration_date: p.expiresAt, status: 'ACTIVE' });
  });
  vaOrFpc('/fixed_payment_code', 'Fixed payment code');

  app.post('/payment_requests', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['reference_id', 'amount', 'currency', 'payment_method'], 'reference_id');
    if (problem) return reject(c, problem, 'reference_id');
    const channel = b!.payment_method?.direct_debit?.channel_code ?? 'BRI';
    const p = base('pr', `pr-${randomUUID()}`, b!.reference_id, b!.amount, channel, 'REQUIRES_ACTION');
    register(p);
    return c.json({ id: p.id, reference_id: p.referenceId, amount: p.amount, currency: 'IDR', status: p.status, payment_method: { type: 'DIRECT_DEBIT', direct_debit: { channel_code: channel } }, actions: [{ action: 'AUTH', url_type: 'WEB', method: 'GET', url: `${baseUrl}/_sandbox/checkout/${p.id}` }], created: p.created, updated: p.updated }, 201);
  });
  const paymentRequestBody = (p: XenditPayment) => ({ id: p.id, reference_id: p.referenceId, amount: p.amount, currency: 'IDR', status: p.status, created: p.created, updated: p.updated });
  app.get('/payment_requests/:id', (c) => {
    const p = byId.get(c.req.param('id'));
    if (!p) return error(c, 404, 'DATA_NOT_FOUND', 'Payment request not found');
    return c.json(paymentRequestBody(p));
  });
  // Listing by our reference: how a charge whose answer was lost is found.
  app.get('/payment_requests', (c) => {
    const referenceId = c.req.query('reference_id');
    const found = [...payments.values()].filter((p) => p.product === 'pr' && (!referenceId || p.referenceId === referenceId));
    return c.json({ data: found.map(paymentRequestBody), has_more: false });
  });

  app.post('/v2/invoices', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['external_id', 'amount'], 'external_id');
    if (problem) return reject(c, problem, 'external_id');
    const p = base('inv', hex(12), b!.external_id, b!.amount, 'INVOICE', 'PENDING', new Date(Date.now() + (b!.invoice_duration ?? 86_400) * 1000).toISOString());
    register(p);
    return c.json({ id: p.id, external_id: p.referenceId, user_id: 'sandbox-owner', status: 'PENDING', merchant_name: 'SmartWealth', amount: p.amount, description: b!.description, expiry_date: p.expiresAt, invoice_url: `${baseUrl}/_sandbox/checkout/${p.id}`, currency: 'IDR', created: p.created, updated: p.updated });
  });
  const invoiceBody = (p: XenditPayment) => ({ id: p.id, external_id: p.referenceId, status: p.status, amount: p.amount, paid_at: p.paidAt, expiry_date: p.expiresAt, currency: 'IDR' });
  app.get('/v2/invoices/:id', (c) => {
    const p = byId.get(c.req.param('id'));
    if (!p) return error(c, 404, 'INVOICE_NOT_FOUND_ERROR', 'Invoice not found');
    return c.json(invoiceBody(p));
  });
  // By external_id (our order id): an array, as at Xendit.
  app.get('/v2/invoices', (c) => {
    const externalId = c.req.query('external_id');
    return c.json([...payments.values()].filter((p) => p.product === 'inv' && (!externalId || p.referenceId === externalId)).map(invoiceBody));
  });
  app.post('/invoices/:id/expire!', async (c) => {
    const p = byId.get(c.req.param('id'));
    if (!p) return error(c, 404, 'INVOICE_NOT_FOUND_ERROR', 'Invoice not found');
    if (p.status !== 'PENDING') return error(c, 400, 'INVALID_INVOICE_STATUS', 'Invoice cannot be expired');
    await controls.expire(p.referenceId);
    return c.json({ id: p.id, external_id: p.referenceId, status: 'EXPIRED' });
  });
  app.get('/refunds/:id', (c) => {
    const entry = refundsById.get(c.req.param('id'));
    return entry ? c.json(entry.refund) : error(c, 404, 'DATA_NOT_FOUND', 'Refund not found');
  });
  // The Refunds API answers PENDING and calls back refund.succeeded / refund.failed when the channel has decided
  // (after settleMs here, or by hand with settleRefund). The answer names the refund only, not a running total.
  app.post('/refunds', async (c) => {
    const key = c.req.header('idempotency-key') ?? randomUUID();
    const seen = refunds.get(key);
    if (seen) return c.json(seen);
    const b = (await body(c)) ?? {};
    const p = byId.get(b.invoice_id ?? b.payment_request_id);
    if (!p) return error(c, 404, 'DATA_NOT_FOUND', 'Payment not found');
    const amount = b.amount ?? p.amount - p.refunded - inFlight(p);
    if (!['PAID', 'SUCCEEDED', 'SETTLED'].includes(p.status) || amount > p.amount - p.refunded - inFlight(p)) return error(c, 400, 'INELIGIBLE_REFUND', 'Payment cannot be refunded for this amount');
    const refund: XenditRefund = {
      id: `rfd-${randomUUID()}`,
      ...(p.product === 'inv' ? { invoice_id: p.id } : { payment_request_id: p.id }),
      reference_id: b.reference_id,
      amount,
      currency: 'IDR',
      status: 'PENDING',
      reason: b.reason ?? 'REQUESTED_BY_CUSTOMER',
      metadata: b.metadata ?? null,
      created: now(),
      updated: now(),
    };
    refunds.set(key, refund);
    refundsById.set(refund.id, { refund, payment: p });
    if (settleMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        void controls.settleRefund(refund.id).catch(() => {});
      }, settleMs);
      timer.unref();
      timers.add(timer);
    }
    return c.json(refund);
  });

  // ---- control surface ----
  const control = new Hono();
  control.get('/', (c) => c.html(page([...payments.values()])));
  control.get('/payments', (c) => c.json([...payments.values()]));
  control.get('/checkout/:id', (c) => c.html(`<p>Sandbox checkout for ${escapeHtml(c.req.param('id'))}. Complete it at <a href="/_sandbox">/_sandbox</a>.</p>`));
  control.get('/refunds', (c) => c.json([...refundsById.values()].map((r) => r.refund)));
  control.post('/refunds/:id/:outcome{succeed|fail}', async (c) => {
    const { id, outcome } = c.req.param();
    if (!refundsById.has(id)) return c.json({ error: 'unknown refund' }, 404);
    await controls.settleRefund(id, outcome === 'succeed' ? 'SUCCEEDED' : 'FAILED');
    return c.json(refundsById.get(id)!.refund);
  });
  control.post('/payments/:referenceId/:action{complete|fail|expire|refund}', async (c) => {
    const { referenceId, action } = c.req.param();
    if (!payments.has(referenceId)) return c.json({ error: 'unknown payment' }, 404);
    await controls[action as keyof typeof controls](referenceId);
    return (c.req.header('accept') ?? '').includes('text/html') ? c.redirect('/_sandbox') : c.json(payments.get(referenceId));
  });
  control.post('/faults', async (c) => {
    const b = (await c.req.json()) as { mode: XenditFaultMode; count: number };
    faults = { mode: b.mode, remaining: b.count };
    return c.json({ ok: true });
  });
  app.route('/_sandbox', control);
  app.onError((err, c) => c.json({ error_code: 'SERVER_ERROR', message: `sandbox error: ${err.message}` }, 500));

  const server = await listen(app, options);
  baseUrl = server.url;

  return {
    url: baseUrl,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await server.close();
    },
    setCallbackUrl(url) {
      callbackUrl = url;
    },
    ...controls,
    injectFaults({ mode, count, paths }) {
      faults = { mode, remaining: count, paths };
    },
    setDeliveryMode(mode) {
      delivery = { duplicate: Boolean(mode.duplicate), outOfOrder: Boolean(mode.outOfOrder) };
    },
    get payments() {
      return [...payments.values()];
    },
    get callbacks() {
      return callbacks;
    },
    get refunds() {
      return [...refundsById.values()].map((r) => r.refund);
    },
  };
}

function page(payments: XenditPayment[]): string {
  const rows = payments
    .slice()
    .reverse()
    .map((p) => {
      const buttons = ['complete', 'fail', 'expire', 'refund']
        .map((a) => `<form method="post" action="/_sandbox/payments/${encodeURIComponent(p.referenceId)}/${a}" style="display:inline"><button>${a}</button></form>`)
        .join(' ');
      return `<tr><td>${escapeHtml(p.referenceId)}</td><td>${escapeHtml(p.product)} ${escapeHtml(p.channel)}</td><td>Rp${p.amount.toLocaleString('id-ID')}</td><td>${escapeHtml(p.status)}</td><td>${buttons}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Xendit sandbox</title>
<style>body{font-family:system-ui;margin:2rem}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style></head>
<body><h1>Xendit sandbox</h1><p>Payments made by the hub. Act as the payer (complete) or as Xendit (fail, expire, refund); the callback goes to the hub with the callback token.</p>
<table><tr><th>reference</th><th>product</th><th>amount</th><th>status</th><th></th></tr>${rows || '<tr><td colspan="5">No payments yet.</td></tr>'}</table></body></html>`;
}
