/**
 * Refunds: a user's refund request (one at a time per payment, keyed so a retry is the same refund at the
 * provider), and the outcomes providers report later, each counted exactly once.
 */
import type { Types } from 'mongoose';
import type { PaymentDoc, RefundRecord, TransitionSource } from '../models/payment.js';
import { AppError, validationFailed } from '../../../lib/errors.js';
import { formatMoney } from '../../../lib/money.js';
import type { Actor } from '../../../services/actor.js';
import { refundedIn, type PaymentCore, type TransitionOutcome } from './payment-core.js';
import { assertRefundAllowed } from './refund-rules.js';
import { toPaymentView, type PaymentView } from './views.js';

export class PaymentRefunds {
  constructor(private readonly core: PaymentCore, private readonly ownedPayment: (actor: Actor, paymentId: string) => Promise<PaymentDoc>) {}

  private get deps() {
    return this.core.deps;
  }

  private now(): Date {
    return this.core.now();
  }

  async refund(actor: Actor, paymentId: string, input: { amountMinor?: number; reason?: string }): Promise<PaymentView> {
    const owned = await this.ownedPayment(actor, paymentId);
    // One refund of a payment at a time: two at once would read the same refunds, take the same refund key (the
    // provider would answer the second with the first) and both pass the refundable check. A lock left by a dead
    // process runs out; the retry then takes the same key, so the provider sees the same refund.
    const lockUntil = new Date(this.now().getTime() + 60_000);
    const doc = await this.deps.models.Payment.findOneAndUpdate(
      { _id: owned._id, $or: [{ refundLockUntil: { $exists: false } }, { refundLockUntil: { $lt: this.now() } }] },
      { $set: { refundLockUntil: lockUntil } },
      { returnDocument: 'after' },
    ).lean();
    if (!doc) throw new AppError('CONFLICT', 'another refund of this payment is being made; retry in a moment', { retryAfterSeconds: 2 });
    try {
      if (doc.status !== 'success' && doc.status !== 'partially_refunded') throw new AppError('CONFLICT', `a ${doc.status} payment cannot be refunded`);
      // Refunds still in flight at the provider count as spent.
      const inFlight = refundedIn(doc.refunds, 'pending');
      const refundable = doc.amountMinor - doc.refundedAmountMinor - inFlight;
      const amountMinor = input.amountMinor ?? refundable;
      if (refundable <= 0) throw new AppError('CONFLICT', inFlight ? 'the rest of this payment is already being refunded' : 'nothing is left to refund');
      if (amountMinor > refundable) throw validationFailed([{ field: 'amountMinor', reason: `at most ${refundable} can still be refunded` }]);
      if (doc.currency === 'IDR' && amountMinor % 100 !== 0) throw validationFailed([{ field: 'amountMinor', reason: 'IDR refunds must be whole rupiah' }]);
      // The provider's own rules (methods it refunds, partial or not): refused here, naming the rule, nothing sent.
      assertRefundAllowed(doc, amountMinor);
      const provider = this.core.configuredProvider(doc.provider);
      // Numbered by the refunds this payment has had: a request retried before its refund was recorded is the same
      // refund at the provider, while a new refund after a refused one gets a new key (providers replay a known key).
      const refundKey = `${doc.orderId}-r${(doc.refunds?.length ?? 0) + 1}`;
      const result = await provider.refund({
        orderId: doc.orderId,
        providerRef: doc.providerRef ?? '',
        method: doc.method,
        amount: { amountMinor, currency: doc.currency },
        reason: input.reason,
        refundKey,
      });
      if (result.status === 'failed') throw new AppError('PROVIDER_REJECTED', 'the provider refused the refund');
      if (result.status === 'success') {
        await this.applyRefundOutcome(doc, { refundRef: result.refundRef, amountMinor, outcome: 'succeeded', reason: input.reason }, { source: 'api', note: input.reason });
        // A provider that reports its running total may know of refunds the hub does not (made in its dashboard).
        if (result.refundedAmountMinor !== undefined) await this.applyReportedRefundTotal(doc._id, result.refundedAmountMinor, { source: 'api' });
      } else {
        // Finishes later: the provider's callback (or a status poll) completes this record.
        await this.recordRefund(doc._id, { refundRef: result.refundRef, amountMinor, reason: input.reason });
      }
      await this.deps.audit.record({ actor, action: 'payment.refund', target: { type: 'payment', id: paymentId }, metadata: { amountMinor, refundRef: result.refundRef, status: result.status } });
    } finally {
      await this.deps.models.Payment.updateOne({ _id: doc._id, refundLockUntil: lockUntil }, { $unset: { refundLockUntil: 1 } });
    }
    return toPaymentView((await this.deps.models.Payment.findById(paymentId).lean())!);
  }

  /**
   * A refunded total the provider reports (a running total, which may include refunds made in its dashboard).
   * Applied only if it is more than the hub has; pending refund records it covers are closed as succeeded.
   */
  async applyReportedRefundTotal(paymentId: Types.ObjectId, total: number, context: { source: TransitionSource; providerStatus?: string; eventId?: Types.ObjectId }): Promise<TransitionOutcome> {
    const current = (await this.deps.models.Payment.findById(paymentId).lean())!;
    if (total <= current.refundedAmountMinor) return 'duplicate';
    const outcome = await this.core.transition(current, total >= current.amountMinor ? 'refunded' : 'partially_refunded', { ...context, refundedAmountMinor: total });
    if (outcome === 'applied') await this.closeCoveredRefunds(paymentId, total);
    return outcome;
  }

