/**
 * Charging: the one call that sends a recorded payment to its provider, claimed so that only one process sends
 * it; an unanswered call is looked up later, never sent twice. Cancelling stops a charge that is not yet paid.
 */
import type { PaymentDoc } from '../models/payment.js';
import { AppError, isUnknownProviderOutcome, notFound } from '../../../lib/errors.js';
import type { Actor } from '../../../services/actor.js';
import { CHARGE_CLAIM_LEASE_MS, CHARGE_CLAIM_RENEW_MS, claimRanOut } from './charge-claim.js';
import { DirectDebitService, isDirectDebit } from './direct-debit-service.js';
import { CHARGE_SECRETS_UNSET, type PaymentCore } from './payment-core.js';
import { enqueueJob, paymentJobs } from './payment-jobs.js';
import type { PaymentReconciliation } from './payment-reconciliation.js';
import { assertPendingCancelAllowed } from './refund-rules.js';
import { toPaymentView, type PaymentView } from './views.js';

export class PaymentCharging {
  constructor(
    private readonly core: PaymentCore,
    private readonly reconciliation: PaymentReconciliation,
    private readonly ownedPayment: (actor: Actor, paymentId: string) => Promise<PaymentDoc>,
  ) {}

  private get deps() {
    return this.core.deps;
  }

  private now(): Date {
    return this.core.now();
  }

  /**
   * Makes the charge call for a recorded payment. Safe to call again: only a payment whose charge was never sent
   * is charged; one whose outcome is unknown is looked up at the provider instead of charged twice.
   */
  async charge(paymentId: string): Promise<PaymentView> {
    let doc = await this.deps.models.Payment.findById(paymentId).lean();
    if (!doc) throw notFound('payment');
    // Before anything moves: a provider taken out of PAYMENT_PROVIDERS leaves the payment as it was (503).
    this.configuredProvider(doc);
    if (doc.status === 'scheduled') {
      await this.core.transition(doc, 'pending', { source: 'job', note: 'scheduled time reached' });
      doc = (await this.deps.models.Payment.findById(paymentId).lean())!;
    }
    if (doc.status !== 'pending') return toPaymentView(doc);
    if (doc.chargeState === 'unknown') {
      await this.reconciliation.reconcile(doc);
      return toPaymentView((await this.deps.models.Payment.findById(paymentId).lean())!);
    }
    if (doc.chargeState !== 'not_sent') return toPaymentView(doc);

    // Claim the call: of two processes (a job re-run, a retried request) only one sends the charge. The claim is a
    // lease renewed while the call is in flight; one left by a process that died runs out, and claim recovery
    // (payment-claim-recovery.ts) asks the provider before anything is sent again.
    const now = this.now();
    const claimed = await this.deps.models.Payment.findOneAndUpdate(
      { _id: doc._id, status: 'pending', chargeState: 'not_sent', chargeClaimedAt: { $exists: false } },
      { $set: { chargeClaimedAt: now, chargeClaimUntil: new Date(now.getTime() + CHARGE_CLAIM_LEASE_MS) } },
      { returnDocument: 'after' },
    ).lean();
    if (!claimed) return toPaymentView((await this.deps.models.Payment.findById(paymentId).lean())!);
    this.deps.afterChargeClaimed?.(paymentId);
    return this.sendClaimed(claimed);
  }

  /**
   * Takes over a claim whose lease ran out and sends the charge again. Only for providers that deduplicate the
   * create call by our reference (the claim recovery decides), so a charge the dead process did send is not doubled.
   */
  async resendAbandoned(doc: PaymentDoc): Promise<PaymentView | undefined> {
    const now = this.now();
    const taken = await this.deps.models.Payment.findOneAndUpdate(
      { _id: doc._id, status: 'pending', chargeState: 'not_sent', chargeClaimedAt: doc.chargeClaimedAt, ...claimRanOut(now) },
      { $set: { chargeClaimedAt: now, chargeClaimUntil: new Date(now.getTime() + CHARGE_CLAIM_LEASE_MS) } },
      { returnDocument: 'after' },
    ).lean();
    if (!taken) return undefined; // another process took it over, or a callback decided it meanwhile
    this.configuredProvider(taken);
    return this.sendClaimed(taken);
  }

