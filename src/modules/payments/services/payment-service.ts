/**
 * Payments: record first, then charge; state changes only through guarded atomic transitions; provider events
 * and status polls feed the same transition function, so order and duplicates do not matter.
 *
 * This is the facade the routes, jobs, inbox handler and other services call; the work is done by its parts,
 * one file per seam: creation (payment-creation.ts), charging and cancelling (payment-charging.ts), provider
 * events (payment-events.ts), refunds (payment-refunds.ts), reconciliation (payment-reconciliation.ts), all on the
 * shared core (payment-core.ts: provider lookup, the clock, the one transition function).
 */
import { Types } from 'mongoose';
import type { PaymentDoc, StoredPaymentStatus } from '../models/payment.js';
import type { NormalizedPaymentEvent, PaymentProvider, PaymentProviderName, PaymentStatus } from '../providers/types.js';
import type { Actor } from '../../../services/actor.js';
import { findOwned } from '../../../services/ownership.js';
import { PaymentCharging } from './payment-charging.js';
import { PaymentConfirmation } from './payment-confirmation.js';
import { PaymentCore, type EventOutcome, type PaymentServiceDeps, type TransitionContext, type TransitionOutcome, type TransitionTarget } from './payment-core.js';
import { PaymentCreation, type CreateOptions } from './payment-creation.js';
import { PaymentEvents } from './payment-events.js';
import { PaymentReconciliation } from './payment-reconciliation.js';
import { PaymentRefunds } from './payment-refunds.js';
import type { PaymentRequest } from './schemas.js';
import { toPaymentView, type PaymentView } from './views.js';

export type { CreateOptions } from './payment-creation.js';
export type { EventOutcome, Origin, PaymentServiceDeps, TransitionContext, TransitionOutcome } from './payment-core.js';
export { hashRequest } from './idempotent-create.js';

export class PaymentService {
  private readonly core: PaymentCore;
  private readonly creation: PaymentCreation;
  private readonly charging: PaymentCharging;
  private readonly events: PaymentEvents;
  private readonly refunds: PaymentRefunds;
  private readonly reconciliation: PaymentReconciliation;

  /** Shared with every part (the provider map is the same object, so swapping an adapter reaches them all). */
  constructor(private readonly deps: PaymentServiceDeps) {
    this.core = new PaymentCore(deps);
    const owned = (actor: Actor, paymentId: string) => this.ownedPayment(actor, paymentId);
    this.refunds = new PaymentRefunds(this.core, owned);
    this.events = new PaymentEvents(this.core, this.refunds, new PaymentConfirmation(this.core, deps.confirmations));
    this.reconciliation = new PaymentReconciliation(this.core, this.events, this.refunds);
    this.charging = new PaymentCharging(this.core, this.reconciliation, owned);
    this.creation = new PaymentCreation(this.core, this.charging);
  }

  providerFor(method: PaymentRequest['method'], explicit?: PaymentProviderName): PaymentProvider {
    return this.core.providerFor(method, explicit);
  }

  validate(request: PaymentRequest): void {
    this.creation.validate(request);
  }

  process(actor: Actor, request: PaymentRequest, idempotencyKey: string): Promise<{ payment: PaymentView; replayed: boolean }> {
    return this.creation.process(actor, request, idempotencyKey);
  }

  create(actor: Actor, request: PaymentRequest, options: CreateOptions): Promise<{ payment: PaymentView; replayed: boolean }> {
    return this.creation.create(actor, request, options);
  }

  charge(paymentId: string): Promise<PaymentView> {
    return this.charging.charge(paymentId);
  }

  cancel(actor: Actor, paymentId: string): Promise<PaymentView> {
    return this.charging.cancel(actor, paymentId);
  }

  transition(doc: TransitionTarget, to: StoredPaymentStatus, context: TransitionContext): Promise<TransitionOutcome> {
    return this.core.transition(doc, to, context);
  }

  applyProviderEvent(event: NormalizedPaymentEvent, eventId?: Types.ObjectId): Promise<EventOutcome> {
    return this.events.applyProviderEvent(event, eventId);
  }

  refund(actor: Actor, paymentId: string, input: { amountMinor?: number; reason?: string }): Promise<PaymentView> {
    return this.refunds.refund(actor, paymentId, input);
  }

  reconcile(doc: PaymentDoc) {
    return this.reconciliation.reconcile(doc);
  }

  reconcileById(paymentId: string): Promise<void> {
    return this.reconciliation.reconcileById(paymentId);
  }

  reconcileStale(limit?: number): Promise<{ checked: number; changed: number }> {
    return this.reconciliation.reconcileStale(limit);
  }

  /** The payments a recurring run has made, oldest first (one per attempt). */
  async paymentsOfRun(recurringId: string, runIndex: number): Promise<{ id: string; status: StoredPaymentStatus }[]> {
    const docs = await this.core.Payment.find({ 'origin.recurringId': new Types.ObjectId(recurringId), 'origin.runIndex': runIndex }, { status: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .lean();
    return docs.map((d) => ({ id: String(d._id), status: d.status }));
  }

  /** Where a payment stands, for the jobs that made it (no actor: the job acts for the payment's owner). */
  async statusOf(paymentId: string): Promise<StoredPaymentStatus | undefined> {
    return (await this.core.Payment.findById(paymentId, { status: 1 }).lean())?.status;
  }

  async get(actor: Actor, paymentId: string): Promise<PaymentView> {
    return toPaymentView(await this.ownedPayment(actor, paymentId));
  }

  /** A user's own payment; anyone else's is "not found" (admins see all). */
  ownedPayment(actor: Actor, paymentId: string): Promise<PaymentDoc> {
    return findOwned<PaymentDoc>(this.core.Payment, actor, paymentId, 'payment');
  }
}

export type { PaymentStatus };
