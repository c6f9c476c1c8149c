/**
 * Event application: a verified provider notification (or a status poll's answer) moves a payment through the
 * state machine, whatever order and however often it arrives.
 */
import type { Types } from 'mongoose';
import type { PaymentDoc, StoredPaymentStatus, TransitionSource } from '../models/payment.js';
import type { NormalizedPaymentEvent } from '../providers/types.js';
import type { EventOutcome, PaymentCore, TransitionOutcome } from './payment-core.js';
import type { PaymentRefunds } from './payment-refunds.js';

export class PaymentEvents {
  constructor(private readonly core: PaymentCore, private readonly refunds: PaymentRefunds) {}

  private get deps() {
    return this.core.deps;
  }

  /** Applies a verified provider notification (from the inbox processor). */
  async applyProviderEvent(event: NormalizedPaymentEvent, eventId?: Types.ObjectId): Promise<EventOutcome> {
    const doc = await this.deps.models.Payment.findOne({ orderId: event.orderId }).lean();
    if (!doc) return 'unknown-order';
    if (doc.provider !== event.provider) return 'provider-mismatch';
    if (event.status === 'success' && event.amount && (event.amount.amountMinor !== doc.amountMinor || event.amount.currency !== doc.currency)) {
      this.deps.logger.warn({ paymentId: String(doc._id), expected: doc.amountMinor, got: event.amount.amountMinor }, 'settlement amount differs from the payment');
      return 'amount-mismatch';
    }
    if (event.providerRef && !doc.providerRef) {
      await this.deps.models.Payment.updateOne({ _id: doc._id, providerRef: { $exists: false } }, { $set: { providerRef: event.providerRef, chargeState: 'accepted' } });
    }
    const heldUnpaid = doc.status === 'failed' || doc.status === 'expired' || doc.status === 'cancelled';
    const movesMoney = event.refund ? event.refund.outcome === 'succeeded' : event.status === 'success' || event.status === 'refunded' || event.status === 'partially_refunded';
    if (heldUnpaid && movesMoney) {
      this.deps.logger.error({ paymentId: String(doc._id), status: doc.status }, 'provider reports money moved on a payment the hub holds as unpaid; needs a person');
      return 'paid-after-final';
    }
    if (event.refund) return this.refunds.applyRefundOutcome(doc, event.refund, { source: 'webhook', providerStatus: event.providerStatus, eventId });
    if (event.status === 'pending') {
      const current = doc.status;
      return current === 'pending' || current === 'scheduled' ? 'duplicate' : 'stale';
    }
    return this.applyProviderStatus(doc, event.status, {
      source: 'webhook',
      providerStatus: event.providerStatus,
      eventId,
      refundedAmountMinor: event.refundedAmountMinor,
      settledAt: event.status === 'success' ? event.occurredAt : undefined,
    });
  }

  /**
   * Applies where the provider says a payment stands (webhook or poll), reading what the provider's word implies
   * about the states in between. A refund proves the payment was paid: when the refund overtakes the settlement
   * (the settlement delivery is still being retried), the settlement is recorded first rather than the refund
   * being dropped as stale. A cancel of a captured card payment is a void: the money goes back in full.
   */
  async applyProviderStatus(
    doc: PaymentDoc,
    to: Exclude<StoredPaymentStatus, 'scheduled'>,
    context: { source: TransitionSource; providerStatus?: string; eventId?: Types.ObjectId; refundedAmountMinor?: number; settledAt?: Date },
  ): Promise<TransitionOutcome> {
    if (to === 'refunded' || to === 'partially_refunded') {
      await this.core.ensurePaid(doc, context);
      return this.refunds.applyReportedRefundTotal(doc._id, to === 'refunded' ? (context.refundedAmountMinor ?? doc.amountMinor) : (context.refundedAmountMinor ?? 0), context);
    }
    if (to === 'cancelled' && (doc.status === 'success' || doc.status === 'partially_refunded')) {
      return this.core.transition(doc, 'refunded', { ...context, refundedAmountMinor: doc.amountMinor, note: 'voided by the provider after capture' });
    }
    return this.core.transition(doc, to, context);
  }
}