  /**
   * Closes pending refund records that a reported running total has covered (an e-wallet refund answered PENDING
   * and then settled by a callback that carries only the charge's refunded total).
   */
  private async closeCoveredRefunds(paymentId: Types.ObjectId, total: number): Promise<void> {
    const doc = await this.deps.models.Payment.findById(paymentId, { refunds: 1 }).lean();
    const pending = (doc?.refunds ?? []).filter((r) => r.status === 'pending');
    if (!pending.length || total < refundedIn(doc?.refunds, 'succeeded') + refundedIn(doc?.refunds, 'pending')) return;
    for (const record of pending) await this.closeRefundRecord(paymentId, record, 'succeeded');
  }

  /**
   * One refund has an outcome (the provider's answer or its callback). A refund the hub has no record of (made
   * from the provider's dashboard, or whose answer never reached us) is recorded first. A success adds the
   * refund's amount exactly once; a failure only closes the record.
   */
  async applyRefundOutcome(
    doc: PaymentDoc,
    refund: { refundRef: string; amountMinor: number; outcome: 'succeeded' | 'failed'; reason?: string },
    context: { source: TransitionSource; providerStatus?: string; eventId?: Types.ObjectId; note?: string },
  ): Promise<TransitionOutcome> {
    await this.recordRefund(doc._id, { refundRef: refund.refundRef, amountMinor: refund.amountMinor, reason: refund.reason });
    if (refund.outcome === 'failed') {
      const record = (await this.deps.models.Payment.findById(doc._id, { refunds: 1 }).lean())?.refunds?.find((r) => r.refundRef === refund.refundRef);
      if (!record || record.status !== 'pending') return 'duplicate';
      if (!(await this.closeRefundRecord(doc._id, record, 'failed'))) return 'duplicate';
      await this.deps.notifications.notify({
        userId: String(doc.userId),
        kind: 'payment.refund_failed',
        title: 'Refund failed',
        body: `A refund of ${formatMoney({ amountMinor: refund.amountMinor, currency: doc.currency })}${doc.description ? ` for "${doc.description}"` : ''} was refused by the provider.`,
        data: { paymentId: String(doc._id), refundRef: refund.refundRef },
        dedupeKey: `payment:${doc._id}:refund:${refund.refundRef}:failed`,
      });
      return 'applied';
    }
    // Optimistic: read the total, add to it under a guard on that total; a concurrent refund makes us read again.
    for (let tries = 0; tries < 5; tries++) {
      let current = (await this.deps.models.Payment.findById(doc._id).lean())!;
      const record = current.refunds?.find((r) => r.refundRef === refund.refundRef);
      if (!record || record.status !== 'pending') return 'duplicate';
      if (current.status === 'pending' || current.status === 'scheduled') {
        await this.core.ensurePaid(current, context);
        current = (await this.deps.models.Payment.findById(doc._id).lean())!;
      }
      // Providers also report running totals (status polls, Midtrans notifications, Xendit e-wallet callbacks),
      // which may already include this refund: the refunded total is the larger of the two accounts.
      const succeeded = refundedIn(current.refunds, 'succeeded');
      const total = Math.max(current.refundedAmountMinor, succeeded + record.amountMinor);
      if (total === current.refundedAmountMinor) {
        await this.closeRefundRecord(doc._id, record, 'succeeded');
        return 'duplicate';
      }
      const outcome = await this.core.transition(current, total >= current.amountMinor ? 'refunded' : 'partially_refunded', {
        ...context,
        refundedAmountMinor: total,
        refundRecord: { record, fromTotal: current.refundedAmountMinor },
      });
      if (outcome === 'applied') return outcome;
      // Read again only if another refund moved the total meanwhile; otherwise nothing more can be added (the
      // payment is already refunded in full): close the record.
      const now = await this.deps.models.Payment.findById(doc._id, { status: 1, refundedAmountMinor: 1 }).lean();
      if (now?.status === current.status && now.refundedAmountMinor === current.refundedAmountMinor) {
        await this.closeRefundRecord(doc._id, record, 'succeeded');
        return 'stale';
      }
    }
    throw new AppError('SERVICE_UNAVAILABLE', 'the payment kept changing while a refund was applied; will retry', { retryable: true });
  }

  /** Closes a pending refund record (the whole element in one positional path). False if it was not pending. */
  private async closeRefundRecord(paymentId: Types.ObjectId, record: RefundRecord, status: 'succeeded' | 'failed'): Promise<boolean> {
    const closed = await this.deps.models.Payment.updateOne(
      { _id: paymentId, refunds: { $elemMatch: { refundRef: record.refundRef, status: 'pending' } } },
      { $set: { 'refunds.$': { ...record, status, completedAt: this.now() } } },
    );
    return closed.modifiedCount > 0;
  }

  /** Adds a pending refund record unless one with this provider id exists. */
  private async recordRefund(paymentId: Types.ObjectId, refund: { refundRef: string; amountMinor: number; reason?: string }): Promise<void> {
    await this.deps.models.Payment.updateOne(
      { _id: paymentId, 'refunds.refundRef': { $ne: refund.refundRef } },
      { $push: { refunds: { ...refund, status: 'pending', requestedAt: this.now() } } },
    );
  }
}
