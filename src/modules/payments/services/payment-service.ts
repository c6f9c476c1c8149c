/**
 * Payments: record first, then charge; state changes only through guarded atomic transitions; provider events
 * and status polls feed the same transition function, so order and duplicates do not matter.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Models } from '../../../db/models/index.js';
import type { PaymentDoc, RefundRecord, StoredPaymentStatus, TransitionSource } from '../models/payment.js';
import type { FieldCipher } from '../../../lib/crypto.js';
import { AppError, isDuplicateKeyError, notFound, validationFailed, type FieldIssue } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/logger.js';
import { formatMoney } from '../../../lib/money.js';
import type { NormalizedPaymentEvent, PaymentProvider, PaymentProviderName, PaymentStatus } from '../providers/types.js';
import type { Actor } from '../../../services/actor.js';
import type { AuditService } from '../../../services/audit.js';
import { findOwned } from '../../../services/ownership.js';
import type { JobQueue } from '../../../services/job-queue.js';
import type { NotificationService } from '../../../services/notifications.js';
import { methodInfo, parseRouting } from './methods.js';
import type { PaymentRequest } from './schemas.js';
import { allowedFrom } from './state-machine.js';
import { toPaymentView, type PaymentView } from './views.js';

export type TransitionOutcome = 'applied' | 'duplicate' | 'stale';
/**
 * `paid-after-final`: the provider says money moved (paid or refunded) on a payment we hold as failed, expired or
 * cancelled. It is not applied (a final state stays final) but kept for a person, since money may be owed.
 */
export type EventOutcome = TransitionOutcome | 'unknown-order' | 'provider-mismatch' | 'amount-mismatch' | 'paid-after-final';

export interface PaymentServiceDeps {
  models: Pick<Models, 'Payment'>;
  providers: Map<PaymentProviderName, PaymentProvider>;
  audit: AuditService;
  notifications: NotificationService;
  jobs: JobQueue;
  cipher: FieldCipher;
  logger: Logger;
  /** PAYMENT_ROUTING from config. */
  routing?: string;
  now?: () => Date;
}

export interface Origin {
  kind: 'api' | 'batch' | 'recurring' | 'chat';
  batchId?: Types.ObjectId;
  itemIndex?: number;
  recurringId?: Types.ObjectId;
  runIndex?: number;
}

export interface TransitionContext {
  source: TransitionSource;
  providerStatus?: string;
  eventId?: Types.ObjectId;
  note?: string;
  /** The refunded total after this change (refund transitions). */
  refundedAmountMinor?: number;
  settledAt?: Date;
  /** Completes this pending refund record in the same update; `fromTotal` is the total it adds to. */
  refundRecord?: { record: RefundRecord; fromTotal: number };
}

export interface CreateOptions {
  /** Unique origin key: a second create with the same key returns the first payment (or a conflict). */
  dedupeKey: string;
  origin: Origin;
  /** Charge now (API) or leave it to the caller (jobs charge it themselves). Default true. */
  chargeNow?: boolean;
  /**
   * What a repeated dedupe key means. `conflict-check` (API): compare the request and refuse a different one or
   * one still in flight. `return-existing` (jobs re-running after a crash): hand back the first payment.
   */
  onDuplicate?: 'conflict-check' | 'return-existing';
}

export const CHARGE_JOB = 'payments.charge';
/** Secrets only the charge call needs; removed once it has been made. */
const CHARGE_SECRETS_UNSET = { 'chargeSecrets.cardTokenEnc': 1, 'chargeSecrets.mobileNumberEnc': 1 } as const;
export const RECONCILE_ONE_JOB = 'payments.reconcile-one';

export class PaymentService {
  private readonly routing: ReturnType<typeof parseRouting>;
  private readonly now: () => Date;

  constructor(private readonly deps: PaymentServiceDeps) {
    this.routing = parseRouting(deps.routing);
    this.now = deps.now ?? (() => new Date());
  }

