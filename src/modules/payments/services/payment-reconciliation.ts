/**
 * Reconciliation: asks providers where payments stand when their word is overdue (a charge without an answer, a
 * window that has passed, a refund whose callback is late) and applies the answer like any other event.
 */
import type { PaymentDoc } from '../models/payment.js';
import { AppError } from '../../../lib/errors.js';
import { CHARGE_SECRETS_UNSET, isNotFoundAtProvider, type PaymentCore, type TransitionOutcome } from './payment-core.js';
import type { PaymentEvents } from './payment-events.js';
import type { PaymentRefunds } from './payment-refunds.js';

export class PaymentReconciliation {
  constructor(private readonly core: PaymentCore, private readonly events: PaymentEvents, private readonly refunds: PaymentRefunds) {}

  private get deps() {
    return this.core.deps;
  }

  private now(): Date {
    return this.core.now();
  }

  /** Asks the provider where a payment stands and applies the answer (reconciliation and unknown charges). */
  async reconcile(doc: PaymentDoc): Promise<TransitionOutcome | 'unchanged' | 'not-at-provider'> {
    // Every attempt counts as a check, so a payment that cannot be decided yet does not hold up the others.
    await this.deps.models.Payment.updateOne({ _id: doc._id }, { $set: { lastCheckedAt: this.now() } });
    const provider = this.deps.providers.get(doc.provider);
    if (!provider) return 'unchanged';
    let status;
    try {
      status = await provider.getStatus({ orderId: doc.orderId, providerRef: doc.providerRef, method: doc.method });
    } catch (err) {
      if (doc.chargeState === 'accepted' || !(err instanceof AppError)) throw err;
      if (err.details?.lookupNeedsProviderRef) {
        // Some products can only be looked up by the id the lost answer carried. If the charge exists, its callback
        // brings that id; until the payment's window has passed, wait rather than call it failed.
        const deadline = doc.expiresAt ?? new Date(doc.createdAt.getTime() + 24 * 3600_000);
        if (this.now() < deadline) return 'unchanged';
        return this.failNeverCharged(doc, 'no answer from the provider, and nothing came from it before the payment window closed');
      }
      if (isNotFoundAtProvider(err)) return this.failNeverCharged(doc, 'the provider never received the charge');
      throw err;
    }
    await this.deps.models.Payment.updateOne(
      { _id: doc._id },
      { $set: { ...(status.providerRef && !doc.providerRef ? { providerRef: status.providerRef } : {}), ...(doc.chargeState !== 'accepted' ? { chargeState: 'accepted' } : {}) } },
    );
    if (status.status === 'pending') return 'unchanged';
    return this.events.applyProviderStatus(doc, status.status, {
      source: 'poll',
      providerStatus: status.providerStatus,
      refundedAmountMinor: status.refundedAmountMinor,
      settledAt: status.paidAt,
    });
  }

  /** A charge the provider does not have: nothing to pay, nothing charged. */
  private async failNeverCharged(doc: PaymentDoc, reason: string): Promise<'not-at-provider' | 'unchanged'> {
    const updated = await this.deps.models.Payment.updateOne({ _id: doc._id, chargeState: doc.chargeState }, { $set: { chargeState: 'rejected', failureReason: reason } });
    if (!updated.modifiedCount) return 'unchanged'; // something else (a callback) decided it meanwhile
    await this.core.transition(doc, 'failed', { source: 'poll', note: reason });
    return 'not-at-provider';
  }

  /** Reconciles one payment by id if it is still pending (the follow-up after a charge got no answer). */
  async reconcileById(paymentId: string): Promise<void> {
    const doc = await this.deps.models.Payment.findById(paymentId).lean();
    if (doc?.status === 'pending' && doc.chargeState !== 'not_sent') await this.reconcile(doc);
  }

