/**
 * Xendit adapter: e-wallet charges, QR codes, callback virtual accounts, retail outlet payment codes, payment
 * requests for direct debit, and invoices. Basic auth with the secret key. `providerRef` carries the product as a
 * prefix ("ewc:", "qr:", "va:", "fpc:", "pr:", "inv:") so status, cancel and refund reach the right API.
 */
import { AppError, validationFailed } from '../../../lib/errors.js';
import { minorToWholeMajor, wholeMajorToMinor } from '../../../lib/money.js';
import type { z } from 'zod';
import type { Logger } from '../../../lib/logger.js';
import { acknowledged, readAnswer } from '../../../providers/answer.js';
import { ProviderHttpClient } from '../../../providers/http-client.js';
import * as S from './xendit.schemas.js';
import type {
  ChargeRequest,
  LinkState,
  ChargeResult,
  PaymentInstructions,
  PaymentMethod,
  PaymentProvider,
  PaymentRef,
  PaymentStatus,
  ProviderStatus,
  RefundRequest,
  RefundResult,
} from './types.js';

export interface XenditOptions {
  secretKey: string;
  baseUrl: string;
  timeoutMs?: number;
  retries?: number;
  /** How long the circuit breaker stays open after an outage before trying the provider again (PAYMENT_PROVIDER_BREAKER_RESET_MS). */
  breakerResetTimeoutMs?: number;
  /** Where an answer that does not match its schema is reported. */
  logger?: Logger;
}

const EWALLET_CHANNELS: Partial<Record<PaymentMethod, string>> = { ovo: 'ID_OVO', dana: 'ID_DANA', linkaja: 'ID_LINKAJA', shopeepay: 'ID_SHOPEEPAY' };
const VA_BANKS: Partial<Record<PaymentMethod, string>> = { va_bca: 'BCA', va_bni: 'BNI', va_bri: 'BRI', va_mandiri: 'MANDIRI', va_permata: 'PERMATA', va_cimb: 'CIMB' };
const DIRECT_DEBIT: Partial<Record<PaymentMethod, string>> = { direct_debit_bri: 'BRI', direct_debit_mandiri: 'MANDIRI' };
const SUPPORTED: PaymentMethod[] = ['ovo', 'dana', 'linkaja', 'shopeepay', 'qris', 'va_bca', 'va_bni', 'va_bri', 'va_mandiri', 'va_permata', 'va_cimb', 'indomaret', 'alfamart', 'direct_debit_bri', 'direct_debit_mandiri', 'invoice'];

type Product = 'ewc' | 'qr' | 'va' | 'fpc' | 'pr' | 'inv';
const PRODUCT_LABEL: Record<Product, string> = { ewc: 'an e-wallet charge', qr: 'a QR code', va: 'a virtual account', fpc: 'a retail payment code', pr: 'a payment request', inv: 'an invoice' };

/** The Xendit product a method is charged through (the prefix of its providerRef). */
function productFor(method: PaymentMethod): Product {
  if (EWALLET_CHANNELS[method]) return 'ewc';
  if (method === 'qris') return 'qr';
  if (VA_BANKS[method]) return 'va';
  if (method === 'indomaret' || method === 'alfamart') return 'fpc';
  if (DIRECT_DEBIT[method]) return 'pr';
  if (method === 'invoice') return 'inv';
  throw new AppError('PROVIDER_REJECTED', `Xendit does not take ${method} here`);
}