  /** Which provider takes a method: an explicit choice, then PAYMENT_ROUTING, then the catalog default. */
  providerFor(method: PaymentRequest['method'], explicit?: PaymentProviderName): PaymentProvider {
    const info = methodInfo(method);
    const name = explicit ?? this.routing.get(method) ?? info.providers[0];
    if (!info.providers.includes(name)) throw validationFailed([{ field: 'provider', reason: `${name} cannot take ${method}; use ${info.providers.join(' or ')}` }]);
    return this.configuredProvider(name);
  }

  /** The adapter for a payment's provider; one taken out of PAYMENT_PROVIDERS since is a 503, not a crash. */
  private configuredProvider(name: PaymentProviderName): PaymentProvider {
    const provider = this.deps.providers.get(name);
    if (!provider) throw new AppError('SERVICE_UNAVAILABLE', `payment provider ${name} is not configured`, { retryable: true });
    return provider;
  }

  /** Business rules beyond the schema: limits, whole rupiah, per-method requirements, schedule sanity. */
  validate(request: PaymentRequest): void {
    const info = methodInfo(request.method);
    const issues: FieldIssue[] = [];
    if (request.currency !== info.currency) issues.push({ field: 'currency', reason: `${request.method} takes ${info.currency} only` });
    if (request.currency === 'IDR' && request.amountMinor % 100 !== 0) issues.push({ field: 'amountMinor', reason: 'IDR payments must be whole rupiah (a multiple of 100 minor units)' });
    // Providers take item prices as integer rupiah too; a fractional price would fail at the provider, after recording.
    request.items?.forEach((item, index) => {
      if (request.currency === 'IDR' && item.priceMinor % 100 !== 0) issues.push({ field: `items.${index}.priceMinor`, reason: 'IDR prices must be whole rupiah (a multiple of 100 minor units)' });
    });
    if (request.amountMinor < info.minAmountMinor || request.amountMinor > info.maxAmountMinor) {
      issues.push({
        field: 'amountMinor',
        reason: `${info.label} takes ${formatMoney({ amountMinor: info.minAmountMinor, currency: info.currency })} to ${formatMoney({ amountMinor: info.maxAmountMinor, currency: info.currency })}`,
      });
    }
    for (const field of info.requires ?? []) if (!request[field]) issues.push({ field, reason: `is required for ${request.method}` });
    if (request.runAt && request.runAt.getTime() < this.now().getTime() - 60_000) issues.push({ field: 'runAt', reason: 'is in the past' });
    if (request.runAt && request.runAt.getTime() > this.now().getTime() + 366 * 86_400_000) issues.push({ field: 'runAt', reason: 'is more than a year away' });
    if (issues.length) throw validationFailed(issues);
    this.providerFor(request.method, request.provider);
  }

  /**
   * POST /api/payment/process: same Idempotency-Key and body → the same payment, never a second charge;
   * same key with another body → 409.
   */
  async process(actor: Actor, request: PaymentRequest, idempotencyKey: string): Promise<{ payment: PaymentView; replayed: boolean }> {
    return this.create(actor, request, { dedupeKey: `idem:${actor.userId}:${idempotencyKey}`, origin: { kind: actor.channel === 'api' ? 'api' : 'chat' } });
  }