  private configuredProvider(doc: PaymentDoc) {
    return this.core.configuredProvider(doc.provider);
  }

  /** The charge call for a payment this process holds the claim of, renewing the lease until it is answered. */
  private async sendClaimed(doc: PaymentDoc): Promise<PaymentView> {
    const paymentId = String(doc._id);
    const provider = this.configuredProvider(doc);
    const claimedAt = doc.chargeClaimedAt!;
    const renew = setInterval(() => {
      const until = new Date(this.now().getTime() + CHARGE_CLAIM_LEASE_MS);
      this.deps.models.Payment.updateOne({ _id: doc._id, chargeClaimedAt: claimedAt, chargeState: 'not_sent' }, { $set: { chargeClaimUntil: until } }).catch((err) =>
        this.deps.logger.warn({ err, paymentId }, 'could not renew the charge claim'),
      );
    }, CHARGE_CLAIM_RENEW_MS);
    renew.unref();
    try {
      const result = await provider.charge({
        orderId: doc.orderId,
        method: doc.method,
        amount: { amountMinor: doc.amountMinor, currency: doc.currency },
        description: doc.description,
        customer: doc.customer,
        items: doc.items?.length ? doc.items : undefined,
        expiresAt: doc.expiresAt,
        cardToken: doc.chargeSecrets?.cardTokenEnc ? this.deps.cipher.decrypt(doc.chargeSecrets.cardTokenEnc) : undefined,
        mobileNumber: doc.chargeSecrets?.mobileNumberEnc ? this.deps.cipher.decrypt(doc.chargeSecrets.mobileNumberEnc) : undefined,
        redirectUrl: doc.chargeSecrets?.redirectUrl,
        linkedAccount: await this.linkedAccountFor(doc),
      });
      clearInterval(renew);
      // Guarded by our claim rather than by chargeState: Midtrans sends a `pending` notification as soon as it
      // creates a VA or QRIS charge, and the processor may have marked the charge accepted before we get here.
      await this.deps.models.Payment.updateOne(
        { _id: doc._id, chargeClaimedAt: claimedAt },
        {
          $set: {
            chargeState: 'accepted',
            providerRef: result.providerRef,
            instructions: result.instructions,
            ...(result.status === 'pending' ? { providerStatus: result.providerStatus } : {}),
            ...(result.instructions.expiresAt ? { expiresAt: result.instructions.expiresAt } : {}),
          },
          $unset: { ...CHARGE_SECRETS_UNSET, chargeClaimUntil: 1 },
        },
      );
      if (result.status !== 'pending') {
        await this.core.transition({ ...doc, status: 'pending' }, result.status, { source: 'charge', providerStatus: result.providerStatus, settledAt: result.status === 'success' ? this.now() : undefined });
      }
    } catch (err) {
      clearInterval(renew);
      await this.recordChargeFailure(doc, err);
      // A refused charge will not be sent again, and an unanswered one is only ever looked up: either way the
      // card token and phone number have done their job.
      await this.deps.models.Payment.updateOne({ _id: doc._id }, { $unset: CHARGE_SECRETS_UNSET });
      if (err instanceof AppError && err.code === 'CONFLICT') {
        // The provider already has this order id: an earlier attempt reached it. Adopt its state.
        await this.reconciliation.reconcile((await this.deps.models.Payment.findById(paymentId).lean())!);
      } else if (isUnknownProviderOutcome(err)) {
        throw err instanceof AppError ? err : new AppError('PROVIDER_UNAVAILABLE', 'the payment provider did not answer', { retryable: true, cause: err });
      } else {
        throw err;
      }
    }
    return toPaymentView((await this.deps.models.Payment.findById(paymentId).lean())!);
  }

