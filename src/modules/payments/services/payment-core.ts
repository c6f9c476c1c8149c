/**
 * What every part of the payment service shares: its dependencies, the clock, the provider lookup and the one
 * way a payment changes state (a guarded atomic transition, then its audit entry and the user's notice).
 */
import type { Types } from 'mongoose';
import type { Counter } from 'prom-client';
import type { Models } from '../../../db/models/index.js';
import type { PaymentDoc, RefundRecord, StoredPaymentStatus, TransitionSource } from '../models/payment.js';
import type { FieldCipher } from '../../../lib/crypto.js';
import { AppError, validationFailed } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/logger.js';
import { formatMoney } from '../../../lib/money.js';
import type { PaymentProvider, PaymentProviderName } from '../providers/types.js';
import type { AuditService } from '../../../services/audit.js';
import type { JobQueue } from '../../../services/job-queue.js';
import type { NotificationService } from '../../../services/notifications.js';
import { methodInfo, parseRouting } from './methods.js';
import type { PaymentRequest } from './schemas.js';
import { allowedFrom } from './state-machine.js';
import type { LinkedAccountLookup } from './direct-debit-service.js';

export type TransitionOutcome = 'applied' | 'duplicate' | 'stale';
/**
 * `paid-after-final`: the provider says money moved (paid or refunded) on a payment we hold as failed, expired or
 * cancelled. It is not applied (a final state stays final) but kept for a person, since money may be owed.
 */
export type EventOutcome = TransitionOutcome | 'unknown-order' | 'provider-mismatch' | 'amount-mismatch' | 'paid-after-final' | `unconfirmed: ${string}`;

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
  /** Direct debit: the payer's linked accounts (services/direct-debit-service.ts). */
  linkedAccounts?: LinkedAccountLookup;
  /** Counts confirmations of notifications with providers, by provider and result (confirmed, contradicted, unavailable). */
  confirmations?: Counter<'provider' | 'result'>;
  now?: () => Date;
  /**
   * Test-only (PAYMENT_TEST_EXIT_AFTER_CLAIM, refused in production): called right after a charge claim is written
   * and before the provider is called, so a test can kill the process at exactly that point.
   */
  afterChargeClaimed?: (paymentId: string) => void;
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

/** What a provider's word is attributed to in a payment's history. */
export interface ProviderContext {
  source: TransitionSource;
  providerStatus?: string;
  eventId?: Types.ObjectId;
  note?: string;
}

/** Secrets only the charge call needs; removed once it has been made. */
export const CHARGE_SECRETS_UNSET = { 'chargeSecrets.cardTokenEnc': 1, 'chargeSecrets.mobileNumberEnc': 1 } as const;

export type TransitionTarget = Pick<PaymentDoc, '_id' | 'status' | 'userId' | 'amountMinor' | 'currency' | 'orderId' | 'description'>;

export class PaymentCore {
  private readonly routing: ReturnType<typeof parseRouting>;
  readonly now: () => Date;

  constructor(readonly deps: PaymentServiceDeps) {
    this.routing = parseRouting(deps.routing);
    this.now = deps.now ?? (() => new Date());
  }

  get Payment() {
    return this.deps.models.Payment;
  }

  /** Which provider takes a method: an explicit choice, then PAYMENT_ROUTING, then the catalog default. */
  providerFor(method: PaymentRequest['method'], explicit?: PaymentProviderName): PaymentProvider {
    const info = methodInfo(method);
    const name = explicit ?? this.routing.get(method) ?? info.providers[0];
    if (!info.providers.includes(name)) throw validationFailed([{ field: 'provider', reason: `${name} cannot take ${method}; use ${info.providers.join(' or ')}` }]);
    return this.configuredProvider(name);
  }

  /** The adapter for a payment's provider; one taken out of PAYMENT_PROVIDERS since is a 503, not a crash. */
  configuredProvider(name: PaymentProviderName): PaymentProvider {
    const provider = this.deps.providers.get(name);
    if (!provider) throw new AppError('SERVICE_UNAVAILABLE', `payment provider ${name} is not configured`, { retryable: true });
    return provider;
  }

  async load(paymentId: string | Types.ObjectId): Promise<PaymentDoc> {
    return (await this.Payment.findById(paymentId).lean())!;
  }

  /**
   * The one way a payment changes state: an atomic update guarded by the states that may lead to `to`.
   * A refund that does not raise the refunded total is a duplicate; a state that cannot follow is stale.
   */
  async transition(
    doc: TransitionTarget,
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

  /** A refund proves the payment was paid: when it overtakes the settlement notice, the settlement is recorded first. */
  async ensurePaid(doc: PaymentDoc, context: { source: TransitionSource; providerStatus?: string; eventId?: Types.ObjectId }): Promise<void> {
    if (doc.status !== 'pending' && doc.status !== 'scheduled') return;
    await this.transition(doc, 'success', { source: context.source, providerStatus: context.providerStatus, eventId: context.eventId, note: 'paid: implied by a refund from the provider' });
  }
}

export function sourceFor(origin: Origin): TransitionSource {
  return origin.kind === 'api' || origin.kind === 'chat' ? 'api' : 'job';
}

/** The amount of a payment's refund records in one state (succeeded: counted; pending: in flight). */
export function refundedIn(refunds: RefundRecord[] | undefined, status: RefundRecord['status']): number {
  return (refunds ?? []).filter((r) => r.status === status).reduce((sum, r) => sum + r.amountMinor, 0);
}

/** The provider says it has no such charge (its own 404, whatever error code the adapter gave it). */
export function isNotFoundAtProvider(err: AppError): boolean {
  const status = (err.details as { providerStatusCode?: unknown; status?: unknown } | undefined)?.providerStatusCode ?? err.details?.status;
  return err.code === 'NOT_FOUND' || (err.code === 'PROVIDER_REJECTED' && String(status) === '404');
}