  async create(actor: Actor, request: PaymentRequest, options: CreateOptions): Promise<{ payment: PaymentView; replayed: boolean }> {
    if (options.onDuplicate === 'return-existing') {
      // A job re-running after a crash: what it made the first time stands, even if the request would no longer
      // pass today's checks (a runAt that has since gone by, say).
      const existing = await this.deps.models.Payment.findOne({ dedupeKey: options.dedupeKey }).lean();
      if (existing) return { payment: toPaymentView(existing), replayed: true };
    }
    this.validate(request);
    const provider = this.providerFor(request.method, request.provider);
    const requestHash = hashRequest(request);
    const scheduled = request.runAt !== undefined && request.runAt.getTime() > this.now().getTime() + 1000;
    const status: StoredPaymentStatus = scheduled ? 'scheduled' : 'pending';
    const now = this.now();

    let doc: PaymentDoc;
    try {
      doc = (
        await this.deps.models.Payment.create({
          userId: new Types.ObjectId(actor.userId),
          orderId: newOrderId(),
          provider: provider.name,
          method: request.method,
          amountMinor: request.amountMinor,
          currency: request.currency,
          description: request.description,
          customer: request.customer,
          items: request.items,
          status,
          chargeState: 'not_sent',
          runAt: request.runAt,
          expiresAt: request.expiresInMinutes ? new Date((request.runAt ?? now).getTime() + request.expiresInMinutes * 60_000) : undefined,
          dedupeKey: options.dedupeKey,
          requestHash,
          origin: options.origin,
          chargeSecrets: {
            cardTokenEnc: request.cardToken ? this.deps.cipher.encrypt(request.cardToken) : undefined,
            mobileNumberEnc: request.mobileNumber ? this.deps.cipher.encrypt(request.mobileNumber) : undefined,
            redirectUrl: request.redirectUrl,
          },
          history: [{ from: status, to: status, at: now, source: sourceFor(options.origin), note: 'created' }],
        })
      ).toObject() as PaymentDoc;
    } catch (err) {
      if (!isDuplicateKeyError(err) || !err.keyPattern?.dedupeKey) throw err;
      if (options.onDuplicate === 'return-existing') {
        const existing = await this.deps.models.Payment.findOne({ dedupeKey: options.dedupeKey }).lean();
        if (existing) return { payment: toPaymentView(existing), replayed: true };
      }
      return { payment: await this.replay(options.dedupeKey, requestHash), replayed: true };
    }

    await this.deps.audit.record({
      actor,
      action: 'payment.create',
      target: { type: 'payment', id: String(doc._id) },
      metadata: { method: doc.method, provider: doc.provider, amountMinor: doc.amountMinor, currency: doc.currency, scheduled },
    });

    if (scheduled) {
      await this.deps.jobs.enqueue(CHARGE_JOB, { paymentId: String(doc._id) }, { runAt: request.runAt, uniqueKey: String(doc._id) });
      return { payment: toPaymentView(doc), replayed: false };
    }
    if (options.chargeNow === false) return { payment: toPaymentView(doc), replayed: false };
    return { payment: await this.charge(String(doc._id)), replayed: false };
  }

  private async replay(dedupeKey: string, requestHash: string): Promise<PaymentView> {
    const existing = await this.deps.models.Payment.findOne({ dedupeKey }).lean();
    if (!existing) throw new AppError('CONFLICT', 'a request with this Idempotency-Key is being processed; retry shortly', { retryAfterSeconds: 1 });
    if (existing.requestHash !== requestHash) {
      throw new AppError('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was already used with a different request', { details: { paymentId: String(existing._id) } });
    }
    if (existing.chargeState === 'not_sent' && existing.status === 'pending') {
      if (this.now().getTime() - existing.createdAt.getTime() < 60_000) {
        // The first request is still talking to the provider; answering now would show a half-made payment.
        throw new AppError('CONFLICT', 'a request with this Idempotency-Key is still in progress; retry shortly', { retryAfterSeconds: 1 });
      }
      // The first request died after recording and before charging: the retry finishes what it asked for. The
      // charge claim keeps this to one call even if the first request was only slow.
      if (!existing.chargeClaimedAt) return this.charge(String(existing._id));
    }
    return toPaymentView(existing);
  }

