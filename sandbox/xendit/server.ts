/**
 * A Xendit simulator on the simulator kit: e-wallet charges, QR codes, callback virtual accounts, retail outlet
 * payment codes, invoices (v2), payment requests, refunds, customers and direct-debit payment methods (link with
 * an OTP or a redirect, then pay against the linked account), with Xendit's auth, validation and error bodies.
 *
 * It follows Xendit's rules: a cancelled, expired or deactivated payment is never paid afterwards; an e-wallet
 * charge is voided only once it has SUCCEEDED; refunds only where Xendit refunds (not OVO one-time payments, not
 * VAs, retail codes or QR codes); a payment request answers for the channel that was asked. The payer pays by
 * itself after `settleMs`; callbacks go to the hub through the kit with the x-callback-token header.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { escapeHtml, type DeliveryRecord } from '../shared/deliver.js';
import { createSimulatorKit, type FaultMode, type FaultSpec } from '../shared/kit.js';
import { qrisString } from '../shared/qris.js';
import { qrImageTag } from '../shared/qr-image.js';

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

export type XenditFaultMode = FaultMode;
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

export interface XenditRefund {
  id: string;
  invoice_id?: string;
  payment_request_id?: string;
  payment_id?: string;
  reference_id?: string;
  amount: number;
  currency: string;
  country?: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  reason: string;
  channel_code?: string;
  payment_method_type?: string;
  failure_code: string | null;
  refund_fee_amount: number | null;
  metadata: Record<string, unknown> | null;
  created: string;
  updated: string;
}

export interface XenditCustomer {
  id: string;
  reference_id: string;
  type: string;
  individual_detail: Record<string, unknown> | null;
  business_detail: Record<string, unknown> | null;
  email: string | null;
  mobile_number: string | null;
  phone_number: string | null;
  description: string | null;
  addresses: unknown[];
  identity_accounts: unknown[];
  kyc_documents: unknown[];
  metadata: Record<string, unknown> | null;
  created: string;
  updated: string;
}

/** A direct-debit payment method (a linked account): PENDING until the OTP or redirect step, then ACTIVE. */
export interface XenditPaymentMethod {
  id: string;
  customerId: string;
  channel: string;
  status: 'PENDING' | 'ACTIVE' | 'EXPIRED' | 'FAILED';
  authStep: 'otp' | 'redirect';
  channelProperties: Record<string, unknown>;
  created: string;
  updated: string;
  referenceId?: string;
}

export interface XenditSandbox {
  url: string;
  secretKey: string;
  businessId: string;
  stop(): Promise<void>;
  setCallbackUrl(url: string): void;
  complete(referenceId: string): Promise<void>;
  fail(referenceId: string): Promise<void>;
  expire(referenceId: string): Promise<void>;
  refund(referenceId: string, amountWhole?: number): Promise<void>;
  /** Decides a pending Refunds API refund and sends its callback. */
  settleRefund(refundId: string, outcome?: 'SUCCEEDED' | 'FAILED'): Promise<void>;
  /**
   * Someone refunds an invoice or payment request in Xendit's dashboard, not through the hub: a Refunds API refund
   * that succeeds at once and sends its refund.succeeded callback. `quiet` (a test hook) skips the callback, for a
   * test that delivers it itself; the refund lookup the hub confirms it with agrees either way.
   */
  dashboardRefund(referenceId: string, amountWhole: number, options?: { referenceId?: string; metadata?: Record<string, unknown>; quiet?: boolean }): Promise<XenditRefund>;
  /** The account holder approves a redirect-linked direct-debit method on the bank's page. */
  approveLink(paymentMethodId: string): Promise<void>;
  readonly refunds: XenditRefund[];
  readonly paymentMethods: XenditPaymentMethod[];
  readonly customers: XenditCustomer[];
  injectFaults(faults: Omit<FaultSpec, 'mode'> & { mode: XenditFaultMode }): void;
  setDeliveryMode(mode: { duplicate?: boolean; outOfOrder?: boolean }): void;
  readonly payments: XenditPayment[];
  readonly callbacks: DeliveryRecord[];
}

/** The OTP Xendit's test mode accepts for direct-debit linking. */
export const XENDIT_SANDBOX_OTP = '222000';
const BANK_PREFIX: Record<string, string> = { BCA: '10766', BNI: '8808', BRI: '26215', MANDIRI: '88908', PERMATA: '8214', CIMB: '9103', BSI: '9347', BJB: '1234' };
const EWALLET_CHANNELS = ['ID_OVO', 'ID_DANA', 'ID_LINKAJA', 'ID_SHOPEEPAY', 'ID_ASTRAPAY', 'ID_JENIUSPAY', 'ID_SAKUKU'];
/** Direct-debit channels and how their account holder proves the link: an OTP over the API, or the bank's page. */
const DIRECT_DEBIT_AUTH: Record<string, 'otp' | 'redirect'> = { BRI: 'otp', MANDIRI: 'redirect', BCA_ONEKLIK: 'redirect', BPI: 'redirect' };
const RETAIL_OUTLETS = ['INDOMARET', 'ALFAMART'];
/** Xendit refunds e-wallet charges, but not OVO one-time payments (OVO refunds need a linked account). */
const EWALLET_NOT_REFUNDABLE = ['ID_OVO'];
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const hex = (n: number) => randomBytes(n).toString('hex');
const PAYABLE = ['PENDING', 'ACTIVE', 'REQUIRES_ACTION'];

