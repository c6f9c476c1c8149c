/**
 * Event application: a verified provider notification (or a status poll's answer) moves a payment through the
 * state machine, whatever order and however often it arrives.
 */
import type { Types } from 'mongoose';
import type { PaymentDoc, StoredPaymentStatus, TransitionSource } from '../models/payment.js';
import type { NormalizedPaymentEvent } from '../providers/types.js';
import type { EventOutcome, PaymentCore, TransitionOutcome } from './payment-core.js';
import { needsConfirmation, type PaymentConfirmation } from './payment-confirmation.js';
import type { PaymentRefunds } from './payment-refunds.js';

export class PaymentEvents {
  constructor(
    private readonly core: PaymentCore,
    private readonly refunds: PaymentRefunds,
    private readonly confirmation: PaymentConfirmation,
  ) {}

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
    const heldUnpaid = doc.status === 'failed' || doc.status === 'expired' || doc.status === 'cancelled';
    const movesMoney = event.refund ? event.refund.outcome === 'succeeded' : event.status === 'success' || event.status === 'refunded' || event.status === 'partially_refunded';
    if (heldUnpaid && movesMoney) {
      this.deps.logger.error({ paymentId: String(doc._id), status: doc.status }, 'provider reports money moved on a payment the hub holds as unpaid; needs a person');
      return 'paid-after-final';
    }
    if (!needsConfirmation(event)) {
      // `pending` moves nothing; it may bring the provider's id of a charge whose answer is still on its way.
      if (event.providerRef && !doc.providerRef) {
        await this.deps.models.Payment.updateOne({ _id: doc._id, providerRef: { $exists: false } }, { $set: { providerRef: event.providerRef, chargeState: 'accepted' } });
      }
      const current = doc.status;
      return current === 'pending' || current === 'scheduled' ? 'duplicate' : 'stale';
    }

    const confirmation = await this.confirmation.confirm(doc, event);
    if (confirmation.verdict === 'contradicted') return this.unconfirmed(doc, event, confirmation.reason, eventId);
    if (confirmation.verdict === 'refund-confirmed') {
      return this.refunds.applyRefundOutcome(doc, { ...event.refund!, amountMinor: confirmation.amountMinor, outcome: confirmation.outcome }, { source: 'webhook', providerStatus: event.providerStatus, eventId });
    }
    const status = confirmation.status;
    const providerRef = status.providerRef ?? event.providerRef;
    if (providerRef && !doc.providerRef) {
      await this.deps.models.Payment.updateOne({ _id: doc._id, providerRef: { $exists: false } }, { $set: { providerRef, chargeState: 'accepted' } });
    }
    if (event.refund) {
      // A provider with no refund lookup confirmed the payment as refunded: count this refund once, as reported.
      return this.refunds.applyRefundOutcome(doc, event.refund, { source: 'webhook', providerStatus: status.providerStatus, eventId });
    }
    if (status.status === 'pending') return 'stale';
    // What the provider says now, which may be later than the body (a settlement that arrives after its refund).
    return this.applyProviderStatus(doc, status.status, {
      source: 'webhook',
      providerStatus: status.providerStatus,
      eventId,
      refundedAmountMinor: status.refundedAmountMinor ?? (status.status === event.status ? event.refundedAmountMinor : undefined),
      settledAt: status.status === 'success' ? (status.paidAt ?? event.occurredAt) : undefined,
    });
  }

  /** The provider contradicts the notification: nothing is applied, a person is shown why. */
  private async unconfirmed(doc: PaymentDoc, event: NormalizedPaymentEvent, reason: string, eventId?: Types.ObjectId): Promise<EventOutcome> {
    this.deps.logger.warn({ paymentId: String(doc._id), provider: doc.provider, claimed: event.providerStatus, reason }, 'provider contradicts a signed notification; not applied');
    await this.deps.audit.record({
      actor: { channel: 'webhook' },
      action: 'payment.event.unconfirmed',
      target: { type: 'payment', id: String(doc._id) },
      outcome: 'failure',
      metadata: { provider: doc.provider, eventId: eventId ? String(eventId) : undefined, claimed: event.providerStatus, reason },
    });
    return `unconfirmed: ${reason}`;
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
