/**
 * Xendit callbacks → the provider-neutral payment event. Xendit's products call back in different shapes: event
 * envelopes (e-wallets, QR codes, payment requests) and flat bodies (invoices, virtual accounts, retail outlets).
 */
import { z } from 'zod';
import { AppError, validationFailed } from '../../../../lib/errors.js';
import { wholeMajorToMinor } from '../../../../lib/money.js';
import { mapXenditStatus } from '../../providers/xendit.js';
import type { NormalizedPaymentEvent, PaymentStatus } from '../../providers/types.js';

const amount = z.number().nonnegative();
const time = z.string().optional();

const EwalletEvent = z.object({
  event: z.enum(['ewallet.capture', 'ewallet.void', 'ewallet.refund']),
  created: time,
  data: z.object({
    id: z.string(),
    reference_id: z.string(),
    status: z.string(),
    currency: z.string().default('IDR'),
    charge_amount: amount.optional(),
    // null until the charge is captured, as Xendit sends a PENDING charge.
    capture_amount: amount.nullable().optional(),
    refunded_amount: amount.nullable().optional(),
    updated: time,
    created: time,
  }).passthrough(),
}).passthrough();

const QrEventNew = z.object({
  event: z.literal('qr.payment'),
  api_version: z.string().optional(),
  data: z.object({ id: z.string(), qr_id: z.string().optional(), reference_id: z.string(), amount, currency: z.string().default('IDR'), status: z.string(), created: time }).passthrough(),
}).passthrough();

const QrEventLegacy = z.object({
  event: z.literal('qr.payment'),
  id: z.string(),
  amount,
  created: time,
  status: z.string(),
  qr_code: z.object({ id: z.string(), external_id: z.string() }).passthrough(),
}).passthrough();

const PaymentRequestEvent = z.object({
  event: z.enum(['payment.succeeded', 'payment.failed', 'payment.pending', 'payment.awaiting_capture']),
  created: time,
  data: z.object({ id: z.string().optional(), payment_request_id: z.string(), reference_id: z.string(), status: z.string(), amount, currency: z.string().default('IDR'), updated: time }).passthrough(),
}).passthrough();

/**
 * A direct-debit link changed at Xendit (the holder approved on the bank's page, or the link expired). Not a payment:
 * it carries the reference we gave the link, and the hub asks Xendit for the link's state before recording it.
 */
const PaymentMethodEvent = z.object({
  event: z.enum(['payment_method.activated', 'payment_method.expired']),
  created: time,
  data: z.object({ id: z.string().min(1), reference_id: z.string().min(1), status: z.string() }).passthrough(),
}).passthrough();

/** A link event as stored in the inbox: the payment event handler passes it to direct debit. */
export interface XenditLinkEvent {
  provider: 'xendit';
  eventKey: string;
  link: { paymentMethodId: string; referenceId: string; event: string };
}

/** The Refunds API's callback: one refund's outcome (the payment's running total is not in it). */
const RefundEvent = z.object({
  event: z.enum(['refund.succeeded', 'refund.failed']),
  created: time,
  data: z.object({
    id: z.string(),
    reference_id: z.string().optional(),
    payment_request_id: z.string().optional(),
    invoice_id: z.string().optional(),
    amount,
    currency: z.string().default('IDR'),
    status: z.string(),
    metadata: z.object({ order_id: z.string().optional() }).passthrough().nullable().optional(),
    updated: time,
  }).passthrough(),
}).passthrough();

const Invoice = z.object({
  id: z.string(),
  external_id: z.string(),
  status: z.enum(['PENDING', 'PAID', 'SETTLED', 'EXPIRED']),
  amount,
  paid_amount: amount.optional(),
  currency: z.string().default('IDR'),
  paid_at: time,
  updated: time,
  created: time,
}).passthrough();

const VirtualAccountPaid = z.object({
  payment_id: z.string(),
  callback_virtual_account_id: z.string(),
  external_id: z.string(),
  account_number: z.string(),
  bank_code: z.string(),
  amount,
  transaction_timestamp: time,
}).passthrough();