  /**
   * Makes the charge call for a recorded payment. Safe to call again: only a payment whose charge was never sent
   * is charged; one whose outcome is unknown is looked up at the provider instead of charged twice.
   */
  async charge(paymentId: string): Promise<PaymentView> {
    let doc = await this.deps.models.Payment.findById(paymentId).lean();
    if (!doc) throw notFound('payment');
    // Before anything moves: a provider taken out of PAYMENT_PROVIDERS leaves the payment as it was (503).
    const provider = this.configuredProvider(doc.provider);
    if (doc.status === 'scheduled') {
      await this.transition(doc, 'pending', { source: 'job', note: 'scheduled time reached' });
      doc = (await this.deps.models.Payment.findById(paymentId).lean())!;
    }
    if (doc.status !== 'pending') return toPaymentView(doc);
    if (doc.chargeState === 'unknown') {
      await this.reconcile(doc);
      return toPaymentView((await this.deps.models.Payment.findById(paymentId).lean())!);
    }
    if (doc.chargeState !== 'not_sent') return toPaymentView(doc);

    // Claim the call: of two processes (a job re-run, a retried request) only one sends the charge. A claim
    // left by a process that died is never re-sent blindly; reconciliation asks the provider instead.
    const claimed = await this.deps.models.Payment.findOneAndUpdate(
      { _id: doc._id, status: 'pending', chargeState: 'not_sent', chargeClaimedAt: { $exists: false } },
      { $set: { chargeClaimedAt: this.now() } },
      { returnDocument: 'after' },
    ).lean();
    if (!claimed) return toPaymentView((await this.deps.models.Payment.findById(paymentId).lean())!);

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
      });
      // Guarded by our claim rather than by chargeState: Midtrans sends a `pending` notification as soon as it
      // creates a VA or QRIS charge, and the processor may have marked the charge accepted before we get here.
      await this.deps.models.Payment.updateOne(
        { _id: doc._id, chargeClaimedAt: claimed.chargeClaimedAt },
        {
          $set: {
            chargeState: 'accepted',
            providerRef: result.providerRef,
            instructions: result.instructions,
            ...(result.status === 'pending' ? { providerStatus: result.providerStatus } : {}),
            ...(result.instructions.expiresAt ? { expiresAt: result.instructions.expiresAt } : {}),
          },
          $unset: CHARGE_SECRETS_UNSET,
        },
      );
      if (result.status !== 'pending') {
        await this.transition({ ...doc, status: 'pending' }, result.status, { source: 'charge', providerStatus: result.providerStatus, settledAt: result.status === 'success' ? this.now() : undefined });
      }
    } catch (err) {
      await this.recordChargeFailure(doc, err);
      // A refused charge will not be sent again, and an unanswered one is only ever looked up: either way the
      // card token and phone number have done their job.
      await this.deps.models.Payment.updateOne({ _id: doc._id }, { $unset: CHARGE_SECRETS_UNSET });
      if (err instanceof AppError && err.code === 'CONFLICT') {
        // The provider already has this order id: an earlier attempt reached it. Adopt its state.
        await this.reconcile((await this.deps.models.Payment.findById(paymentId).lean())!);
      } else if (!(err instanceof AppError) || err.code === 'PROVIDER_UNAVAILABLE') {
        throw err instanceof AppError ? err : new AppError('PROVIDER_UNAVAILABLE', 'the payment provider did not answer', { retryable: true, cause: err });
      } else {
        throw err;
      }
    }
    return toPaymentView((await this.deps.models.Payment.findById(paymentId).lean())!);
  }

  private async recordChargeFailure(doc: PaymentDoc, err: unknown): Promise<void> {
    const appError = err instanceof AppError ? err : undefined;
    if (appError?.code === 'CONFLICT') {
      await this.deps.models.Payment.updateOne({ _id: doc._id, chargeState: 'not_sent' }, { $set: { chargeState: 'unknown' } });
      return;
    }
    if (!appError || appError.code === 'PROVIDER_UNAVAILABLE') {
      // Sent but unanswered: the provider may have the charge. Find out by polling, never by charging again.
      await this.deps.models.Payment.updateOne(
        { _id: doc._id, chargeState: 'not_sent' },
        { $set: { chargeState: 'unknown', failureReason: appError?.message ?? 'no answer from the provider' } },
      );
      await this.deps.jobs.enqueue(RECONCILE_ONE_JOB, { paymentId: String(doc._id) }, { runAt: new Date(this.now().getTime() + 30_000), uniqueKey: `reconcile:${doc._id}` });
      return;
    }
    const refused = await this.deps.models.Payment.updateOne({ _id: doc._id, chargeState: 'not_sent' }, { $set: { chargeState: 'rejected', failureReason: appError.message } });
    // Only if nothing else (a notification about this very charge) has decided it meanwhile.
    if (refused.modifiedCount) await this.transition({ ...doc, status: 'pending' }, 'failed', { source: 'charge', note: appError.message });
  }

  /**
   * The one way a payment changes state: an atomic update guarded by the states that may lead to `to`.
   * A refund that does not raise the refunded total is a duplicate; a state that cannot follow is stale.
   */
  async transition(
    doc: Pick<PaymentDoc, '_id' | 'status' | 'userId' | 'amountMinor' | 'currency' | 'orderId' | 'description'>,
    to: StoredPaymentStatus,
    context: TransitionContext,
  ): Promise<TransitionOutcome> {
    const now = this.now();
    const isRefund = to === 'refunded' || to === 'partially_refunded';
    const refunded = to === 'refunded' ? (context.refundedAmountMinor ?? doc.amountMinor) : context.refundedAmountMinor;
    const guard: Record<string, unknown> = { _id: doc._id, status: { $in: allowedFrom(to) } };
    if (isRefund && refunded !== undefined) guard.refundedAmountMinor = { $lt: refunded };

    const set: Record<string, unknown> = { status: to };
    if (context.refundRecord) {
      // One refund of a known amount: counted only from the total it was computed on, and only while its record
      // is pending, so neither a repeated callback nor a concurrent refund can count it twice or lose one.
      guard.refundedAmountMinor = context.refundRecord.fromTotal;
      guard.refunds = { $elemMatch: { refundRef: context.refundRecord.record.refundRef, status: 'pending' } };
      // The whole element in one positional path (the emulator, through mingo, takes one positional path per array).
      set['refunds.$'] = { ...context.refundRecord.record, status: 'succeeded', completedAt: now };
    }
    if (context.providerStatus) set.providerStatus = context.providerStatus;
    if (to === 'success') set.settledAt = context.settledAt ?? now;
    if (isRefund && refunded !== undefined) set.refundedAmountMinor = refunded;

    const updated = await this.deps.models.Payment.findOneAndUpdate(
      guard,
      {
        $set: set,
        $push: { history: { from: doc.status, to, at: now, source: context.source, providerStatus: context.providerStatus, eventId: context.eventId, note: context.note } },
      },
      { returnDocument: 'before', projection: { status: 1 } },
    ).lean();

    if (!updated) {
      const current = await this.deps.models.Payment.findById(doc._id, { status: 1 }).lean();
      return current?.status === to ? 'duplicate' : 'stale';
    }
    // `from` in the pushed entry is what the caller believed; fix it to what it really was if they differ.
    if (updated.status !== doc.status) {
      await this.deps.models.Payment.updateOne({ _id: doc._id, history: { $elemMatch: { at: now, to } } }, { $set: { 'history.$.from': updated.status } });
    }
    await this.afterTransition(doc, updated.status, to, context.source);
    return 'applied';
  }

  private async afterTransition(doc: Pick<PaymentDoc, '_id' | 'userId' | 'amountMinor' | 'currency' | 'description'>, from: StoredPaymentStatus, to: StoredPaymentStatus, source: TransitionSource) {
    await this.deps.audit.record({
      actor: { channel: source === 'webhook' ? 'webhook' : source === 'api' ? 'api' : 'job' },
      action: 'payment.transition',
      target: { type: 'payment', id: String(doc._id) },
      metadata: { from, to, source },
    });
    const amount = formatMoney({ amountMinor: doc.amountMinor, currency: doc.currency });
    const what = doc.description ? ` for "${doc.description}"` : '';
    const messages: Partial<Record<StoredPaymentStatus, { title: string; body: string }>> = {
      success: { title: 'Payment received', body: `Your payment of ${amount}${what} is settled.` },
      failed: { title: 'Payment failed', body: `Your payment of ${amount}${what} failed.` },
      expired: { title: 'Payment expired', body: `Your payment of ${amount}${what} expired before it was paid.` },
      refunded: { title: 'Payment refunded', body: `Your payment of ${amount}${what} was refunded.` },
    };
    const message = messages[to];
    if (message) {
      await this.deps.notifications.notify({
        userId: String(doc.userId),
        kind: `payment.${to}`,
        ...message,
        data: { paymentId: String(doc._id) },
        dedupeKey: `payment:${doc._id}:${to}`,
      });
    }
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
    if (event.refund) return this.applyRefundOutcome(doc, event.refund, { source: 'webhook', providerStatus: event.providerStatus, eventId });
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
  private async applyProviderStatus(
    doc: PaymentDoc,
    to: Exclude<StoredPaymentStatus, 'scheduled'>,
    context: { source: TransitionSource; providerStatus?: string; eventId?: Types.ObjectId; refundedAmountMinor?: number; settledAt?: Date },
  ): Promise<TransitionOutcome> {
    if (to === 'refunded' || to === 'partially_refunded') {
      await this.ensurePaid(doc, context);
      return this.applyReportedRefundTotal(doc._id, to === 'refunded' ? (context.refundedAmountMinor ?? doc.amountMinor) : (context.refundedAmountMinor ?? 0), context);
    }
    if (to === 'cancelled' && (doc.status === 'success' || doc.status === 'partially_refunded')) {
      return this.transition(doc, 'refunded', { ...context, refundedAmountMinor: doc.amountMinor, note: 'voided by the provider after capture' });
    }
    return this.transition(doc, to, context);
  }

  /** A refund proves the payment was paid: when it overtakes the settlement notice, the settlement is recorded first. */
  private async ensurePaid(doc: PaymentDoc, context: { source: TransitionSource; providerStatus?: string; eventId?: Types.ObjectId }): Promise<void> {
    if (doc.status !== 'pending' && doc.status !== 'scheduled') return;
    await this.transition(doc, 'success', { source: context.source, providerStatus: context.providerStatus, eventId: context.eventId, note: 'paid: implied by a refund from the provider' });
  }

  /**
   * One refund has an outcome (the provider's answer or its callback). A refund the hub has no record of (made
   * from the provider's dashboard, or whose answer never reached us) is recorded first. A success adds the
   * refund's amount exactly once; a failure only closes the record.
   */
  private async applyRefundOutcome(
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
        await this.ensurePaid(current, context);
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
      const outcome = await this.transition(current, total >= current.amountMinor ? 'refunded' : 'partially_refunded', {
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
    return this.applyProviderStatus(doc, status.status, {
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
    await this.transition(doc, 'failed', { source: 'poll', note: reason });
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
      if (updated.modifiedCount && (await this.transition(doc, 'failed', { source: 'job', note: 'never charged' })) === 'applied') changed++;
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
          const outcome = await this.applyRefundOutcome(doc, { refundRef: record.refundRef, amountMinor: record.amountMinor, outcome: answer.status === 'success' ? 'succeeded' : 'failed' }, { source: 'poll' });
          if (outcome === 'applied') changed++;
        } catch (err) {
          this.deps.logger.warn({ err, paymentId: String(doc._id), refundRef: record.refundRef }, 'refund poll failed; will try again');
        }
      }
    }
    return { checked, changed };
  }

  async cancel(actor: Actor, paymentId: string): Promise<PaymentView> {
    const doc = await this.ownedPayment(actor, paymentId);
    if (doc.status === 'scheduled') {
      const outcome = await this.transition(doc, 'cancelled', { source: 'api', note: 'cancelled by the user before it ran' });
      if (outcome === 'applied') await this.deps.jobs.cancel(CHARGE_JOB, String(doc._id));
    } else if (doc.status === 'pending') {
      const provider = this.configuredProvider(doc.provider);
      if (doc.chargeState === 'accepted') {
        const status = await provider.cancel({ orderId: doc.orderId, providerRef: doc.providerRef, method: doc.method });
        await this.transition(doc, status.status === 'pending' ? 'cancelled' : status.status, { source: 'api', providerStatus: status.providerStatus });
      } else {
        throw new AppError(
          'CONFLICT',
          doc.chargeState === 'unknown'
            ? 'the provider has not confirmed this charge yet; it can be cancelled once it has (the hub is asking it)'
            : 'this payment is being charged right now; try again in a moment',
        );
      }
    } else {
      throw new AppError('CONFLICT', `a ${doc.status} payment cannot be cancelled`);
    }
    await this.deps.audit.record({ actor, action: 'payment.cancel', target: { type: 'payment', id: paymentId } });
    return toPaymentView((await this.deps.models.Payment.findById(paymentId).lean())!);
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
      const provider = this.configuredProvider(doc.provider);
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
  private async applyReportedRefundTotal(paymentId: Types.ObjectId, total: number, context: { source: TransitionSource; providerStatus?: string; eventId?: Types.ObjectId }): Promise<TransitionOutcome> {
    const current = (await this.deps.models.Payment.findById(paymentId).lean())!;
    if (total <= current.refundedAmountMinor) return 'duplicate';
    const outcome = await this.transition(current, total >= current.amountMinor ? 'refunded' : 'partially_refunded', { ...context, refundedAmountMinor: total });
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

  /** The payments a recurring run has made, oldest first (one per attempt). */
  async paymentsOfRun(recurringId: string, runIndex: number): Promise<{ id: string; status: StoredPaymentStatus }[]> {
    const docs = await this.deps.models.Payment.find({ 'origin.recurringId': new Types.ObjectId(recurringId), 'origin.runIndex': runIndex }, { status: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .lean();
    return docs.map((d) => ({ id: String(d._id), status: d.status }));
  }

  /** Where a payment stands, for the jobs that made it (no actor: the job acts for the payment's owner). */
  async statusOf(paymentId: string): Promise<StoredPaymentStatus | undefined> {
    return (await this.deps.models.Payment.findById(paymentId, { status: 1 }).lean())?.status;
  }

  async get(actor: Actor, paymentId: string): Promise<PaymentView> {
    return toPaymentView(await this.ownedPayment(actor, paymentId));
  }

  /** A user's own payment; anyone else's is "not found" (admins see all). */
  ownedPayment(actor: Actor, paymentId: string): Promise<PaymentDoc> {
    return findOwned<PaymentDoc>(this.deps.models.Payment, actor, paymentId, 'payment');
  }
}

function sourceFor(origin: Origin): TransitionSource {
  return origin.kind === 'api' || origin.kind === 'chat' ? 'api' : 'job';
}

/** Order ids are what providers see: short, unique, no personal data. */
function newOrderId(): string {
  return `SWH-${Date.now().toString(36).toUpperCase()}-${randomBytes(5).toString('hex').toUpperCase()}`;
}

export function hashRequest(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

/** JSON with sorted keys, so the same request hashes the same whatever the key order. */
function stableStringify(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The amount of a payment's refund records in one state (succeeded: counted; pending: in flight). */
function refundedIn(refunds: RefundRecord[] | undefined, status: RefundRecord['status']): number {
  return (refunds ?? []).filter((r) => r.status === status).reduce((sum, r) => sum + r.amountMinor, 0);
}

/** The provider says it has no such charge (its own 404, whatever error code the adapter gave it). */
function isNotFoundAtProvider(err: AppError): boolean {
  const status = (err.details as { providerStatusCode?: unknown; status?: unknown } | undefined)?.providerStatusCode ?? err.details?.status;
  return err.code === 'NOT_FOUND' || (err.code === 'PROVIDER_REJECTED' && String(status) === '404');
}

export type { PaymentStatus };