/** Xendit's status words across its products → our payment status. */
export function mapXenditStatus(status: string, context: { expired?: boolean } = {}): PaymentStatus {
  switch (status.toUpperCase()) {
    case 'SUCCEEDED':
    case 'PAID':
    case 'SETTLED':
    case 'COMPLETED':
    case 'CAPTURED':
      return 'success';
    case 'PENDING':
    case 'ACTIVE':
    case 'REQUIRES_ACTION':
    case 'AUTHORIZED':
      return 'pending';
    case 'FAILED':
      return 'failed';
    case 'EXPIRED':
      return 'expired';
    case 'VOIDED':
    case 'CANCELED':
    case 'CANCELLED':
      return 'cancelled';
    case 'INACTIVE':
      // A single-use VA, retail code or QR turns INACTIVE when it is paid as well as when it is closed, and the API
      // does not always say which (paid_at is often missing). Only its expiry decides; a paid one is settled by its
      // callback, and one the hub closes itself is cancelled by cancel().
      return context.expired ? 'expired' : 'pending';
    default:
      throw new AppError('PROVIDER_REJECTED', `unknown Xendit status "${status}"`);
  }
}

/** 08… / 628… / +628… → +628… as Xendit wants E.164. */
export function toE164(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  if (digits.startsWith('62')) return `+${digits}`;
  if (digits.startsWith('0')) return `+62${digits.slice(1)}`;
  return `+${digits}`;
}

