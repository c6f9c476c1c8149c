/**
 * Creation: a payment is recorded (once per dedupe key) before anything is sent; then it is charged now, or its
 * charge job is scheduled, or (batches, recurring runs) the caller charges it.
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { PaymentDoc, StoredPaymentStatus } from '../models/payment.js';
import { AppError, validationFailed, type FieldIssue } from '../../../lib/errors.js';
import { formatMoney } from '../../../lib/money.js';
import type { Actor } from '../../../services/actor.js';
import { createIdempotent, hashRequest } from './idempotent-create.js';
import { methodInfo } from './methods.js';
import { sourceFor, type Origin, type PaymentCore } from './payment-core.js';
import type { PaymentCharging } from './payment-charging.js';
import { enqueueJob, paymentJobs } from './payment-jobs.js';
import type { PaymentRequest } from './schemas.js';
import { toPaymentView, type PaymentView } from './views.js';

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

export class PaymentCreation {
  constructor(private readonly core: PaymentCore, private readonly charging: PaymentCharging) {}

  private get deps() {
    return this.core.deps;
  }

  private now(): Date {
    return this.core.now();
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
    this.core.providerFor(request.method, request.provider);
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
    const provider = this.core.providerFor(request.method, request.provider);
    // Direct debit debits a linked account: none yet is a 409 that says how to link, before anything is recorded.
    await this.core.deps.linkedAccounts?.requireLinked(actor.userId, request.method);
    const requestHash = hashRequest(request);
    const scheduled = request.runAt !== undefined && request.runAt.getTime() > this.now().getTime() + 1000;
    const status: StoredPaymentStatus = scheduled ? 'scheduled' : 'pending';
    const now = this.now();

    const { doc, replayed } = await createIdempotent<PaymentDoc>({
      dedupeKey: options.dedupeKey,
      requestHash,
      onDuplicate: options.onDuplicate,
      conflictMessage: 'this Idempotency-Key was already used with a different request',
      conflictDetails: (existing) => ({ paymentId: String(existing._id) }),
      findExisting: (dedupeKey) => this.deps.models.Payment.findOne({ dedupeKey }).lean<PaymentDoc>(),
      insert: async () =>
        (
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
        ).toObject() as PaymentDoc,
    });
    if (replayed) {
      if (options.onDuplicate === 'return-existing') return { payment: toPaymentView(doc), replayed: true };
      return { payment: await this.finishReplayed(doc), replayed: true };
    }

    await this.deps.audit.record({
      actor,
      action: 'payment.create',
      target: { type: 'payment', id: String(doc._id) },
      metadata: { method: doc.method, provider: doc.provider, amountMinor: doc.amountMinor, currency: doc.currency, scheduled },
    });

    if (scheduled) {
      await enqueueJob(this.deps.jobs, paymentJobs.charge, { paymentId: String(doc._id) }, { runAt: request.runAt, uniqueKey: String(doc._id) });
      return { payment: toPaymentView(doc), replayed: false };
    }
    if (options.chargeNow === false) return { payment: toPaymentView(doc), replayed: false };
    return { payment: await this.charging.charge(String(doc._id)), replayed: false };
  }

  /** The same request again: answer with the first payment, finishing its charge if the first request died before it. */
  private async finishReplayed(existing: PaymentDoc): Promise<PaymentView> {
    if (existing.chargeState === 'not_sent' && existing.status === 'pending') {
      if (this.now().getTime() - existing.createdAt.getTime() < 60_000) {
        // The first request is still talking to the provider; answering now would show a half-made payment.
        throw new AppError('CONFLICT', 'a request with this Idempotency-Key is still in progress; retry shortly', { retryAfterSeconds: 1 });
      }
      // The first request died after recording and before charging: the retry finishes what it asked for. The
      // charge claim keeps this to one call even if the first request was only slow.
      if (!existing.chargeClaimedAt) return this.charging.charge(String(existing._id));
    }
    return toPaymentView(existing);
  }
}

/** Order ids are what providers see: short, unique, no personal data. */
function newOrderId(): string {
  return `SWH-${Date.now().toString(36).toUpperCase()}-${randomBytes(5).toString('hex').toUpperCase()}`;
}
