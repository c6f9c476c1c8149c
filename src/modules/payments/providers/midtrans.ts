/**
 * Midtrans Core API adapter: charge per payment type, status, cancel, expire, refund. Basic auth with the server
 * key; a charge is never retried at the HTTP level (Midtrans refuses a repeated order_id with 406, which the
 * payments service reads as "already there" and resolves with a status call).
 */
import { DateTime } from 'luxon';
import { AppError, validationFailed } from '../../../lib/errors.js';
import { minorToWholeMajor } from '../../../lib/money.js';
import { readAnswer } from '../../../providers/answer.js';
import { ProviderHttpClient } from '../../../providers/http-client.js';
import type { Logger } from '../../../lib/logger.js';
import { MidtransEnvelope, MidtransErrorBody, MidtransTransaction } from './midtrans.schemas.js';
import type {
  ChargeRequest,
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
import { fromJakartaWallClock } from '../../../lib/time.js';

export interface MidtransOptions {
  serverKey: string;
  baseUrl: string;
  timeoutMs?: number;
  retries?: number;
  /** How long the circuit breaker stays open after an outage before trying the provider again (PAYMENT_PROVIDER_BREAKER_RESET_MS). */
  breakerResetTimeoutMs?: number;
  /** Where an answer that does not match its schema is reported. */
  logger?: Logger;
}

const VA_BANKS: Partial<Record<PaymentMethod, string>> = { va_bca: 'bca', va_bni: 'bni', va_bri: 'bri', va_permata: 'permata', va_cimb: 'cimb' };
const SUPPORTED: PaymentMethod[] = ['qris', 'gopay', 'shopeepay', 'va_bca', 'va_bni', 'va_bri', 'va_permata', 'va_cimb', 'va_mandiri', 'card', 'indomaret', 'alfamart'];

/**
 * "2026-11-25 10:00:05" → a UTC Date. Midtrans documents these times as GMT+7, a fixed offset by protocol, so
 * they are read with "+07:00" directly (a time-zone database lookup per webhook costs more than the rest of it).
 */
export function parseMidtransTime(value: string | undefined): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  const date = fromJakartaWallClock(value);
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** Midtrans transaction_status (+ fraud_status) → our payment status. */
export function mapMidtransTransactionStatus(transactionStatus: string, fraudStatus?: string): PaymentStatus {
  switch (transactionStatus) {
    case 'settlement':
      return 'success';
    case 'capture':
      // A card capture the fraud system challenged is not money yet: it waits for a review.
      return fraudStatus === 'challenge' ? 'pending' : fraudStatus === 'deny' ? 'failed' : 'success';
    case 'pending':
    case 'authorize':
      return 'pending';
    case 'deny':
    case 'failure':
      return 'failed';
    case 'cancel':
      return 'cancelled';
    case 'expire':
      return 'expired';
    case 'refund':
      return 'refunded';
    case 'partial_refund':
      return 'partially_refunded';
    default:
      throw new AppError('PROVIDER_REJECTED', `unknown Midtrans transaction_status "${transactionStatus}"`);
  }
}

export function createMidtransProvider(options: MidtransOptions): PaymentProvider {
  const http = new ProviderHttpClient({ name: 'midtrans', baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 15_000, retries: options.retries ?? 2, breakerResetTimeoutMs: options.breakerResetTimeoutMs });
  const auth = { authorization: `Basic ${Buffer.from(`${options.serverKey}:`).toString('base64')}` };

  /**
   * One Core API call; the answer is read through its schema here, where it enters. Every operation the adapter
   * uses answers a transaction, so there is one schema; `answer` names the operation in errors and logs.
   */
  async function call(answer: string, method: 'GET' | 'POST', path: string, body: unknown, idempotent: boolean): Promise<MidtransTransaction> {
    const res = await http.request({ method, path, body, idempotent, headers: auth });
    if (res.status >= 400) {
      const error = MidtransErrorBody.parse(res.body);
      throw toError(error.status_code ?? res.status, error);
    }
    const context = { provider: 'midtrans', answer, logger: options.logger };
    const envelope = readAnswer(MidtransEnvelope, res.body, context);
    // Midtrans often answers HTTP 200 with the real outcome in the body's status_code. A body that carries a
    // transaction_status is a transaction (an expired one has status_code 407), not an error.
    const code = envelope.status_code ?? res.status;
    if (code >= 300 && !envelope.transaction_status) throw toError(code, envelope);
    return readAnswer(MidtransTransaction, res.body, context);
  }

  return {
    name: 'midtrans',
    supportedMethods: SUPPORTED,

    async charge(request: ChargeRequest): Promise<ChargeResult> {
      const body = buildChargeBody(request);
      const res = await call('charge', 'POST', '/v2/charge', JSON.stringify(body), false);
      return {
        providerRef: res.transaction_id ?? request.orderId,
        status: mapMidtransTransactionStatus(res.transaction_status ?? 'pending', res.fraud_status),
        providerStatus: res.transaction_status ?? 'pending',
        instructions: instructionsFrom(request.method, res),
      };
    },

    async getStatus(ref: PaymentRef): Promise<ProviderStatus> {
      return toStatus(await call('status', 'GET', `/v2/${encodeURIComponent(ref.orderId)}/status`, undefined, true));
    },

    async cancel(ref: PaymentRef): Promise<ProviderStatus> {
      return toStatus(await call('cancel', 'POST', `/v2/${encodeURIComponent(ref.orderId)}/cancel`, undefined, true));
    },

    async expire(ref: PaymentRef): Promise<ProviderStatus> {
      return toStatus(await call('expire', 'POST', `/v2/${encodeURIComponent(ref.orderId)}/expire`, undefined, true));
    },

    async refund(request: RefundRequest): Promise<RefundResult> {
      const amount = minorToWholeMajor(request.amount.amountMinor, request.amount.currency);
      // refund_key makes a repeated refund call the same refund at Midtrans, so retrying it is safe.
      let res: MidtransTransaction;
      try {
        res = await call('refund', 'POST', `/v2/${encodeURIComponent(request.orderId)}/refund`, { refund_key: request.refundKey, amount, reason: request.reason ?? 'refund' }, true);
      } catch (err) {
        // A retried refund whose first call did arrive: Midtrans reports the refund_key as a duplicate. That is
        // the refund already made, not a failure; the status answer lists it with the refunded total.
        if (!(err instanceof AppError) || (err.details as { providerStatusCode?: string } | undefined)?.providerStatusCode !== '406') throw err;
        const status = await call('status', 'GET', `/v2/${encodeURIComponent(request.orderId)}/status`, undefined, true);
        const made = status.refunds?.find((r) => r.refund_key === request.refundKey);
        if (!made) throw err;
        return { refundRef: request.refundKey, status: 'success', refundedAmountMinor: status.refundAmountMinor };
      }
      // The answer names this refund's own amount; the running total comes from the status.
      const after = await call('status', 'GET', `/v2/${encodeURIComponent(request.orderId)}/status`, undefined, true).catch(() => undefined);
      return {
        refundRef: res.refund_key ?? request.refundKey,
        status: 'success',
        refundedAmountMinor: after?.refundAmountMinor,
      };
    },
  };
}

function buildChargeBody(request: ChargeRequest): Record<string, unknown> {
  if (request.amount.currency !== 'IDR') throw validationFailed([{ field: 'currency', reason: 'Midtrans takes IDR only' }]);
  let gross: number;
  try {
    gross = minorToWholeMajor(request.amount.amountMinor, 'IDR');
  } catch {
    throw validationFailed([{ field: 'amountMinor', reason: 'Midtrans takes whole rupiah only' }]);
  }
  const items = request.items?.map((item, index) => ({ id: `item-${index + 1}`, name: item.name.slice(0, 50), price: minorToWholeMajor(item.priceMinor, 'IDR'), quantity: item.quantity }));
  if (items && items.reduce((sum, i) => sum + i.price * i.quantity, 0) !== gross) throw validationFailed([{ field: 'items', reason: 'item totals must add up to the amount' }]);

  const body: Record<string, unknown> = {
    transaction_details: { order_id: request.orderId, gross_amount: gross },
    ...(items ? { item_details: items } : {}),
    ...(request.customer ? { customer_details: { first_name: request.customer.name, email: request.customer.email, phone: request.customer.phone } } : {}),
  };
  if (request.expiresAt) {
    const now = DateTime.now().setZone('Asia/Jakarta');
    const minutes = Math.max(1, Math.round((request.expiresAt.getTime() - now.toMillis()) / 60_000));
    body.custom_expiry = { order_time: now.toFormat('yyyy-MM-dd HH:mm:ss ZZZ'), expiry_duration: minutes, unit: 'minute' };
  }
  const method = request.method;
  if (VA_BANKS[method]) return { ...body, payment_type: 'bank_transfer', bank_transfer: { bank: VA_BANKS[method] } };
  switch (method) {
    case 'va_mandiri':
      return { ...body, payment_type: 'echannel', echannel: { bill_info1: 'Payment:', bill_info2: (request.description ?? 'SmartWealth').slice(0, 30) } };
    case 'qris':
      return { ...body, payment_type: 'qris', qris: { acquirer: 'gopay' } };
    case 'gopay':
      return { ...body, payment_type: 'gopay', gopay: { enable_callback: Boolean(request.redirectUrl), ...(request.redirectUrl ? { callback_url: request.redirectUrl } : {}) } };
    case 'shopeepay':
      return { ...body, payment_type: 'shopeepay', shopeepay: request.redirectUrl ? { callback_url: request.redirectUrl } : {} };
    case 'indomaret':
    case 'alfamart':
      return { ...body, payment_type: 'cstore', cstore: { store: method, message: (request.description ?? 'SmartWealth').slice(0, 20) } };
    case 'card':
      if (!request.cardToken) throw validationFailed([{ field: 'cardToken', reason: 'is required for card payments' }]);
      return { ...body, payment_type: 'credit_card', credit_card: { token_id: request.cardToken, authentication: true } };
    default:
      throw validationFailed([{ field: 'method', reason: `Midtrans does not take ${method}` }]);
  }
}

function instructionsFrom(method: PaymentMethod, res: MidtransTransaction): PaymentInstructions {
  const expiresAt = parseMidtransTime(res.expiry_time);
  const withExpiry = (i: PaymentInstructions): PaymentInstructions => (expiresAt ? { ...i, expiresAt } : i);
  const action = (name: string) => res.actions?.find((a) => a.name === name)?.url;
  if (res.va_numbers?.length) return withExpiry({ kind: 'virtual_account', vaNumber: res.va_numbers[0].va_number, bank: res.va_numbers[0].bank });
  if (res.permata_va_number) return withExpiry({ kind: 'virtual_account', vaNumber: res.permata_va_number, bank: 'permata' });
  if (res.bill_key) return withExpiry({ kind: 'bill_key', billKey: res.bill_key, billerCode: res.biller_code, bank: 'mandiri' });
  if (res.payment_code) return withExpiry({ kind: 'payment_code', paymentCode: res.payment_code, store: res.store ?? method });
  if (method === 'qris') return withExpiry({ kind: 'qr', qrString: res.qr_string, redirectUrl: action('generate-qr-code') });
  if (method === 'gopay' || method === 'shopeepay') return withExpiry({ kind: 'deeplink', deeplinkUrl: action('deeplink-redirect'), qrString: res.qr_string, redirectUrl: action('generate-qr-code') });
  if (res.redirect_url) return withExpiry({ kind: 'redirect', redirectUrl: res.redirect_url });
  return { kind: 'none' };
}

function toStatus(res: MidtransTransaction): ProviderStatus {
  const currency = res.currency;
  return {
    providerRef: res.transaction_id,
    status: mapMidtransTransactionStatus(res.transaction_status ?? 'pending', res.fraud_status),
    providerStatus: res.transaction_status ?? 'pending',
    refundedAmountMinor: res.refundAmountMinor,
    paidAt: parseMidtransTime(res.settlement_time),
    occurredAt: parseMidtransTime(res.settlement_time) ?? parseMidtransTime(res.transaction_time) ?? new Date(),
    orderId: res.order_id,
    amount: res.grossAmountMinor !== undefined ? { amountMinor: res.grossAmountMinor, currency } : undefined,
  };
}

/** Midtrans status codes → our errors. The message is Midtrans's own (it never contains the key). */
function toError(code: number, body: Pick<MidtransErrorBody, 'status_message' | 'validation_messages'>): AppError {
  const message = `Midtrans: ${body.status_message ?? `status ${code}`}${body.validation_messages?.length ? ` (${body.validation_messages.join('; ')})` : ''}`;
  const details = { provider: 'midtrans', providerStatusCode: String(code) };
  if (code === 406) return new AppError('CONFLICT', message, { details });
  if (code === 404) return new AppError('PROVIDER_REJECTED', message, { details });
  if (code >= 500) return new AppError('PROVIDER_UNAVAILABLE', message, { retryable: true, details });
  return new AppError('PROVIDER_REJECTED', message, { details });
}