export function createXenditProvider(options: XenditOptions): PaymentProvider {
  const http = new ProviderHttpClient({ name: 'xendit', baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 15_000, retries: options.retries ?? 2, breakerResetTimeoutMs: options.breakerResetTimeoutMs });
  const auth = { authorization: `Basic ${Buffer.from(`${options.secretKey}:`).toString('base64')}` };

  /** One API call; the answer is read through `schema` here, where it enters (`answer` names it in errors and logs). */
  async function call<T extends z.ZodType>(schema: T, answer: string, method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown, idempotent: boolean, headers: Record<string, string> = {}): Promise<z.output<T>> {
    const res = await http.request({ method, path, body, idempotent, headers: { ...auth, ...headers } });
    if (res.status >= 400) throw toError(res.status, S.XenditErrorBody.parse(res.body));
    return readAnswer(schema, res.body, { provider: 'xendit', answer, logger: options.logger });
  }

  const whole = (request: { amount: { amountMinor: number; currency: string } }) => {
    if (request.amount.currency !== 'IDR') throw validationFailed([{ field: 'currency', reason: 'Xendit here takes IDR only' }]);
    try {
      return minorToWholeMajor(request.amount.amountMinor, 'IDR');
    } catch {
      throw validationFailed([{ field: 'amountMinor', reason: 'Xendit takes whole rupiah only' }]);
    }
  };
  const splitRef = (ref: PaymentRef) => {
    const [kind, ...rest] = (ref.providerRef ?? '').split(':');
    if (!rest.length) throw new AppError('PROVIDER_REJECTED', 'this Xendit payment has no provider reference yet', { details: { provider: 'xendit' } });
    return { kind, id: rest.join(':') };
  };

  // The schemas hold amounts to whole rupiah, so these conversions cannot fail.
  const idr = (value: number | undefined) => (value === undefined ? undefined : { amountMinor: wholeMajorToMinor(value, 'IDR'), currency: 'IDR' });
  const invoiceStatus = (providerRef: string, res: S.Invoice): ProviderStatus => ({
    providerRef,
    status: mapXenditStatus(res.status),
    providerStatus: res.status,
    paidAt: res.paid_at,
    occurredAt: new Date(),
    orderId: res.external_id,
    amount: idr(res.amount),
  });
  const paymentRequestStatus = (providerRef: string, res: S.PaymentRequest): ProviderStatus => ({
    providerRef,
    status: mapXenditStatus(res.status),
    providerStatus: res.status,
    occurredAt: new Date(),
    orderId: res.reference_id,
    amount: idr(res.amount),
  });

  /**
   * A payment into a VA or a retail code, proved by the payment itself: the code's own state cannot tell a paid
   * single-use code from a closed one. A payment Xendit does not have is a 404 (PROVIDER_REJECTED, not found).
   */
  async function codePaymentStatus(kind: 'va' | 'fpc', codeId: string, ref: PaymentRef): Promise<ProviderStatus> {
    const providerRef = ref.providerRef!;
    if (kind === 'va') {
      const res = await call(S.VirtualAccountPayment, 'VA payment', 'GET', `/callback_virtual_account_payments/payment_id=${encodeURIComponent(ref.paymentId!)}`, undefined, true);
      if (res.callback_virtual_account_id !== codeId) throw new AppError('PROVIDER_REJECTED', 'Xendit: that VA payment was made into another account', { details: { provider: 'xendit', providerStatusCode: '404' } });
      return { providerRef, status: 'success', providerStatus: 'PAID', paidAt: res.transaction_timestamp, occurredAt: new Date(), orderId: res.external_id, amount: idr(res.amount) };
    }
    const res = await call(S.PaymentCodePayments, 'retail code payments', 'GET', `/fixed_payment_code/${codeId}/payments`, undefined, true);
    const paid = res.data.find((p) => p.id === ref.paymentId || p.payment_id === ref.paymentId);
    if (!paid) throw new AppError('PROVIDER_REJECTED', 'Xendit: no such payment of this retail code', { details: { provider: 'xendit', providerStatusCode: '404', errorCode: 'DATA_NOT_FOUND' } });
    return { providerRef, status: mapXenditStatus(paid.status), providerStatus: paid.status, paidAt: paid.transaction_timestamp, occurredAt: new Date(), orderId: paid.external_id, amount: idr(paid.amount) };
  }

  /**
   * A charge whose answer was lost (a timeout) has no Xendit id on our side. Invoices and payment requests can be
   * found by our order id; for the other products Xendit has no such lookup, and a "not found" would be a guess:
   * the charge may well exist. Those say so (retryable, lookupNeedsProviderRef) and the callback, which carries the
   * id, settles them.
   */
  async function statusByOrderId(ref: PaymentRef): Promise<ProviderStatus> {
    const product = productFor(ref.method);
    const notFound = (what: string) =>
      new AppError('PROVIDER_REJECTED', `Xendit has no ${what} for order ${ref.orderId}`, { details: { provider: 'xendit', providerStatusCode: '404', errorCode: 'DATA_NOT_FOUND' } });
    if (product === 'inv') {
      const res = await call(S.InvoiceList, 'invoices by order id', 'GET', `/v2/invoices?external_id=${encodeURIComponent(ref.orderId)}`, undefined, true);
      const invoice = res.find((i) => i.status === 'PAID' || i.status === 'SETTLED') ?? res[0];
      if (!invoice) throw notFound('invoice');
      return invoiceStatus(`inv:${invoice.id}`, invoice);
    }
    if (product === 'pr') {
      const res = await call(S.PaymentRequestList, 'payment requests by order id', 'GET', `/payment_requests?reference_id=${encodeURIComponent(ref.orderId)}`, undefined, true);
      const request = res.data[0];
      if (!request) throw notFound('payment request');
      return paymentRequestStatus(`pr:${request.id}`, request);
    }
    throw new AppError('PROVIDER_UNAVAILABLE', `Xendit cannot look up ${PRODUCT_LABEL[product]} by order id; its callback will carry the id`, {
      retryable: true,
      details: { provider: 'xendit', lookupNeedsProviderRef: true },
    });
  }

  async function status(ref: PaymentRef): Promise<ProviderStatus> {
    if (!ref.providerRef) return statusByOrderId(ref);
    const { kind, id } = splitRef(ref);
    const now = new Date();
    switch (kind) {
      case 'ewc': {
        const res = await call(S.EwalletCharge, 'e-wallet charge', 'GET', `/ewallets/charges/${id}`, undefined, true);
        return {
          providerRef: ref.providerRef,
          status: refundAware(mapXenditStatus(res.status), res),
          providerStatus: res.status,
          refundedAmountMinor: res.refunded_amount ? wholeMajorToMinor(res.refunded_amount, 'IDR') : undefined,
          occurredAt: now,
          orderId: res.reference_id,
          amount: idr(res.capture_amount ?? res.charge_amount),
        };
      }
      case 'qr': {
        const payments = await call(S.QrPayments, 'QR code payments', 'GET', `/qr_codes/${id}/payments`, undefined, true, { 'api-version': '2022-07-31' });
        const paid = payments.data.find((p) => p.status === 'SUCCEEDED');
        const qr = await call(S.QrCode, 'QR code', 'GET', `/qr_codes/${id}`, undefined, true, { 'api-version': '2022-07-31' });
        const owner = { orderId: qr.reference_id };
        if (paid) return { providerRef: ref.providerRef, status: 'success', providerStatus: 'SUCCEEDED', paidAt: paid.created, occurredAt: now, ...owner, amount: idr(paid.amount) };
        return { providerRef: ref.providerRef, status: mapXenditStatus(qr.status, { expired: isPast(qr.expires_at) }), providerStatus: qr.status, occurredAt: now, ...owner };
      }
      case 'va':
      case 'fpc': {
        if (ref.paymentId) return codePaymentStatus(kind, id, ref);
        const res = await call(S.CodeState, kind === 'va' ? 'virtual account' : 'retail payment code', 'GET', kind === 'va' ? `/callback_virtual_accounts/${id}` : `/fixed_payment_code/${id}`, undefined, true);
        // A paid single-use code turns INACTIVE, mostly without paid_at: only paid_at (or a PAID/COMPLETED word)
        // proves payment; otherwise INACTIVE reads as pending until the callback or the expiry decides.
        if (res.paid_at || res.status === 'PAID' || res.status === 'COMPLETED') return { providerRef: ref.providerRef, status: 'success', providerStatus: 'PAID', paidAt: res.paid_at, occurredAt: now };
        return { providerRef: ref.providerRef, status: mapXenditStatus(res.status, { expired: isPast(res.expiration_date) }), providerStatus: res.status, occurredAt: now };
      }
      case 'pr':
        return paymentRequestStatus(ref.providerRef, await call(S.PaymentRequest, 'payment request', 'GET', `/payment_requests/${id}`, undefined, true));
      case 'inv':
        return invoiceStatus(ref.providerRef, await call(S.Invoice, 'invoice', 'GET', `/v2/invoices/${id}`, undefined, true));
      default:
        throw new AppError('PROVIDER_REJECTED', `unknown Xendit reference kind "${kind}"`);
    }
  }

  return {
    name: 'xendit',
    supportedMethods: SUPPORTED,

    async charge(request: ChargeRequest): Promise<ChargeResult> {
      const amount = whole(request);
      const method = request.method;
      const expiresAt = request.expiresAt?.toISOString();
      const name = (request.customer?.name ?? 'SmartWealth User').slice(0, 50);
      if (EWALLET_CHANNELS[method]) {
        if (method === 'ovo' && !request.mobileNumber) throw validationFailed([{ field: 'mobileNumber', reason: 'is required for OVO' }]);
        const res = await call(S.EwalletCharge, 'e-wallet charge', 'POST', '/ewallets/charges', {
          reference_id: request.orderId,
          currency: 'IDR',
          amount,
          checkout_method: 'ONE_TIME_PAYMENT',
          channel_code: EWALLET_CHANNELS[method],
          channel_properties: method === 'ovo' ? { mobile_number: toE164(request.mobileNumber!) } : { success_redirect_url: request.redirectUrl ?? 'https://smartwealth.id/payments/done' },
          metadata: { description: request.description ?? null },
        }, false);
        const actions = res.actions;
        const instructions: PaymentInstructions = actions?.mobile_deeplink_checkout_url || actions?.mobile_web_checkout_url
          ? { kind: 'deeplink', deeplinkUrl: actions.mobile_deeplink_checkout_url ?? actions.mobile_web_checkout_url, redirectUrl: actions.desktop_web_checkout_url ?? actions.mobile_web_checkout_url }
          : { kind: 'none' };
        return { providerRef: `ewc:${res.id}`, status: mapXenditStatus(res.status), providerStatus: res.status, instructions };
      }
      if (method === 'qris') {
        const res = await call(S.QrCode, 'QR code', 'POST', '/qr_codes', { reference_id: request.orderId, type: 'DYNAMIC', currency: 'IDR', amount, ...(expiresAt ? { expires_at: expiresAt } : {}) }, false, { 'api-version': '2022-07-31' });
        return { providerRef: `qr:${res.id}`, status: 'pending', providerStatus: res.status, instructions: { kind: 'qr', qrString: res.qr_string, ...(res.expires_at ? { expiresAt: res.expires_at } : {}) } };
      }
      if (VA_BANKS[method]) {
        const res = await call(S.VirtualAccountCreated, 'virtual account', 'POST', '/callback_virtual_accounts', { external_id: request.orderId, bank_code: VA_BANKS[method], name, expected_amount: amount, is_closed: true, is_single_use: true, ...(expiresAt ? { expiration_date: expiresAt } : {}) }, false);
        return { providerRef: `va:${res.id}`, status: 'pending', providerStatus: res.status, instructions: { kind: 'virtual_account', vaNumber: res.account_number, bank: res.bank_code.toLowerCase(), ...(res.expiration_date ? { expiresAt: res.expiration_date } : {}) } };
      }
      if (method === 'indomaret' || method === 'alfamart') {
        const res = await call(S.PaymentCodeCreated, 'retail payment code', 'POST', '/fixed_payment_code', { external_id: request.orderId, retail_outlet_name: method.toUpperCase(), name, expected_amount: amount, is_single_use: true, ...(expiresAt ? { expiration_date: expiresAt } : {}) }, false);
        return { providerRef: `fpc:${res.id}`, status: 'pending', providerStatus: res.status, instructions: { kind: 'payment_code', paymentCode: res.payment_code, store: method, ...(res.expiration_date ? { expiresAt: res.expiration_date } : {}) } };
      }
      if (DIRECT_DEBIT[method]) {
        // A direct debit is a payment request against the payer's linked account (its payment method id).
        if (!request.linkedAccount) throw new AppError('UNPROCESSABLE', `${method} needs a linked ${DIRECT_DEBIT[method]} account first`, { details: { provider: 'xendit', needsLink: true } });
        const res = await call(S.PaymentRequest, 'payment request', 'POST', '/payment_requests', {
          reference_id: request.orderId,
          amount,
          currency: 'IDR',
          customer_id: request.linkedAccount.customerRef,
          payment_method_id: request.linkedAccount.token,
          description: request.description,
        }, false, { 'idempotency-key': request.orderId });
        const auth = res.actions?.find((a) => a.action === 'AUTH');
        return { providerRef: `pr:${res.id}`, status: mapXenditStatus(res.status), providerStatus: res.status, instructions: auth ? { kind: 'redirect', redirectUrl: auth.url } : { kind: 'none' } };
      }
      if (method === 'invoice') {
        const duration = request.expiresAt ? Math.max(60, Math.round((request.expiresAt.getTime() - Date.now()) / 1000)) : 86_400;
        const res = await call(S.InvoiceCreated, 'invoice', 'POST', '/v2/invoices', { external_id: request.orderId, amount, description: request.description ?? 'SmartWealth payment', invoice_duration: duration, currency: 'IDR', ...(request.customer?.email ? { payer_email: request.customer.email } : {}) }, false);
        return { providerRef: `inv:${res.id}`, status: 'pending', providerStatus: res.status, instructions: { kind: 'redirect', redirectUrl: res.invoice_url, ...(res.expiry_date ? { expiresAt: res.expiry_date } : {}) } };
      }
      throw validationFailed([{ field: 'method', reason: `Xendit does not take ${method} here` }]);
    },

    getStatus: status,

    async cancel(ref: PaymentRef): Promise<ProviderStatus> {
      const { kind, id } = splitRef(ref);
      if (kind === 'ewc') {
        // Xendit voids only a charge that has SUCCEEDED; a pending one cannot be called off.
        const charge = await call(S.EwalletCharge, 'e-wallet charge', 'GET', `/ewallets/charges/${id}`, undefined, true);
        if (charge.status === 'PENDING') {
          throw new AppError('CONFLICT', 'Xendit voids an e-wallet charge only once it has succeeded: let this one expire, or refund it after it succeeds', {
            details: { provider: 'xendit', providerStatus: 'PENDING', instead: ['let it expire', 'refund it after it succeeds'] },
          });
        }
        await call(acknowledged, 'e-wallet void', 'POST', `/ewallets/charges/${id}/void`, {}, true);
      }
      else if (kind === 'inv') await call(acknowledged, 'invoice expiry', 'POST', `/invoices/${id}/expire!`, {}, true);
      else if (kind === 'va') await call(acknowledged, 'virtual account update', 'PATCH', `/callback_virtual_accounts/${id}`, { expiration_date: new Date().toISOString() }, true);
      else if (kind === 'fpc') await call(acknowledged, 'retail payment code update', 'PATCH', `/fixed_payment_code/${id}`, { expiration_date: new Date().toISOString() }, true);
      else if (kind === 'qr') await call(acknowledged, 'QR code deactivation', 'POST', `/qr_codes/${id}/deactivate`, {}, true, { 'api-version': '2022-07-31' });
      else throw new AppError('PROVIDER_REJECTED', 'this Xendit payment cannot be cancelled');
      const after = await status(ref);
      return after.status === 'pending' ? { ...after, status: 'cancelled' } : after;
    },

    async expire(ref: PaymentRef): Promise<ProviderStatus> {
      return this.cancel(ref);
    },

    async refund(request: RefundRequest): Promise<RefundResult> {
      const { kind, id } = splitRef({ orderId: request.orderId, providerRef: request.providerRef, method: request.method });
      const amount = whole(request);
      // The idempotency key makes a retried refund call the same refund at Xendit.
      const headers = { 'idempotency-key': request.refundKey };
      // metadata.order_id comes back in the refund callback, which names only the refund.
      const body =
        kind === 'ewc'
          ? { amount, reason: 'REQUESTED_BY_CUSTOMER' }
          : { reference_id: request.refundKey, amount, reason: 'REQUESTED_BY_CUSTOMER', metadata: { order_id: request.orderId }, ...(kind === 'inv' ? { invoice_id: id } : { payment_request_id: id }) };
      if (kind !== 'ewc' && kind !== 'inv' && kind !== 'pr') throw new AppError('PROVIDER_REJECTED', 'Xendit cannot refund this kind of payment (bank transfers and retail payments are refunded by disbursement)');
      const res = await call(S.RefundMade, 'refund', 'POST', kind === 'ewc' ? `/ewallets/charges/${id}/refunds` : '/refunds', body, true, headers);
      return {
        refundRef: res.id,
        status: refundOutcome(res.status),
        refundedAmountMinor: res.refunded_amount !== undefined ? wholeMajorToMinor(res.refunded_amount, 'IDR') : undefined,
      };
    },

    directDebit: {
      async createCustomer(input) {
        const res = await call(S.Customer, 'customer', 'POST', '/customers', {
          reference_id: input.referenceId,
          type: 'INDIVIDUAL',
          individual_detail: { given_names: input.name.slice(0, 50) },
          ...(input.email ? { email: input.email } : {}),
          ...(input.mobileNumber ? { mobile_number: toE164(input.mobileNumber) } : {}),
        }, false, { 'api-version': '2020-10-31' });
        return { customerRef: res.id };
      },
      async startLink(input) {
        const channelProperties =
          input.channel === 'BRI'
            ? { mobile_number: input.mobileNumber ? toE164(input.mobileNumber) : undefined, card_last_four: input.cardLastFour, card_expiry: input.cardExpiry, email: input.email }
            : { success_return_url: input.returnUrl, failure_return_url: input.returnUrl };
        const res = await call(S.PaymentMethod, 'payment method', 'POST', '/v2/payment_methods', {
          type: 'DIRECT_DEBIT',
          reusability: 'MULTIPLE_USE',
          customer_id: input.customerRef,
          reference_id: input.referenceId,
          direct_debit: { channel_code: input.channel, channel_properties: channelProperties },
        }, false);
        return linkState(res);
      },
      async confirmOtp(token, otp) {
        return linkState(await call(S.PaymentMethod, 'payment method', 'POST', `/v2/payment_methods/${encodeURIComponent(token)}/auth`, { auth_code: otp }, false));
      },
      async getLink(token) {
        return linkState(await call(S.PaymentMethod, 'payment method', 'GET', `/v2/payment_methods/${encodeURIComponent(token)}`, undefined, true));
      },
      async unlink(token) {
        try {
          await call(acknowledged, 'payment method expiry', 'POST', `/v2/payment_methods/${encodeURIComponent(token)}/expire`, {}, true);
        } catch (err) {
          // Already expired at Xendit: the link is gone, which is what was asked.
          if (!(err instanceof AppError && (err.details as { errorCode?: string } | undefined)?.errorCode === 'INVALID_PAYMENT_METHOD_STATUS')) throw err;
        }
      },
    },

    async getRefund(refundRef: string) {
      // Refunds API refunds only: e-wallet charge refunds (ewr_) finish in the call.
      const res = await call(S.RefundState, 'refund', 'GET', `/refunds/${encodeURIComponent(refundRef)}`, undefined, true);
      return { status: refundOutcome(res.status), amountMinor: wholeMajorToMinor(res.amount, res.currency ?? 'IDR') };
    },
  };
}

