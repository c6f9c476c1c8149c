/**
 * Charges claimed by a process that died between the claim and the provider's answer (issue 16 §3). Once the
 * claim's lease has run out (charge-claim.ts), the reconciliation job brings each one here:
 *   1. look the charge up at the provider by our reference (Midtrans: status by order_id; Xendit: invoices and
 *      payment requests by our id); found → adopt it like any poll;
 *   2. not there (or not findable by our reference) and the provider deduplicates the create call → send it again
 *      under a fresh claim (a copy that did arrive is refused as a duplicate and adopted);
 *   3. otherwise a second call could charge twice: the payment is marked `needs_attention`, audited, the user is
 *      told, and admins list it at GET /api/admin/payments/attention.
 */
import { AppError } from '../../../lib/errors.js';
import { formatMoney } from '../../../lib/money.js';
import type { PaymentDoc } from '../models/payment.js';
import { claimRanOut, createIsDeduplicated } from './charge-claim.js';
import type { PaymentCharging } from './payment-charging.js';
import { isNotFoundAtProvider, type PaymentCore } from './payment-core.js';
import type { PaymentReconciliation } from './payment-reconciliation.js';

export type ClaimRecoveryOutcome = 'adopted' | 'resent' | 'needs-attention' | 'unchanged';

export class PaymentClaimRecovery {
  constructor(
    private readonly core: PaymentCore,
    private readonly reconciliation: PaymentReconciliation,
    private readonly charging: PaymentCharging,
  ) {}

  private get deps() {
    return this.core.deps;
  }

  /** Every pending payment whose charge claim ran out without an answer, least recently asked first. */
  async recoverExpiredClaims(limit = 100): Promise<{ checked: number; changed: number }> {
    const now = this.core.now();
    const docs = await this.deps.models.Payment.find({
      status: 'pending',
      chargeState: 'not_sent',
      chargeClaimedAt: { $exists: true },
      provider: { $in: [...this.deps.providers.keys()] },
      $and: [claimRanOut(now), { $or: [{ lastCheckedAt: { $exists: false } }, { lastCheckedAt: { $lt: new Date(now.getTime() - 60_000) } }] }],
    })
      .sort({ lastCheckedAt: 1, createdAt: 1 })
      .limit(limit)
      .lean();
    let changed = 0;
    for (const doc of docs) {
      try {
        if ((await this.recover(doc)) !== 'unchanged') changed++;
      } catch (err) {
        this.deps.logger.warn({ err, paymentId: String(doc._id) }, 'recovering an abandoned charge claim failed; will try again');
      }
    }
    return { checked: docs.length, changed };
  }

  async recover(doc: PaymentDoc): Promise<ClaimRecoveryOutcome> {
    const provider = this.deps.providers.get(doc.provider);
    if (!provider) return 'unchanged';
    await this.deps.models.Payment.updateOne({ _id: doc._id }, { $set: { lastCheckedAt: this.core.now() } });

    let notFindable: string;
    try {
      await provider.getStatus({ orderId: doc.orderId, method: doc.method });
      // It arrived: the dead process's call reached the provider. Adopt it as any poll would.
      await this.reconciliation.reconcile({ ...doc, chargeState: 'unknown' });
      return 'adopted';
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (isNotFoundAtProvider(err)) notFindable = `${doc.provider} has no charge for order ${doc.orderId}`;
      else if (err.details?.lookupNeedsProviderRef) notFindable = `${doc.provider} cannot look this charge up by our order id`;
      else throw err; // the provider is down or refused the lookup: ask again on the next round
    }

    if (createIsDeduplicated(doc.provider, doc.method)) {
      this.deps.logger.info({ paymentId: String(doc._id), provider: doc.provider }, 'charge claim ran out; sending again (the provider deduplicates by order id)');
      const sent = await this.charging.resendAbandoned(doc).catch((err: unknown) => {
        // Refused or unanswered: the charge path has recorded it (failed, or unknown and looked up later).
        this.deps.logger.warn({ err, paymentId: String(doc._id) }, 'sending an abandoned charge again failed');
        return null;
      });
      return sent === undefined ? 'unchanged' : 'resent';
    }
    return (await this.markNeedsAttention(doc, `the process charging this payment stopped before ${doc.provider} answered; ${notFindable}, and sending it again could charge twice`))
      ? 'needs-attention'
      : 'unchanged';
  }

  private async markNeedsAttention(doc: PaymentDoc, reason: string): Promise<boolean> {
    const at = this.core.now();
    const marked = await this.deps.models.Payment.updateOne(
      { _id: doc._id, status: 'pending', chargeState: 'not_sent', chargeClaimedAt: doc.chargeClaimedAt },
      { $set: { chargeState: 'needs_attention', attention: { reason, at } }, $unset: { chargeClaimUntil: 1 } },
    );
    if (!marked.modifiedCount) return false; // a callback or another process decided it meanwhile
    await this.deps.audit.record({
      actor: { channel: 'job' },
      action: 'payment.needs_attention',
      target: { type: 'payment', id: String(doc._id) },
      metadata: { provider: doc.provider, method: doc.method, orderId: doc.orderId, reason },
    });
    const amount = formatMoney({ amountMinor: doc.amountMinor, currency: doc.currency });
    await this.deps.notifications.notify({
      userId: String(doc.userId),
      kind: 'payment.needs_attention',
      title: 'Payment being checked',
      body: `We could not confirm whether your payment of ${amount}${doc.description ? ` for "${doc.description}"` : ''} reached the payment provider. Please do not pay it again; our team is checking it and will let you know.`,
      data: { paymentId: String(doc._id) },
      dedupeKey: `payment:${doc._id}:needs_attention`,
    });
    this.deps.logger.warn({ paymentId: String(doc._id), provider: doc.provider }, 'payment needs attention: abandoned charge claim');
    return true;
  }

  /** Payments waiting for a person, newest first (admins). */
  async listNeedingAttention(limit = 100): Promise<PaymentDoc[]> {
    return this.deps.models.Payment.find({ chargeState: 'needs_attention' }).sort({ 'attention.at': -1 }).limit(limit).lean();
  }
}