  /** The account a direct-debit payment debits; unlinked since it was recorded → refused (it fails, never retried). */
  private async linkedAccountFor(doc: PaymentDoc): Promise<{ customerRef: string; token: string } | undefined> {
    if (!isDirectDebit(doc.method) || !this.deps.linkedAccounts) return undefined;
    const linked = await this.deps.linkedAccounts.forCharge(String(doc.userId), doc.method);
    if (!linked) throw new AppError('UNPROCESSABLE', `the ${doc.method} account was unlinked before the payment ran: ${DirectDebitService.howToLink(doc.method)}`);
    return linked;
  }

  private async recordChargeFailure(doc: PaymentDoc, err: unknown): Promise<void> {
    const appError = err instanceof AppError ? err : undefined;
    if (appError?.code === 'CONFLICT') {
      await this.deps.models.Payment.updateOne({ _id: doc._id, chargeState: 'not_sent' }, { $set: { chargeState: 'unknown' } });
      return;
    }
    if (!appError || isUnknownProviderOutcome(appError)) {
      // Sent but unanswered, or answered in a shape we cannot read: the provider may have the charge. Find out by
      // polling, never by charging again.
      await this.deps.models.Payment.updateOne(
        { _id: doc._id, chargeState: 'not_sent' },
        { $set: { chargeState: 'unknown', failureReason: appError?.message ?? 'no answer from the provider' } },
      );
      await enqueueJob(this.deps.jobs, paymentJobs.reconcileOne, { paymentId: String(doc._id) }, { runAt: new Date(this.now().getTime() + 30_000), uniqueKey: `reconcile:${doc._id}` });
      return;
    }
    const refused = await this.deps.models.Payment.updateOne({ _id: doc._id, chargeState: 'not_sent' }, { $set: { chargeState: 'rejected', failureReason: appError.message } });
    // Only if nothing else (a notification about this very charge) has decided it meanwhile.
    if (refused.modifiedCount) await this.core.transition({ ...doc, status: 'pending' }, 'failed', { source: 'charge', note: appError.message });
  }

  async cancel(actor: Actor, paymentId: string): Promise<PaymentView> {
    const doc = await this.ownedPayment(actor, paymentId);
    if (doc.status === 'scheduled') {
      const outcome = await this.core.transition(doc, 'cancelled', { source: 'api', note: 'cancelled by the user before it ran' });
      if (outcome === 'applied') await this.deps.jobs.cancel(paymentJobs.charge.name, String(doc._id));
    } else if (doc.status === 'pending') {
      const provider = this.core.configuredProvider(doc.provider);
      if (doc.chargeState === 'accepted') {
        // Some providers cannot call off a pending payment (a Xendit e-wallet charge): say what to do instead.
        assertPendingCancelAllowed(doc);
        const status = await provider.cancel({ orderId: doc.orderId, providerRef: doc.providerRef, method: doc.method });
        await this.core.transition(doc, status.status === 'pending' ? 'cancelled' : status.status, { source: 'api', providerStatus: status.providerStatus });
      } else {
        throw new AppError(
          'CONFLICT',
          doc.chargeState === 'unknown'
            ? 'the provider has not confirmed this charge yet; it can be cancelled once it has (the hub is asking it)'
            : doc.chargeState === 'needs_attention'
              ? 'whether this charge reached the provider is being checked by a person; it cannot be cancelled until then'
              : 'this payment is being charged right now; try again in a moment',
        );
      }
    } else {
      throw new AppError('CONFLICT', `a ${doc.status} payment cannot be cancelled`);
    }
    await this.deps.audit.record({ actor, action: 'payment.cancel', target: { type: 'payment', id: paymentId } });
    return toPaymentView((await this.deps.models.Payment.findById(paymentId).lean())!);
  }
}