  /** Polls payments that should have an outcome by now (expired windows, unknown charges, quiet for long). */
  async reconcileStale(limit = 100): Promise<{ checked: number; changed: number }> {
    const now = this.now().getTime();
    // Recorded by an API request that died before charging, and not retried since: nothing was sent, so nothing
    // is owed; say so rather than leave it pending. (Batch and recurring payments are the jobs' to finish.)
    // A scheduled one is its charge job's to finish (the job is retried), so it gets an hour past its time.
    const abandoned = await this.deps.models.Payment.find(
      {
        status: 'pending',
        chargeState: 'not_sent',
        chargeClaimedAt: { $exists: false },
        'origin.kind': { $in: ['api', 'chat'] },
        $or: [{ runAt: { $exists: false }, createdAt: { $lt: new Date(now - 10 * 60_000) } }, { runAt: { $lt: new Date(now - 60 * 60_000) } }],
      },
      { _id: 1, status: 1, userId: 1, amountMinor: 1, currency: 1, orderId: 1, description: 1, chargeState: 1 },
    )
      .limit(limit)
      .lean();
    let changed = 0;
    for (const doc of abandoned) {
      const updated = await this.deps.models.Payment.updateOne(
        { _id: doc._id, chargeState: 'not_sent', chargeClaimedAt: { $exists: false } },
        { $set: { chargeState: 'rejected', failureReason: 'the request that made this payment ended before the charge was sent' }, $unset: CHARGE_SECRETS_UNSET },
      );
      if (updated.modifiedCount && (await this.core.transition(doc, 'failed', { source: 'job', note: 'never charged' })) === 'applied') changed++;
    }

    // Each kind of candidate is asked again only after its own pause, and the least recently asked go first, so
    // payments that cannot be decided yet (or whose provider keeps failing) never crowd out the rest.
    const notAskedSince = (ms: number) => ({ $or: [{ lastCheckedAt: { $exists: false } }, { lastCheckedAt: { $lt: new Date(now - ms) } }] });
    const candidates = await this.deps.models.Payment.find({
      status: 'pending',
      provider: { $in: [...this.deps.providers.keys()] },
      $or: [
        // Claimed, but the process died while charging: only the provider knows whether the charge arrived.
        { chargeState: 'not_sent', chargeClaimedAt: { $lt: new Date(now - 2 * 60_000) }, ...notAskedSince(60_000) },
        { chargeState: 'accepted', expiresAt: { $lt: new Date(now - 2 * 60_000) }, ...notAskedSince(60_000) },
        { chargeState: 'unknown', updatedAt: { $lt: new Date(now - 30_000) }, ...notAskedSince(30_000) },
        { chargeState: 'accepted', createdAt: { $lt: new Date(now - 30 * 60_000) }, ...notAskedSince(15 * 60_000) },
      ],
    })
      .sort({ lastCheckedAt: 1, createdAt: 1 })
      .limit(limit)
      .lean();
    for (const doc of candidates) {
      try {
        const outcome = await this.reconcile(doc);
        if (outcome === 'applied' || outcome === 'not-at-provider') changed++;
      } catch (err) {
        this.deps.logger.warn({ err, paymentId: String(doc._id) }, 'reconciliation poll failed; will try again');
      }
    }
    const refunds = await this.reconcileLateRefunds(limit);
    return { checked: candidates.length + abandoned.length + refunds.checked, changed: changed + refunds.changed };
  }

  /** Asks the provider about refunds still pending long after they were asked for (their callback is late or lost). */
  private async reconcileLateRefunds(limit: number): Promise<{ checked: number; changed: number }> {
    const cutoff = new Date(this.now().getTime() - 15 * 60_000);
    const docs = await this.deps.models.Payment.find({ refunds: { $elemMatch: { status: 'pending', requestedAt: { $lt: cutoff } } } })
      .limit(limit)
      .lean();
    let checked = 0;
    let changed = 0;
    for (const doc of docs) {
      const provider = this.deps.providers.get(doc.provider);
      if (!provider?.getRefund) continue;
      for (const record of doc.refunds ?? []) {
        if (record.status !== 'pending' || record.requestedAt >= cutoff) continue;
        checked++;
        try {
          const answer = await provider.getRefund(record.refundRef);
          if (answer.status === 'pending') continue;
          const outcome = await this.refunds.applyRefundOutcome(doc, { refundRef: record.refundRef, amountMinor: record.amountMinor, outcome: answer.status === 'success' ? 'succeeded' : 'failed' }, { source: 'poll' });
          if (outcome === 'applied') changed++;
        } catch (err) {
          this.deps.logger.warn({ err, paymentId: String(doc._id), refundRef: record.refundRef }, 'refund poll failed; will try again');
        }
      }
    }
    return { checked, changed };
  }
}