export async function startXenditSandbox(options: XenditSandboxOptions): Promise<XenditSandbox> {
  const settleMs = options.settleMs ?? 3000;
  const log = options.log ?? (() => {});
  // One business per secret key, as at Xendit (stable for a stable key).
  const businessId = createHash('sha256').update(options.secretKey).digest('hex').slice(0, 24);
  const payments = new Map<string, XenditPayment>(); // by reference id
  const byId = new Map<string, XenditPayment>();
  const refundAnswers = new Map<string, object>(); // by idempotency key
  const refundsById = new Map<string, { refund: XenditRefund; payment: XenditPayment }>();
  const customers = new Map<string, XenditCustomer>();
  const paymentMethods = new Map<string, XenditPaymentMethod>();
  let callbackUrl = options.callbackUrl;
  let latePending = false;
  let duplicateOutcome = false;
  let baseUrl = '';

  const kit = createSimulatorKit({
    name: 'Xendit',
    retryDelaysMs: options.retryDelaysMs,
    errorBody: (status) => (status === 500 ? { error_code: 'SERVER_ERROR', message: 'An unexpected error occured' } : { error_code: 'SERVICE_UNAVAILABLE', message: 'Service is temporarily unavailable' }),
  });
  const { api, control } = kit;

  const expectedAuth = `Basic ${Buffer.from(`${options.secretKey}:`).toString('base64')}`;
  const authorized = (header: string | undefined) =>
    timingSafeEqual(createHash('sha256').update(header ?? '').digest(), createHash('sha256').update(expectedAuth).digest());
  const error = (c: Context, status: number, error_code: string, message: string) => c.json({ error_code, message }, status as 400);
  const now = () => new Date().toISOString();

  api.use('*', async (c, next) => {
    if (!authorized(c.req.header('authorization'))) return error(c, 401, 'INVALID_API_KEY', 'API key is not authorized for this API service');
    await next();
  });
  api.onError((err, c) => c.json({ error_code: 'SERVER_ERROR', message: `sandbox error: ${err.message}` }, 500));

  function register(p: XenditPayment) {
    payments.set(p.referenceId, p);
    byId.set(p.id, p);
    log(`xendit sandbox: ${p.product} ${p.referenceId} ${p.amount}`);
    // The simulated payer pays later, unless the payment was cancelled, expired or deactivated meanwhile.
    if (settleMs > 0) kit.later(settleMs, () => (PAYABLE.includes(p.status) && !isPast(p.expiresAt) ? controls.complete(p.referenceId) : undefined));
    // It runs out at its expiry (a far expiry is beyond the timer's range and simply never comes here).
    kit.later(Math.max(0, new Date(p.expiresAt).getTime() - Date.now()), () => (PAYABLE.includes(p.status) ? controls.expire(p.referenceId) : undefined));
  }

  const paymentRequestBody = (p: XenditPayment, status = p.status) => ({
    id: p.id,
    business_id: businessId,
    reference_id: p.referenceId,
    customer_id: p.extra.customer_id ?? null,
    amount: p.amount,
    currency: 'IDR',
    country: 'ID',
    status,
    capture_method: 'AUTOMATIC',
    payment_method: { ...(p.extra.payment_method as object), status: status === 'SUCCEEDED' && (p.extra.payment_method as { reusability?: string }).reusability === 'ONE_TIME_USE' ? 'EXPIRED' : (p.extra.payment_method as { status: string }).status },
    actions: status === 'REQUIRES_ACTION' ? (p.extra.actions ?? []) : [],
    description: p.extra.description ?? null,
    metadata: p.extra.metadata ?? null,
    failure_code: status === 'FAILED' ? 'FAILED_BY_SANDBOX' : null,
    created: p.created,
    updated: p.updated,
  });

  const invoiceBody = (p: XenditPayment, status = p.status) => ({
    id: p.id,
    external_id: p.referenceId,
    user_id: businessId,
    status,
    merchant_name: 'SmartWealth Sandbox',
    merchant_profile_picture_url: 'https://du8nwjtfkinx.cloudfront.net/xendit.png',
    amount: p.amount,
    payer_email: p.extra.payer_email,
    description: p.extra.description,
    expiry_date: p.expiresAt,
    invoice_url: `${baseUrl}/_sandbox/checkout/${p.id}`,
    available_banks: ['BCA', 'BNI', 'BRI', 'MANDIRI', 'PERMATA'].map((bank_code) => ({ bank_code, collection_type: 'POOL', bank_branch: 'Virtual Account', account_holder_name: 'SMARTWEALTH SANDBOX', transfer_amount: p.amount })),
    available_retail_outlets: RETAIL_OUTLETS.map((retail_outlet_name) => ({ retail_outlet_name })),
    available_ewallets: ['OVO', 'DANA', 'SHOPEEPAY', 'LINKAJA'].map((ewallet_type) => ({ ewallet_type })),
    available_qr_codes: [{ qr_code_type: 'QRIS' }],
    available_direct_debits: [{ direct_debit_type: 'DD_BRI' }, { direct_debit_type: 'DD_MANDIRI' }],
    available_paylaters: [],
    should_exclude_credit_card: false,
    should_send_email: false,
    success_redirect_url: p.extra.success_redirect_url,
    failure_redirect_url: p.extra.failure_redirect_url,
    currency: 'IDR',
    ...(status === 'PAID' || status === 'SETTLED' ? { paid_amount: p.amount, paid_at: p.paidAt, payment_method: 'EWALLET', payment_channel: 'DANA' } : {}),
    created: p.created,
    updated: p.updated,
  });

  const ewalletBody = (p: XenditPayment, status = p.status) => ({
    id: p.id,
    business_id: businessId,
    reference_id: p.referenceId,
    status,
    currency: 'IDR',
    charge_amount: p.amount,
    capture_amount: status === 'SUCCEEDED' || status === 'VOIDED' ? p.amount : null,
    refunded_amount: p.refunded || null,
    checkout_method: 'ONE_TIME_PAYMENT',
    channel_code: p.channel,
    channel_properties: p.extra.channel_properties ?? null,
    actions: p.extra.actions ?? null,
    is_redirect_required: p.channel !== 'ID_OVO' && p.channel !== 'ID_JENIUSPAY',
    callback_url: callbackUrl ?? null,
    created: p.created,
    updated: p.updated,
    voided_at: p.extra.voided_at ?? null,
    capture_now: true,
    customer_id: null,
    payment_method_id: null,
    failure_code: status === 'FAILED' ? 'USER_DID_NOT_AUTHORIZE_THE_PAYMENT' : null,
    basket: null,
    metadata: p.extra.metadata ?? null,
  });

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
        return { event, business_id: businessId, created: now(), data: ewalletBody(p, status) };
      }
      case 'qr':
        return { event: 'qr.payment', api_version: '2022-07-31', business_id: businessId, created: now(), data: { id: `qrpy_${randomUUID()}`, business_id: businessId, currency: 'IDR', amount: p.amount, status, created: p.paidAt ?? now(), qr_id: p.id, qr_string: p.extra.qr_string, reference_id: p.referenceId, type: 'DYNAMIC', channel_code: 'ID_DANA', expires_at: p.expiresAt, payment_detail: { receipt_id: digits(12), source: 'DANA' } } };
      case 'va':
        return codePayment(p, (paymentId) => ({ id: hex(12), payment_id: paymentId, callback_virtual_account_id: p.id, owner_id: businessId, external_id: p.referenceId, account_number: p.extra.account_number, bank_code: p.channel, amount: p.amount, merchant_code: BANK_PREFIX[p.channel] ?? String(p.extra.account_number).slice(0, 5), transaction_timestamp: p.paidAt ?? now(), currency: 'IDR', created: now(), updated: now() }));
      case 'fpc':
        return codePayment(p, (paymentId) => ({ id: hex(12), external_id: p.referenceId, prefix: 'TEST', payment_code: p.extra.payment_code, retail_outlet_name: p.channel, name: p.extra.name ?? 'SmartWealth User', amount: p.amount, status: status === 'PAID' ? 'COMPLETED' : status, transaction_timestamp: p.paidAt ?? now(), payment_id: `fpc-pay-${hex(6)}`, fixed_payment_code_payment_id: paymentId, fixed_payment_code_id: p.id, owner_id: businessId }));
      case 'pr':
        return {
          event: status === 'SUCCEEDED' ? 'payment.succeeded' : status === 'FAILED' ? 'payment.failed' : 'payment.pending',
          business_id: businessId,
          created: now(),
          data: { id: `py-${randomUUID()}`, business_id: businessId, payment_request_id: p.id, reference_id: p.referenceId, customer_id: p.extra.customer_id ?? null, status, amount: p.amount, currency: 'IDR', country: 'ID', channel_code: p.channel, payment_method: paymentRequestBody(p, status).payment_method, failure_code: status === 'FAILED' ? 'FAILED_BY_SANDBOX' : null, created: p.created, updated: now() },
        };
      case 'inv':
        return invoiceBody(p, status);
    }
  }

  async function deliverCallback(body: Record<string, unknown>, label: string): Promise<void> {
    if (!callbackUrl) return;
    await kit.deliver({ url: callbackUrl, body: JSON.stringify(body), headers: { 'x-callback-token': options.callbackToken }, label });
  }

  async function callBack(p: XenditPayment): Promise<void> {
    await deliverCallback(callbackBody(p), `${p.referenceId} ${p.status}`);
    if (duplicateOutcome) await deliverCallback(callbackBody(p), `${p.referenceId} ${p.status}`);
    // Out of order: a stale PENDING after the outcome, as a late retried delivery would arrive.
    if (latePending && (p.product === 'ewc' || p.product === 'pr' || p.product === 'inv')) await deliverCallback(callbackBody(p, 'PENDING'), `${p.referenceId} PENDING`);
  }

  function must(referenceId: string): XenditPayment {
    const p = payments.get(referenceId);
    if (!p) throw new Error(`no sandbox payment ${referenceId}`);
    return p;
  }

  const controls = {
    async complete(referenceId: string) {
      const p = must(referenceId);
      if (!PAYABLE.includes(p.status) || p.extra.inactive) throw new Error(`sandbox payment ${referenceId} is ${p.status}; it cannot be paid`);
      p.paidAt = now();
      p.updated = p.paidAt;
      p.status = { ewc: 'SUCCEEDED', qr: 'SUCCEEDED', va: 'PAID', fpc: 'PAID', pr: 'SUCCEEDED', inv: 'PAID' }[p.product];
      // A paid single-use code or QR turns inactive, as at Xendit.
      if (p.product === 'qr' || p.product === 'va' || p.product === 'fpc') p.extra.inactive = true;
      await callBack(p);
    },
    async fail(referenceId: string) {
      const p = must(referenceId);
      if (!PAYABLE.includes(p.status)) throw new Error(`sandbox payment ${referenceId} is ${p.status}; it cannot fail now`);
      p.status = 'FAILED';
      p.updated = now();
      await callBack(p);
    },
    async expire(referenceId: string) {
      const p = must(referenceId);
      if (!PAYABLE.includes(p.status)) throw new Error(`sandbox payment ${referenceId} is ${p.status}; it cannot expire now`);
      p.status = p.product === 'inv' ? 'EXPIRED' : p.product === 'ewc' || p.product === 'pr' ? 'FAILED' : 'INACTIVE';
      if (p.product === 'ewc' || p.product === 'pr') p.extra.failure_code = 'EXPIRED';
      p.expiresAt = new Date(Date.now() - 1000).toISOString();
      p.updated = now();
      if (p.product === 'inv' || p.product === 'ewc' || p.product === 'pr') await callBack(p);
    },
    async refund(referenceId: string, amountWhole?: number) {
      const p = must(referenceId);
      const amount = amountWhole ?? p.amount - p.refunded;
      const refusal = refundRefusal(p, amount);
      if (refusal) throw new Error(refusal.message);
      p.refunded += amount;
      await callBack(p);
    },
    async settleRefund(refundId: string, outcome: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED') {
      const entry = refundsById.get(refundId);
      if (!entry) throw new Error(`no sandbox refund ${refundId}`);
      if (entry.refund.status !== 'PENDING') return;
      entry.refund.status = outcome;
      entry.refund.failure_code = outcome === 'FAILED' ? 'REFUND_FAILED' : null;
      entry.refund.updated = now();
      if (outcome === 'SUCCEEDED') entry.payment.refunded += entry.refund.amount;
      const event = outcome === 'SUCCEEDED' ? 'refund.succeeded' : 'refund.failed';
      await deliverCallback({ event, business_id: businessId, created: now(), data: { ...entry.refund } }, `${entry.payment.referenceId} ${event}`);
    },
    async dashboardRefund(referenceId: string, amountWhole: number, refundOptions: { referenceId?: string; metadata?: Record<string, unknown>; quiet?: boolean } = {}) {
      const p = must(referenceId);
      if (p.product !== 'inv' && p.product !== 'pr') throw new Error(`sandbox payment ${referenceId} is not an invoice or a payment request`);
      const refusal = refundRefusal(p, amountWhole);
      if (refusal) throw new Error(refusal.message);
      const refund: XenditRefund = {
        id: `rfd-${randomUUID()}`,
        ...(p.product === 'inv' ? { invoice_id: p.id } : { payment_request_id: p.id }),
        payment_id: p.product === 'pr' ? `py-${p.id.slice(3)}` : p.id,
        reference_id: refundOptions.referenceId,
        amount: amountWhole,
        currency: 'IDR',
        country: 'ID',
        channel_code: p.channel,
        payment_method_type: p.product === 'pr' ? String((p.extra.payment_method as { type?: string }).type) : 'INVOICE',
        status: 'SUCCEEDED',
        reason: 'OTHERS',
        failure_code: null,
        refund_fee_amount: null,
        metadata: refundOptions.metadata ?? null,
        created: now(),
        updated: now(),
      };
      refundsById.set(refund.id, { refund, payment: p });
      p.refunded += amountWhole;
      if (!refundOptions.quiet) await deliverCallback({ event: 'refund.succeeded', business_id: businessId, created: now(), data: { ...refund } }, `${p.referenceId} refund.succeeded`);
      return { ...refund };
    },
    async approveLink(paymentMethodId: string) {
      const pm = paymentMethods.get(paymentMethodId);
      if (!pm) throw new Error(`no sandbox payment method ${paymentMethodId}`);
      if (pm.status !== 'PENDING') throw new Error(`payment method ${paymentMethodId} is ${pm.status}`);
      activate(pm);
      // As Xendit does once the holder approved on the bank's page (the OTP path answers the auth call instead).
      await deliverCallback({ event: 'payment_method.activated', business_id: businessId, created: now(), data: paymentMethodBody(pm) }, `${pm.id} payment_method.activated`);
    },
  };
  const inFlight = (p: XenditPayment) => [...refundsById.values()].filter((r) => r.payment === p && r.refund.status === 'PENDING').reduce((sum, r) => sum + r.refund.amount, 0);

  /** Xendit's refund rules for a payment; undefined when the refund may go ahead. */
  function refundRefusal(p: XenditPayment, amount: number): { code: string; message: string } | undefined {
    if (p.product === 'va' || p.product === 'fpc' || p.product === 'qr') return { code: 'REFUND_NOT_SUPPORTED', message: `${p.channel} payments cannot be refunded through the API; return the money by disbursement` };
    if (p.product === 'ewc' && EWALLET_NOT_REFUNDABLE.includes(p.channel)) return { code: 'REFUND_NOT_SUPPORTED', message: `${p.channel} one-time payments cannot be refunded` };
    if (!['PAID', 'SUCCEEDED', 'SETTLED'].includes(p.status)) return { code: 'INELIGIBLE_REFUND', message: `a ${p.status} payment cannot be refunded` };
    if (!Number.isInteger(amount) || amount < 1 || amount > p.amount - p.refunded - inFlight(p)) return { code: 'INELIGIBLE_REFUND', message: 'Refund amount is more than the refundable amount' };
    return undefined;
  }

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

  // ---- e-wallet charges ----
  api.post('/ewallets/charges', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['reference_id', 'currency', 'amount', 'checkout_method', 'channel_code'], 'reference_id');
    if (problem) return reject(c, problem, 'reference_id');
    if (!EWALLET_CHANNELS.includes(b!.channel_code)) return error(c, 400, 'API_VALIDATION_ERROR', `"channel_code" must be one of ${EWALLET_CHANNELS.join(', ')}`);
    if (b!.channel_code === 'ID_OVO' && !/^\+62\d{8,13}$/.test(b!.channel_properties?.mobile_number ?? '')) return error(c, 400, 'API_VALIDATION_ERROR', '"channel_properties.mobile_number" must be in E.164 format');
    if (b!.channel_code !== 'ID_OVO' && !b!.channel_properties?.success_redirect_url) return error(c, 400, 'API_VALIDATION_ERROR', '"channel_properties.success_redirect_url" is required');
    const p = base('ewc', `ewc_${randomUUID()}`, b!.reference_id, b!.amount, b!.channel_code, 'PENDING');
    const checkout = `${baseUrl}/_sandbox/checkout/${p.id}`;
    p.extra = {
      channel_properties: b!.channel_properties ?? null,
      metadata: b!.metadata ?? null,
      // Per channel, as Xendit's checkout-methods table shows: OVO pushes to the app (no redirect), ShopeePay opens
      // its app (deeplink or QR), DANA/LinkAja/AstraPay use web checkout pages.
      actions:
        b!.channel_code === 'ID_OVO' || b!.channel_code === 'ID_JENIUSPAY'
          ? null
          : b!.channel_code === 'ID_SHOPEEPAY'
            ? { desktop_web_checkout_url: null, mobile_web_checkout_url: null, mobile_deeplink_checkout_url: `shopeeid://pay?ref=${p.id}`, qr_checkout_string: qrisString({ merchantName: 'SMARTWEALTH XENDIT', amountWhole: b!.amount, reference: b!.reference_id }) }
            : { desktop_web_checkout_url: checkout, mobile_web_checkout_url: checkout, mobile_deeplink_checkout_url: null, qr_checkout_string: null },
    };
    register(p);
    return c.json(ewalletBody(p), 202);
  });
  api.get('/ewallets/charges/:id', (c) => {
    const p = byId.get(c.req.param('id'));
    return p?.product === 'ewc' ? c.json(ewalletBody(p)) : error(c, 404, 'DATA_NOT_FOUND', 'Charge not found');
  });
  // Void is for a charge that has SUCCEEDED (same day, in full); a PENDING one cannot be voided.
  api.post('/ewallets/charges/:id/void', (c) => {
    const p = byId.get(c.req.param('id'));
    if (p?.product !== 'ewc') return error(c, 404, 'DATA_NOT_FOUND', 'Charge not found');
    if (p.status !== 'SUCCEEDED' || p.refunded > 0) return error(c, 400, 'INELIGIBLE_CHARGE_ERROR', `Only a SUCCEEDED charge that has not been refunded can be voided; this charge is ${p.status}`);
    p.status = 'VOIDED';
    p.extra.voided_at = now();
    p.updated = now();
    void callBack(p);
    return c.json({ ...ewalletBody(p), void_status: 'SUCCEEDED' });
  });
  api.post('/ewallets/charges/:id/refunds', async (c) => {
    const p = byId.get(c.req.param('id'));
    if (p?.product !== 'ewc') return error(c, 404, 'DATA_NOT_FOUND', 'Charge not found');
    const key = c.req.header('idempotency-key') ?? randomUUID();
    const seen = refundAnswers.get(key);
    if (seen) return c.json(seen);
    const b = (await body(c)) ?? {};
    const amount = b.amount ?? p.amount - p.refunded;
    const refusal = refundRefusal(p, amount);
    if (refusal) return error(c, 400, refusal.code, refusal.message);
    p.refunded += amount;
    const answer = { id: `ewr_${randomUUID()}`, charge_id: p.id, status: 'SUCCEEDED', currency: 'IDR', channel_code: p.channel, capture_amount: p.amount, refund_amount: amount, refunded_amount: p.refunded, reason: b.reason ?? 'REQUESTED_BY_CUSTOMER', failure_code: null, created: now(), updated: now() };
    refundAnswers.set(key, answer);
    void callBack(p);
    return c.json(answer);
  });

  // ---- QR codes (api-version 2022-07-31) ----
  const qrBody = (p: XenditPayment) => ({
    id: p.id,
    reference_id: p.referenceId,
    business_id: businessId,
    type: 'DYNAMIC',
    currency: 'IDR',
    amount: p.amount,
    channel_code: 'ID_DANA',
    status: p.extra.inactive || p.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    qr_string: p.extra.qr_string,
    expires_at: p.expiresAt,
    metadata: p.extra.metadata ?? null,
    created: p.created,
    updated: p.updated,
  });
  api.post('/qr_codes', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['reference_id', 'type', 'currency'], 'reference_id');
    if (problem) return reject(c, problem, 'reference_id');
    if (b!.type === 'DYNAMIC' && b!.amount === undefined) return error(c, 400, 'API_VALIDATION_ERROR', '"amount" is required for a DYNAMIC QR code');
    const p = base('qr', `qr_${randomUUID()}`, b!.reference_id, b!.amount, 'QRIS', 'ACTIVE', b!.expires_at);
    p.extra = { qr_string: qrisString({ merchantName: 'SMARTWEALTH XENDIT', amountWhole: b!.amount, reference: b!.reference_id }), metadata: b!.metadata ?? null };
    register(p);
    return c.json(qrBody(p), 201);
  });
  api.get('/qr_codes/:id', (c) => {
    const p = byId.get(c.req.param('id'));
    return p?.product === 'qr' ? c.json(qrBody(p)) : error(c, 404, 'DATA_NOT_FOUND', 'QR code not found');
  });
  api.get('/qr_codes/:id/payments', (c) => {
    const p = byId.get(c.req.param('id'));
    if (p?.product !== 'qr') return error(c, 404, 'DATA_NOT_FOUND', 'QR code not found');
    return c.json({ data: p.status === 'SUCCEEDED' ? [{ id: `qrpy_${p.id}`, business_id: businessId, qr_id: p.id, reference_id: p.referenceId, type: 'DYNAMIC', currency: 'IDR', amount: p.amount, channel_code: 'ID_DANA', status: 'SUCCEEDED', created: p.paidAt, payment_detail: { receipt_id: digits(12), source: 'DANA' } }] : [], has_more: false });
  });
  api.post('/qr_codes/:id/deactivate', (c) => {
    const p = byId.get(c.req.param('id'));
    if (p?.product !== 'qr') return error(c, 404, 'DATA_NOT_FOUND', 'QR code not found');
    if (p.status === 'SUCCEEDED') return error(c, 400, 'INACTIVE_QR_CODE', 'The QR code has been paid and is already inactive');
    p.status = 'INACTIVE';
    p.updated = now();
    return c.json(qrBody(p));
  });

  // ---- callback virtual accounts and retail outlet payment codes ----
  const vaBody = (p: XenditPayment, status?: string) => ({
    id: p.id,
    owner_id: businessId,
    external_id: p.referenceId,
    bank_code: p.channel,
    merchant_code: BANK_PREFIX[p.channel] ?? String(p.extra.account_number).slice(0, 5),
    name: p.extra.name,
    account_number: p.extra.account_number,
    expected_amount: p.amount,
    is_closed: true,
    is_single_use: true,
    expiration_date: p.expiresAt,
    currency: 'IDR',
    country: 'ID',
    status: status ?? (p.paidAt || isPast(p.expiresAt) || p.extra.inactive || p.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE'),
  });
  const fpcBody = (p: XenditPayment, status?: string) => ({
    id: p.id,
    owner_id: businessId,
    external_id: p.referenceId,
    retail_outlet_name: p.channel,
    prefix: 'TEST',
    name: p.extra.name,
    payment_code: p.extra.payment_code,
    expected_amount: p.amount,
    is_single_use: true,
    expiration_date: p.expiresAt,
    status: status ?? (p.paidAt || isPast(p.expiresAt) || p.extra.inactive || p.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE'),
  });
  api.post('/callback_virtual_accounts', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['external_id', 'bank_code', 'name'], 'external_id');
    if (problem) return reject(c, problem, 'external_id');
    if (!BANK_PREFIX[b!.bank_code]) return error(c, 400, 'BANK_NOT_SUPPORTED_ERROR', `bank_code ${b!.bank_code} is not supported`);
    const p = base('va', hex(12), b!.external_id, b!.expected_amount ?? 0, b!.bank_code, 'ACTIVE', b!.expiration_date);
    p.extra = { account_number: `${BANK_PREFIX[b!.bank_code]}${digits(b!.bank_code === 'BCA' ? 6 : 10)}`, name: b!.name };
    register(p);
    // Xendit answers PENDING while the bank registers the account, then ACTIVE.
    return c.json(vaBody(p, 'PENDING'));
  });
  api.post('/fixed_payment_code', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['external_id', 'retail_outlet_name', 'name', 'expected_amount'], 'external_id');
    if (problem) return reject(c, problem, 'external_id');
    if (!RETAIL_OUTLETS.includes(b!.retail_outlet_name)) return error(c, 400, 'API_VALIDATION_ERROR', `"retail_outlet_name" must be one of ${RETAIL_OUTLETS.join(', ')}`);
    const p = base('fpc', hex(12), b!.external_id, b!.expected_amount, b!.retail_outlet_name, 'ACTIVE', b!.expiration_date);
    p.extra = { payment_code: `TEST${digits(8)}`, name: b!.name };
    register(p);
    return c.json(fpcBody(p));
  });
  for (const [path, product, label, render] of [
    ['/callback_virtual_accounts', 'va', 'CALLBACK_VIRTUAL_ACCOUNT_NOT_FOUND_ERROR', vaBody],
    ['/fixed_payment_code', 'fpc', 'DATA_NOT_FOUND', fpcBody],
  ] as const) {
    // As at Xendit: a paid single-use code reads INACTIVE, like a closed one, and the answer has no paid_at.
    api.get(`${path}/:id`, (c) => {
      const p = byId.get(c.req.param('id'));
      return p?.product === product ? c.json(render(p)) : error(c, 404, label, 'not found');
    });
    // Moving the expiry into the past closes the code: it can no longer be paid.
    api.patch(`${path}/:id`, async (c) => {
      const p = byId.get(c.req.param('id'));
      if (p?.product !== product) return error(c, 404, label, 'not found');
      const b = (await body(c)) ?? {};
      if (b.expected_amount !== undefined) p.amount = b.expected_amount;
      if (b.expiration_date) {
        p.expiresAt = b.expiration_date;
        if (isPast(p.expiresAt) && PAYABLE.includes(p.status)) p.status = 'INACTIVE';
      }
      p.updated = now();
      return c.json(render(p));
    });
  }

  // The payment made into a VA, by the payment_id its callback carried (Xendit's path puts the key in the segment).
  api.get('/callback_virtual_account_payments/:key', (c) => {
    const paymentId = c.req.param('key').replace(/^payment_id=/, '');
    const found = [...codePayments.values()].find((r) => r.paymentId === paymentId && 'callback_virtual_account_id' in r.body);
    if (!found) return error(c, 404, 'CALLBACK_VIRTUAL_ACCOUNT_PAYMENT_NOT_FOUND_ERROR', 'Callback virtual account payment not found');
    return c.json(found.body);
  });
  api.get('/fixed_payment_code/:id/payments', (c) => {
    if (byId.get(c.req.param('id'))?.product !== 'fpc') return error(c, 404, 'DATA_NOT_FOUND', 'Fixed payment code not found');
    const b = codePayments.get(c.req.param('id'))?.body;
    return c.json({ data: b ? [{ id: b.fixed_payment_code_payment_id, fixed_payment_code_id: b.fixed_payment_code_id, payment_id: b.payment_id, external_id: b.external_id, amount: b.amount, status: 'COMPLETED', payment_code: b.payment_code, retail_outlet_name: b.retail_outlet_name, transaction_timestamp: b.transaction_timestamp }] : [], has_more: false });
  });

  // ---- customers and direct-debit payment methods (linked accounts) ----
  api.post('/customers', async (c) => {
    const b = await body(c);
    if (!b?.reference_id) return error(c, 400, 'API_VALIDATION_ERROR', '"reference_id" is required');
    if ([...customers.values()].some((x) => x.reference_id === b.reference_id)) return error(c, 409, 'DUPLICATE_ERROR', 'A customer with this reference_id already exists');
    if (b.mobile_number && !/^\+\d{8,15}$/.test(b.mobile_number)) return error(c, 400, 'API_VALIDATION_ERROR', '"mobile_number" must be in E.164 format');
    const customer: XenditCustomer = {
      id: `cust-${randomUUID()}`,
      reference_id: b.reference_id,
      type: b.type ?? 'INDIVIDUAL',
      individual_detail: b.individual_detail ?? null,
      business_detail: b.business_detail ?? null,
      email: b.email ?? null,
      mobile_number: b.mobile_number ?? null,
      phone_number: b.phone_number ?? null,
      description: b.description ?? null,
      addresses: b.addresses ?? [],
      identity_accounts: b.identity_accounts ?? [],
      kyc_documents: b.kyc_documents ?? [],
      metadata: b.metadata ?? null,
      created: now(),
      updated: now(),
    };
    customers.set(customer.id, customer);
    return c.json(customer, 201);
  });
  api.get('/customers/:id', (c) => {
    const customer = customers.get(c.req.param('id'));
    return customer ? c.json(customer) : error(c, 404, 'DATA_NOT_FOUND', 'Customer not found');
  });

  function paymentMethodBody(pm: XenditPaymentMethod) {
    const authAction =
      pm.status !== 'PENDING'
        ? []
        : pm.authStep === 'otp'
          ? [{ action: 'AUTH', url_type: 'API', method: 'POST', url: `/v2/payment_methods/${pm.id}/auth` }]
          : [{ action: 'AUTH', url_type: 'WEB', method: 'GET', url: `${baseUrl}/_sandbox/link/${pm.id}` }];
    return {
      id: pm.id,
      business_id: businessId,
      customer_id: pm.customerId,
      reference_id: pm.referenceId ?? null,
      type: 'DIRECT_DEBIT',
      country: 'ID',
      reusability: 'MULTIPLE_USE',
      status: pm.status,
      actions: authAction,
      direct_debit: {
        channel_code: pm.channel,
        channel_properties: pm.channelProperties,
        type: pm.channel === 'BRI' ? 'DEBIT_CARD' : 'BANK_ACCOUNT',
        ...(pm.status === 'ACTIVE' ? { debit_card: pm.channel === 'BRI' ? { mobile_number: pm.channelProperties.mobile_number, card_last_four: pm.channelProperties.card_last_four ?? '8888', card_expiry: pm.channelProperties.card_expiry ?? '06/30' } : null, bank_account: pm.channel === 'BRI' ? null : { masked_bank_account_number: `XXXXXX${digits(4)}`, bank_account_hash: hex(16) } } : {}),
      },
      failure_code: pm.status === 'FAILED' ? 'AUTHENTICATION_FAILED' : null,
      description: null,
      metadata: null,
      billing_information: null,
      created: pm.created,
      updated: pm.updated,
    };
  }
  function activate(pm: XenditPaymentMethod) {
    pm.status = 'ACTIVE';
    pm.updated = now();
  }

  api.post('/v2/payment_methods', async (c) => {
    const b = await body(c);
    if (!b || b.type !== 'DIRECT_DEBIT') return error(c, 400, 'API_VALIDATION_ERROR', 'this sandbox links "type": "DIRECT_DEBIT" payment methods; e-wallets, VAs, QR codes and retail codes are charged directly');
    if (!b.customer_id || !customers.has(b.customer_id)) return error(c, 400, 'CUSTOMER_NOT_FOUND_ERROR', '"customer_id" must name a customer made with POST /customers');
    const channel = b.direct_debit?.channel_code;
    const authStep = DIRECT_DEBIT_AUTH[channel];
    if (!authStep) return error(c, 400, 'CHANNEL_NOT_ACTIVATED', `direct debit channel ${channel} is not activated (sandbox: ${Object.keys(DIRECT_DEBIT_AUTH).join(', ')})`);
    const props = b.direct_debit?.channel_properties ?? {};
    if (authStep === 'otp' && !/^\+62\d{8,13}$/.test(props.mobile_number ?? '')) return error(c, 400, 'API_VALIDATION_ERROR', `"direct_debit.channel_properties.mobile_number" (E.164) is required for ${channel}: the OTP is sent there`);
    if (authStep === 'redirect' && !props.success_return_url) return error(c, 400, 'API_VALIDATION_ERROR', `"direct_debit.channel_properties.success_return_url" is required for ${channel}: the account holder comes back there`);
    const pm: XenditPaymentMethod = { id: `pm-${randomUUID()}`, customerId: b.customer_id, channel, status: 'PENDING', authStep, channelProperties: props, created: now(), updated: now(), referenceId: b.reference_id };
    paymentMethods.set(pm.id, pm);
    log(`xendit sandbox: direct debit link ${pm.id} ${channel} (${authStep})`);
    return c.json(paymentMethodBody(pm), 201);
  });
  api.get('/v2/payment_methods/:id', (c) => {
    const pm = paymentMethods.get(c.req.param('id'));
    return pm ? c.json(paymentMethodBody(pm)) : error(c, 404, 'DATA_NOT_FOUND', 'Payment method not found');
  });
  api.get('/v2/payment_methods', (c) => {
    const customerId = c.req.query('customer_id');
    return c.json({ data: [...paymentMethods.values()].filter((pm) => !customerId || pm.customerId === customerId).map(paymentMethodBody), has_more: false });
  });
  // The OTP step: the code the bank texted to the account holder's phone.
  api.post('/v2/payment_methods/:id/auth', async (c) => {
    const pm = paymentMethods.get(c.req.param('id'));
    if (!pm) return error(c, 404, 'DATA_NOT_FOUND', 'Payment method not found');
    if (pm.status !== 'PENDING') return error(c, 409, 'INVALID_PAYMENT_METHOD_STATUS', `the payment method is ${pm.status}`);
    if (pm.authStep !== 'otp') return error(c, 400, 'INVALID_AUTH_METHOD', `${pm.channel} links on the bank's page (the AUTH action URL), not with an OTP`);
    const b = (await body(c)) ?? {};
    if (b.auth_code !== XENDIT_SANDBOX_OTP) return error(c, 400, 'INVALID_OTP_ERROR', 'The OTP is wrong; ask the account holder for the code the bank sent');
    activate(pm);
    return c.json(paymentMethodBody(pm));
  });
  api.post('/v2/payment_methods/:id/expire', (c) => {
    const pm = paymentMethods.get(c.req.param('id'));
    if (!pm) return error(c, 404, 'DATA_NOT_FOUND', 'Payment method not found');
    if (pm.status === 'EXPIRED') return error(c, 409, 'INVALID_PAYMENT_METHOD_STATUS', 'the payment method is already EXPIRED');
    pm.status = 'EXPIRED';
    pm.updated = now();
    return c.json(paymentMethodBody(pm));
  });

  // ---- payment requests: answer for the channel asked ----
  api.post('/payment_requests', async (c) => {
    const b = await body(c);
    const problem = validate(b, ['reference_id', 'currency'], 'reference_id');
    if (problem) return reject(c, problem, 'reference_id');
    if (b!.amount === undefined) return error(c, 400, 'API_VALIDATION_ERROR', '"amount" is required');
    let paymentMethod: Record<string, any>;
    let channel: string;
    let customerId = b!.customer_id ?? null;
    if (b!.payment_method_id) {
      const pm = paymentMethods.get(b!.payment_method_id);
      if (!pm) return error(c, 400, 'INVALID_PAYMENT_METHOD_ID', 'payment_method_id does not exist in this account');
      if (pm.status !== 'ACTIVE') return error(c, 400, 'PAYMENT_METHOD_NOT_ACTIVE', `the payment method is ${pm.status}: the account holder must finish linking (or link again)`);
      paymentMethod = paymentMethodBody(pm);
      channel = pm.channel;
      customerId = pm.customerId;
    } else if (b!.payment_method?.type) {
      const type = String(b!.payment_method.type);
      const key = type.toLowerCase();
      const detail = b!.payment_method[key] ?? {};
      if (!detail.channel_code) return error(c, 400, 'API_VALIDATION_ERROR', `"payment_method.${key}.channel_code" is required`);
      channel = detail.channel_code;
      const properties: Record<string, unknown> = { ...(detail.channel_properties ?? {}) };
      if (type === 'VIRTUAL_ACCOUNT') properties.virtual_account_number = `${BANK_PREFIX[channel] ?? '9'}${digits(10)}`;
      if (type === 'QR_CODE') properties.qr_string = qrisString({ merchantName: 'SMARTWEALTH XENDIT', amountWhole: b!.amount, reference: b!.reference_id });
      if (type === 'OVER_THE_COUNTER') properties.payment_code = `TEST${digits(8)}`;
      paymentMethod = { id: `pm-${randomUUID()}`, business_id: businessId, type, reusability: b!.payment_method.reusability ?? 'ONE_TIME_USE', status: 'ACTIVE', customer_id: customerId, reference_id: b!.payment_method.reference_id ?? null, [key]: { ...detail, channel_code: channel, channel_properties: properties }, created: now(), updated: now() };
    } else {
      return error(c, 400, 'API_VALIDATION_ERROR', 'one of "payment_method" or "payment_method_id" is required');
    }
    const p = base('pr', `pr-${randomUUID()}`, b!.reference_id, b!.amount, channel, 'PENDING');
    const type = paymentMethod.type as string;
    const checkout = `${baseUrl}/_sandbox/checkout/${p.id}`;
    // E-wallets and one-time direct debit wait for the payer's authorisation; a linked account debits at once.
    const actions =
      type === 'EWALLET'
        ? [{ action: 'AUTH', url_type: 'DEEPLINK', method: 'GET', url: `${channel.toLowerCase().replace('id_', '')}://pay?ref=${p.id}` }, { action: 'AUTH', url_type: 'WEB', method: 'GET', url: checkout }]
        : type === 'DIRECT_DEBIT' && !b!.payment_method_id
          ? [{ action: 'AUTH', url_type: 'WEB', method: 'GET', url: checkout }]
          : [];
    if (actions.length) p.status = 'REQUIRES_ACTION';
    p.extra = { payment_method: paymentMethod, actions, customer_id: customerId, description: b!.description ?? null, metadata: b!.metadata ?? null };
    register(p);
    return c.json(paymentRequestBody(p), 201);
  });
  api.get('/payment_requests/:id', (c) => {
    const p = byId.get(c.req.param('id'));
    return p?.product === 'pr' ? c.json(paymentRequestBody(p)) : error(c, 404, 'DATA_NOT_FOUND', 'Payment request not found');
  });
  // Listing by our reference: how a charge whose answer was lost is found.
  api.get('/payment_requests', (c) => {
    const referenceId = c.req.query('reference_id');
    const found = [...payments.values()].filter((p) => p.product === 'pr' && (!referenceId || p.referenceId === referenceId));
    return c.json({ data: found.map((p) => paymentRequestBody(p)), has_more: false });
  });

  // ---- invoices (v2); xendit-node posts to /v2/invoices/ with the trailing slash ----
  const createInvoice = async (c: Context) => {
    const b = await body(c);
    const problem = validate(b, ['external_id', 'amount'], 'external_id');
    if (problem) return reject(c, problem, 'external_id');
    const duration = b!.invoice_duration ?? 86_400;
    const p = base('inv', hex(12), b!.external_id, b!.amount, 'INVOICE', 'PENDING', new Date(Date.now() + Number(duration) * 1000).toISOString());
    p.extra = { description: b!.description, payer_email: b!.payer_email, success_redirect_url: b!.success_redirect_url, failure_redirect_url: b!.failure_redirect_url };
    register(p);
    return c.json(invoiceBody(p));
  };
  api.post('/v2/invoices', createInvoice);
  api.post('/v2/invoices/', createInvoice);
  api.get('/v2/invoices/:id', (c) => {
    const p = byId.get(c.req.param('id'));
    return p?.product === 'inv' ? c.json(invoiceBody(p)) : error(c, 404, 'INVOICE_NOT_FOUND_ERROR', 'Invoice not found');
  });
  const listInvoices = (c: Context) => {
    const externalId = c.req.query('external_id');
    const statuses = c.req.queries('statuses') ?? c.req.queries('statuses[]');
    const limit = Number(c.req.query('limit') ?? 10);
    return c.json(
      [...payments.values()]
        .filter((p) => p.product === 'inv' && (!externalId || p.referenceId === externalId) && (!statuses?.length || statuses.includes(p.status)))
        .slice(0, limit)
        .map((p) => invoiceBody(p)),
    );
  };
  api.get('/v2/invoices', listInvoices);
  api.get('/v2/invoices/', listInvoices);
  api.post('/invoices/:id/expire!', async (c) => {
    const p = byId.get(c.req.param('id'));
    if (p?.product !== 'inv') return error(c, 404, 'INVOICE_NOT_FOUND_ERROR', 'Invoice not found');
    if (p.status !== 'PENDING') return error(c, 400, 'INVALID_INVOICE_STATUS', `Invoice is ${p.status} and cannot be expired`);
    await controls.expire(p.referenceId);
    return c.json(invoiceBody(p));
  });

  // ---- refunds (invoices and payment requests): PENDING, then a refund.succeeded / refund.failed callback ----
  api.get('/refunds/:id', (c) => {
    const entry = refundsById.get(c.req.param('id'));
    return entry ? c.json(entry.refund) : error(c, 404, 'DATA_NOT_FOUND', 'Refund not found');
  });
  api.get('/refunds', (c) => {
    const paymentRequestId = c.req.query('payment_request_id');
    const invoiceId = c.req.query('invoice_id');
    const list = [...refundsById.values()].map((r) => r.refund).filter((r) => (!paymentRequestId || r.payment_request_id === paymentRequestId) && (!invoiceId || r.invoice_id === invoiceId));
    return c.json({ data: list, has_more: false });
  });
  api.post('/refunds', async (c) => {
    const key = c.req.header('idempotency-key') ?? randomUUID();
    const seen = refundAnswers.get(key);
    if (seen) return c.json(seen);
    const b = (await body(c)) ?? {};
    const p = byId.get(b.invoice_id ?? b.payment_request_id);
    if (!p || (p.product !== 'inv' && p.product !== 'pr')) return error(c, 404, 'DATA_NOT_FOUND', 'Payment not found');
    const amount = b.amount ?? p.amount - p.refunded - inFlight(p);
    const prType = p.product === 'pr' ? String((p.extra.payment_method as { type?: string }).type) : 'INVOICE';
    if (prType === 'VIRTUAL_ACCOUNT' || prType === 'OVER_THE_COUNTER' || prType === 'QR_CODE') return error(c, 400, 'REFUND_NOT_SUPPORTED', `${prType} payments cannot be refunded through the API; return the money by disbursement`);
    const refusal = refundRefusal(p, amount);
    if (refusal) return error(c, 400, refusal.code, refusal.message);
    const refund: XenditRefund = {
      id: `rfd-${randomUUID()}`,
      ...(p.product === 'inv' ? { invoice_id: p.id } : { payment_request_id: p.id }),
      payment_id: p.product === 'pr' ? `py-${p.id.slice(3)}` : p.id,
      reference_id: b.reference_id,
      amount,
      currency: 'IDR',
      country: 'ID',
      channel_code: p.channel,
      payment_method_type: prType,
      status: 'PENDING',
      reason: b.reason ?? 'REQUESTED_BY_CUSTOMER',
      failure_code: null,
      refund_fee_amount: null,
      metadata: b.metadata ?? null,
      created: now(),
      updated: now(),
    };
    refundAnswers.set(key, refund);
    refundsById.set(refund.id, { refund, payment: p });
    if (settleMs > 0) kit.later(settleMs, () => controls.settleRefund(refund.id));
    return c.json(refund);
  });

  // ---- control surface ----
  control.get('/payments', (c) => c.json([...payments.values()]));
  control.get('/payment-methods', (c) => c.json([...paymentMethods.values()]));
  control.get('/checkout/:id', (c) => c.html(`<p>Sandbox checkout for ${escapeHtml(c.req.param('id'))}. Complete it at <a href="/_sandbox">/_sandbox</a>.</p>`));
  control.get('/link/:id', (c) => {
    const pm = paymentMethods.get(c.req.param('id'));
    if (!pm) return c.html('<p>Unknown payment method.</p>', 404);
    return c.html(`<p>${escapeHtml(pm.channel)} asks the account holder to approve linking ${escapeHtml(pm.id)}.</p><form method="post" action="/_sandbox/link/${encodeURIComponent(pm.id)}/approve"><button>Approve the link</button></form>`);
  });
  control.post('/link/:id/approve', async (c) => {
    const pm = paymentMethods.get(c.req.param('id'));
    try {
      await controls.approveLink(c.req.param('id'));
    } catch (err) {
      return c.json({ error: (err as Error).message }, 409);
    }
    const back = pm?.channelProperties.success_return_url;
    return typeof back === 'string' && (c.req.header('accept') ?? '').includes('text/html') ? c.redirect(back) : c.json(paymentMethodBody(pm!));
  });
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
    try {
      await controls[action as 'complete' | 'fail' | 'expire' | 'refund'](referenceId);
    } catch (err) {
      return c.json({ error: (err as Error).message }, 409);
    }
    return (c.req.header('accept') ?? '').includes('text/html') ? c.redirect('/_sandbox') : c.json(payments.get(referenceId));
  });
  kit.page(async () => {
    const list = [...payments.values()];
    const images = new Map<string, string>();
    for (const p of list) {
      const qr = (p.extra.qr_string as string | undefined) ?? ((p.extra.payment_method as { qr_code?: { channel_properties?: { qr_string?: string } } } | undefined)?.qr_code?.channel_properties?.qr_string);
      if (qr && PAYABLE.includes(p.status) && !p.extra.inactive) images.set(p.referenceId, await qrImageTag(qr));
    }
    return page(list, [...paymentMethods.values()], { baseUrl, secretKey: options.secretKey, businessId, qr: (ref) => images.get(ref) ?? '' });
  });

  const running = await kit.listen({ port: options.port, host: options.host });
  baseUrl = running.url;

  return {
    url: baseUrl,
    secretKey: options.secretKey,
    businessId,
    stop: () => running.stop(),
    setCallbackUrl(url) {
      callbackUrl = url;
    },
    ...controls,
    injectFaults: (spec) => kit.injectFaults(spec),
    setDeliveryMode: (mode) => {
      // Each outcome twice, then (out of order) one late stale PENDING: as the hub's tests and real providers see it.
      duplicateOutcome = Boolean(mode.duplicate);
      latePending = Boolean(mode.outOfOrder);
    },
    get payments() {
      return [...payments.values()];
    },
    get callbacks() {
      return kit.deliveries.map((d) => {
        const [orderId, status] = d.label.split(' ');
        return { orderId, status, attempt: d.attempt, httpStatus: d.httpStatus, at: d.at };
      });
    },
    get refunds() {
      return [...refundsById.values()].map((r) => r.refund);
    },
    get paymentMethods() {
      return [...paymentMethods.values()];
    },
    get customers() {
      return [...customers.values()];
    },
  };
}