/** A Xendit payment method (a linked account) → where the link stands and the account holder's next step. */
function linkState(res: S.PaymentMethod): LinkState {
  const status = res.status.toUpperCase();
  const auth = res.actions?.find((a) => a.action === 'AUTH');
  const dd = res.direct_debit;
  const label = dd?.debit_card?.card_last_four ? `card •••• ${dd.debit_card.card_last_four}` : dd?.bank_account?.masked_bank_account_number ? `account ${dd.bank_account.masked_bank_account_number}` : undefined;
  return {
    token: res.id,
    status: status === 'ACTIVE' ? 'active' : status === 'PENDING' || status === 'REQUIRES_ACTION' ? 'pending' : status === 'EXPIRED' || status === 'INACTIVE' ? 'unlinked' : 'failed',
    providerStatus: status,
    nextStep: status !== 'PENDING' || !auth ? { kind: 'none' } : auth.url_type === 'API' ? { kind: 'otp' } : auth.url ? { kind: 'redirect', url: auth.url } : { kind: 'none' },
    ...(label ? { accountLabel: label } : {}),
  };
}

function refundOutcome(status: string): RefundResult['status'] {
  const outcome = status.toUpperCase();
  return outcome === 'SUCCEEDED' ? 'success' : outcome === 'FAILED' ? 'failed' : 'pending';
}

function refundAware(status: PaymentStatus, res: S.EwalletCharge): PaymentStatus {
  if (status !== 'success' || !res.refunded_amount) return status;
  // Without a captured or charged amount to compare with, the refund is not known to be whole.
  return res.refunded_amount >= (res.capture_amount ?? res.charge_amount ?? Number.POSITIVE_INFINITY) ? 'refunded' : 'partially_refunded';
}

function isPast(at?: Date): boolean {
  return at !== undefined && at.getTime() <= Date.now();
}

/** Xendit {error_code, message} → our errors; the message is Xendit's own and never carries the key. */
function toError(status: number, body: S.XenditErrorBody): AppError {
  const code = String(body.error_code ?? status);
  const message = `Xendit: ${body.message ?? code}`;
  const details = { provider: 'xendit', providerStatusCode: String(status), errorCode: code };
  if (status === 409 || code.startsWith('DUPLICATE')) return new AppError('CONFLICT', message, { details });
  if (status >= 500) return new AppError('PROVIDER_UNAVAILABLE', message, { retryable: true, details });
  return new AppError('PROVIDER_REJECTED', message, { details });
}