const RetailPaid = z.object({
  external_id: z.string(),
  payment_code: z.string(),
  retail_outlet_name: z.string(),
  amount,
  status: z.string(),
  payment_id: z.string().optional(),
  fixed_payment_code_payment_id: z.string().optional(),
  fixed_payment_code_id: z.string().optional(),
  transaction_timestamp: time,
}).passthrough();

const idr = (n: number, currency = 'IDR') => {
  // Xendit sends IDR amounts as whole numbers; anything else is a malformed callback (400), not a crash (500).
  if (!Number.isSafeInteger(n)) throw invalid([{ field: 'amount', reason: `must be a whole amount, got ${n}` }]);
  return { amountMinor: wholeMajorToMinor(n, currency), currency };
};
const when = (...values: (string | undefined)[]) => {
  for (const v of values) if (v && !Number.isNaN(new Date(v).getTime())) return new Date(v);
  return new Date();
};

/** A direct-debit link callback, or undefined when the body is not one (then it is a payment callback). */
export function normalizeXenditLinkCallback(body: unknown): XenditLinkEvent | undefined {
  const event = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).event : undefined;
  if (typeof event !== 'string' || !event.startsWith('payment_method.')) return undefined;
  const e = parse(PaymentMethodEvent, body);
  return { provider: 'xendit', eventKey: `xendit:${e.event}:${e.data.id}:${e.data.status}`, link: { paymentMethodId: e.data.id, referenceId: e.data.reference_id, event: e.event } };
}