function isPast(iso?: string): boolean {
  return Boolean(iso) && new Date(iso!).getTime() <= Date.now();
}

function page(payments: XenditPayment[], methods: XenditPaymentMethod[], context: { baseUrl: string; secretKey: string; businessId: string; qr: (referenceId: string) => string }): string {
  const rows = payments
    .slice()
    .reverse()
    .map((p) => {
      const buttons = ['complete', 'fail', 'expire', 'refund']
        .map((a) => `<form method="post" action="/_sandbox/payments/${encodeURIComponent(p.referenceId)}/${a}" style="display:inline"><button>${a}</button></form>`)
        .join(' ');
      return `<tr><td>${escapeHtml(p.referenceId)}</td><td>${escapeHtml(p.product)} ${escapeHtml(p.channel)}</td><td>Rp${p.amount.toLocaleString('id-ID')}</td><td>${escapeHtml(p.status)}</td><td>${context.qr(p.referenceId)}</td><td>${buttons}</td></tr>`;
    })
    .join('');
  const links = methods
    .slice()
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.id)}</td><td>${escapeHtml(m.channel)}</td><td>${escapeHtml(m.status)}</td><td>${m.status === 'PENDING' ? (m.authStep === 'otp' ? `OTP: <code>${XENDIT_SANDBOX_OTP}</code>` : `<a href="/_sandbox/link/${encodeURIComponent(m.id)}">approve on the bank's page</a>`) : ''}</td></tr>`,
    )
    .join('');
  return `<h2>Use it from your own tools</h2><p>Base URL <code>${escapeHtml(context.baseUrl)}</code> · secret key <code>${escapeHtml(context.secretKey)}</code>
(Basic auth, the key as user name; xendit-node: <code>new Xendit({ secretKey, xenditURL: '${escapeHtml(context.baseUrl)}' })</code>) · business_id <code>${escapeHtml(context.businessId)}</code></p>
<h2>Payments</h2><p>Act as the payer (complete) or as Xendit (fail, expire, refund); the callback goes to the hub with the callback token.
A cancelled, expired or deactivated payment cannot be paid.</p>
<table><tr><th>reference</th><th>product</th><th>amount</th><th>status</th><th>QR</th><th></th></tr>${rows || '<tr><td colspan="6">No payments yet.</td></tr>'}</table>
<h2>Direct-debit links</h2><p>BRI links with an OTP (the sandbox's is ${XENDIT_SANDBOX_OTP}); Mandiri on the bank's page.</p>
<table><tr><th>payment method</th><th>channel</th><th>status</th><th></th></tr>${links || '<tr><td colspan="4">No linked accounts yet.</td></tr>'}</table>`;
}
