/**
 * A validly signed notification is not proof of its status. Midtrans signs only order_id + status_code +
 * gross_amount, and settlement, capture, cancel, refund and partial_refund all carry status_code 200, so anyone who
 * saw one settlement body can rewrite its transaction_status and keep the signature; Xendit's callback token is a
 * static secret. So before a notification moves money or closes a payment, the provider is asked where the payment
 * stands (Midtrans GET /v2/{order_id}/status; Xendit the lookup of the object itself, see the adapter), and the
 * provider's answer is what is applied.
 *
 * Runs in the inbox processor, never in the HTTP intake. A provider whose status API does not answer makes the
 * event wait on the confirmation schedule (see webhook-inbox.ts), not fail towards `dead`.
 */
import type { Counter } from 'prom-client';
import type { PaymentDoc, StoredPaymentStatus } from '../models/payment.js';
import { AppError } from '../../../lib/errors.js';
import type { NormalizedPaymentEvent, PaymentProviderName, PaymentStatus, ProviderStatus } from '../providers/types.js';
import { isNotFoundAtProvider, type PaymentCore } from './payment-core.js';

/** Status calls one provider may have in flight for confirmations at once (its rate limits are per account). */
export const CONFIRMATIONS_PER_PROVIDER = 4;

/** Marks an error as "the provider could not be asked": the inbox retries it on the confirmation schedule. */
export const CONFIRMATION_RETRY = 'confirmation';

export type Confirmation =
  | { verdict: 'confirmed'; status: ProviderStatus }
  | { verdict: 'refund-confirmed'; amountMinor: number; outcome: 'succeeded' | 'failed' }
  | { verdict: 'contradicted'; reason: string };

/** Does this event move money or close the payment (and so need the provider's word)? */
export function needsConfirmation(event: NormalizedPaymentEvent): boolean {
  return Boolean(event.refund) || event.status !== 'pending';
}

/**
 * Does the provider's state equal the body's or come after it in the state machine? A late settlement whose status
 * now reads refund is stale, not forged: the provider's later state is applied.
 */
export function followsOrEquals(claimed: PaymentStatus, actual: PaymentStatus): boolean {
  if (claimed === actual) return true;
  const refunds: PaymentStatus[] = ['partially_refunded', 'refunded'];
  if (claimed === 'success') return refunds.includes(actual);
  if (claimed === 'partially_refunded') return actual === 'refunded';
  // A cancel of a captured card payment is a void: the provider may report it refunded.
  if (claimed === 'cancelled') return actual === 'refunded';
  return false;
}

class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export class PaymentConfirmation {
  private readonly limiters = new Map<PaymentProviderName, Limiter>();

  constructor(private readonly core: PaymentCore, private readonly counter?: Counter<'provider' | 'result'>) {}

  /** Asks the provider about the payment (or the refund) the event speaks of, and says whether it agrees. */
  async confirm(doc: PaymentDoc, event: NormalizedPaymentEvent): Promise<Confirmation> {
    const provider = this.core.configuredProvider(doc.provider);
    let limiter = this.limiters.get(doc.provider);
    if (!limiter) this.limiters.set(doc.provider, (limiter = new Limiter(CONFIRMATIONS_PER_PROVIDER)));
    try {
      const result = await limiter.run(() => this.ask(doc, event, provider));
      this.counter?.inc({ provider: doc.provider, result: result.verdict === 'contradicted' ? 'contradicted' : 'confirmed' });
      return result;
    } catch (err) {
      if (err instanceof AppError && isNotFoundAtProvider(err)) {
        this.counter?.inc({ provider: doc.provider, result: 'contradicted' });
        return { verdict: 'contradicted', reason: `${doc.provider} has no such ${event.refund ? 'refund' : 'payment'} (${err.message})` };
      }
      this.counter?.inc({ provider: doc.provider, result: 'unavailable' });
      throw new AppError('PROVIDER_UNAVAILABLE', `could not confirm the notification with ${doc.provider}: ${err instanceof Error ? err.message : String(err)}`, {
        retryable: true,
        cause: err,
        details: { retrySchedule: CONFIRMATION_RETRY, provider: doc.provider },
      });
    }
  }

  private async ask(doc: PaymentDoc, event: NormalizedPaymentEvent, provider: ReturnType<PaymentCore['configuredProvider']>): Promise<Confirmation> {
    if (event.refund && provider.getRefund) {
      const refund = await provider.getRefund(event.refund.refundRef);
      const actual = refund.status === 'success' ? 'succeeded' : refund.status === 'failed' ? 'failed' : 'pending';
      if (actual === 'pending') {
        // The refund exists and is not decided yet: ask again later rather than call the callback a lie.
        throw new AppError('PROVIDER_UNAVAILABLE', `${doc.provider} still reports the refund as pending`, { retryable: true });
      }
      if (actual !== event.refund.outcome) return { verdict: 'contradicted', reason: `${doc.provider} says the refund ${actual}, the notification says it ${event.refund.outcome}` };
      return { verdict: 'refund-confirmed', amountMinor: refund.amountMinor, outcome: actual };
    }
    // Our own reference where we have it; the event's only when we have none yet (then its owner is checked below).
    const status = await provider.getStatus({ orderId: doc.orderId, providerRef: doc.providerRef ?? event.providerRef, method: doc.method, paymentId: event.providerPaymentId });
    if (status.orderId !== undefined && status.orderId !== doc.orderId) {
      return { verdict: 'contradicted', reason: `${doc.provider} says that object belongs to order ${status.orderId}, not ${doc.orderId}` };
    }
    const paid: StoredPaymentStatus[] = ['success', 'partially_refunded', 'refunded'];
    if (status.amount && paid.includes(status.status) && (status.amount.amountMinor !== doc.amountMinor || status.amount.currency !== doc.currency)) {
      return { verdict: 'contradicted', reason: `${doc.provider} says ${status.amount.amountMinor} ${status.amount.currency} was paid, the payment is ${doc.amountMinor} ${doc.currency}` };
    }
    const claimed: PaymentStatus = event.refund ? 'partially_refunded' : event.status;
    if (!followsOrEquals(claimed, status.status)) {
      return { verdict: 'contradicted', reason: `${doc.provider} says ${status.providerStatus} (${status.status}), the notification says ${event.providerStatus} (${claimed})` };
    }
    return { verdict: 'confirmed', status };
  }
}