export function normalizeXenditCallback(body: unknown): NormalizedPaymentEvent {
  // Every Xendit callback is a JSON object; a bare number, string, boolean, null or array is malformed (400), and
  // must be refused before the shape checks below (`in` throws on a primitive).
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([{ field: 'body', reason: `must be a JSON object, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}` }]);
  }
  const envelope = body as Record<string, unknown>;
  const event = typeof envelope.event === 'string' ? envelope.event : undefined;

  if (event?.startsWith('ewallet.')) {
    const e = parse(EwalletEvent, body);
    const d = e.data;
    let status: PaymentStatus = statusOf('data.status', d.status);
    let refundedAmountMinor: number | undefined;
    if (e.event === 'ewallet.void' && status === 'success') status = 'cancelled';
    if (e.event === 'ewallet.refund' || (d.refunded_amount ?? 0) > 0) {
      const charged = d.capture_amount ?? d.charge_amount ?? 0;
      refundedAmountMinor = idr(d.refunded_amount ?? 0, d.currency).amountMinor;
      status = (d.refunded_amount ?? 0) >= charged ? 'refunded' : 'partially_refunded';
    }
    return {
      provider: 'xendit',
      eventKey: `xendit:${e.event}:${d.id}:${d.status}${refundedAmountMinor !== undefined ? `:${refundedAmountMinor}` : ''}`,
      orderId: d.reference_id,
      providerRef: `ewc:${d.id}`,
      status,
      providerStatus: d.status,
      amount: d.capture_amount ?? d.charge_amount ? idr(d.capture_amount ?? d.charge_amount!, d.currency) : undefined,
      refundedAmountMinor,
      occurredAt: when(d.updated, e.created, d.created),
    };
  }
  if (event === 'qr.payment') {
    if (typeof envelope.data === 'object' && envelope.data) {
      const e = parse(QrEventNew, body);
      return {
        provider: 'xendit',
        eventKey: `xendit:qr.payment:${e.data.id}:${e.data.status}`,
        orderId: e.data.reference_id,
        providerRef: e.data.qr_id ? `qr:${e.data.qr_id}` : undefined,
        status: statusOf('data.status', e.data.status),
        providerStatus: e.data.status,
        amount: idr(e.data.amount, e.data.currency),
        occurredAt: when(e.data.created),
      };
    }
    const e = parse(QrEventLegacy, body);
    return {
      provider: 'xendit',
      eventKey: `xendit:qr.payment:${e.id}:${e.status}`,
      orderId: e.qr_code.external_id,
      providerRef: `qr:${e.qr_code.id}`,
      status: statusOf('status', e.status),
      providerStatus: e.status,
      amount: idr(e.amount),
      occurredAt: when(e.created),
    };
  }
  if (event?.startsWith('payment.')) {
    const e = parse(PaymentRequestEvent, body);
    return {
      provider: 'xendit',
      eventKey: `xendit:${e.event}:${e.data.payment_request_id}:${e.data.status}`,
      orderId: e.data.reference_id,
      providerRef: `pr:${e.data.payment_request_id}`,
      status: statusOf('data.status', e.data.status),
      providerStatus: e.data.status,
      amount: idr(e.data.amount, e.data.currency),
      occurredAt: when(e.data.updated, e.created),
    };
  }
  if (event?.startsWith('refund.')) {
    const e = parse(RefundEvent, body);
    // The hub sends its order id as metadata with every refund; failing that, the hub's refund reference is
    // `<orderId>-r<total>`.
    const orderId = e.data.metadata?.order_id ?? e.data.reference_id?.replace(/-r\d+$/, '');
    if (!orderId) throw invalid([{ field: 'data.metadata.order_id', reason: 'a refund callback must name the payment it refunds' }]);
    return {
      provider: 'xendit',
      eventKey: `xendit:${e.event}:${e.data.id}`,
      orderId,
      status: 'partially_refunded',
      providerStatus: e.data.status,
      refund: { refundRef: e.data.id, amountMinor: idr(e.data.amount, e.data.currency).amountMinor, outcome: e.event === 'refund.succeeded' ? 'succeeded' : 'failed' },
      occurredAt: when(e.data.updated, e.created),
    };
  }
  if (event) throw invalid([{ field: 'event', reason: `unsupported Xendit event "${event}"` }]);

  if ('callback_virtual_account_id' in envelope) {
    const v = parse(VirtualAccountPaid, body);
    return {
      provider: 'xendit',
      eventKey: `xendit:va.paid:${v.payment_id}`,
      orderId: v.external_id,
      providerRef: `va:${v.callback_virtual_account_id}`,
      providerPaymentId: v.payment_id,
      status: 'success',
      providerStatus: 'PAID',
      amount: idr(v.amount),
      occurredAt: when(v.transaction_timestamp),
    };
  }
  if ('retail_outlet_name' in envelope) {
    const r = parse(RetailPaid, body);
    return {
      provider: 'xendit',
      eventKey: `xendit:fpc:${r.fixed_payment_code_payment_id ?? r.payment_id ?? r.payment_code}:${r.status}`,
      orderId: r.external_id,
      providerRef: r.fixed_payment_code_id ? `fpc:${r.fixed_payment_code_id}` : undefined,
      providerPaymentId: r.fixed_payment_code_payment_id ?? r.payment_id,
      status: statusOf('status', r.status),
      providerStatus: r.status,
      amount: idr(r.amount),
      occurredAt: when(r.transaction_timestamp),
    };
  }
  if ('external_id' in envelope && 'status' in envelope) {
    const i = parse(Invoice, body);
    return {
      provider: 'xendit',
      eventKey: `xendit:invoice:${i.id}:${i.status}`,
      orderId: i.external_id,
      providerRef: `inv:${i.id}`,
      status: statusOf('status', i.status),
      providerStatus: i.status,
      amount: idr(i.amount, i.currency),
      occurredAt: when(i.paid_at, i.updated, i.created),
    };
  }
  throw invalid([{ field: 'body', reason: 'not a Xendit callback this hub knows (invoice, e-wallet, QR, virtual account, retail outlet or payment request)' }]);
}

/** A status word the hub cannot map makes the callback malformed (400), not a refusal by the provider (502). */
function statusOf(field: string, word: string): PaymentStatus {
  try {
    return mapXenditStatus(word);
  } catch (err) {
    if (err instanceof AppError) throw invalid([{ field, reason: 'is not a Xendit status this hub knows' }]);
    throw err;
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw invalid(result.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message })));
  return result.data;
}

function invalid(issues: { field: string; reason: string }[]): AppError {
  return validationFailed(issues, 'malformed Xendit callback');
}
