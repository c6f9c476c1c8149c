/**
 * Recurring payments. Each run is made by a job keyed "<recurringId>:<runIndex>"; each attempt of a run is one
 * payment keyed "recurring:<id>:<run>:<n>", and a new attempt is made only after the previous one definitely
 * failed, so a job that runs twice (or retries after a crash) never has two live charges for one run. The next
 * run is enqueued before the schedule advances (a crash in between leaves a duplicate enqueue, which the unique
 * key absorbs, never a lost run). Cancelling stops future runs; a payment already made keeps its course.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Models } from '../../../db/models/index.js';
import type { RecurringPaymentDoc } from '../models/recurring-payment.js';
import { AppError, validationFailed } from '../../../lib/errors.js';
import type { FieldCipher } from '../../../lib/crypto.js';
import type { Logger } from '../../../lib/logger.js';
import { formatMoney } from '../../../lib/money.js';
import { toJakartaIso } from '../../../lib/time.js';
import type { Actor } from '../../../services/actor.js';
import type { AuditService } from '../../../services/audit.js';
import { findOwned } from '../../../services/ownership.js';
import type { JobQueue } from '../../../services/job-queue.js';
import type { NotificationService } from '../../../services/notifications.js';
import { createIdempotent, hashRequest } from './idempotent-create.js';
import { enqueueJob, paymentJobs } from './payment-jobs.js';
import type { PaymentService } from './payment-service.js';
import { describeRecurrence, nthRun, RecurrenceSchema, type Recurrence } from './recurrence.js';
import { PaymentRequestFields, PaymentRequestSchema, checkItemTotals } from './schemas.js';
import { openRequest, redactRequest, sealRequest } from './sealed-fields.js';
import { strictDate } from '../../../lib/dates.js';


export const RecurringRequestSchema = z
  .object({
    payment: PaymentRequestFields.omit({ runAt: true }).superRefine(checkItemTotals),
    recurrence: RecurrenceSchema,
    startAt: strictDate({ maxYearsAhead: 10 }).optional(),
    endAt: strictDate().optional(),
    maxRuns: z.number().int().min(1).max(1000).optional(),
    retry: z
      .object({ maxRetries: z.number().int().min(0).max(10), baseDelayMs: z.number().int().min(1000).max(86_400_000).default(60_000) })
      .optional(),
  })
  .refine((r) => !r.startAt || !r.endAt || r.startAt < r.endAt, { path: ['endAt'], message: 'must be after startAt' });
export type RecurringRequest = z.infer<typeof RecurringRequestSchema>;

export class RecurringPaymentService {
  constructor(
    private readonly deps: {
      models: Pick<Models, 'RecurringPayment'>;
      payments: PaymentService;
      jobs: JobQueue;
      audit: AuditService;
      notifications: NotificationService;
      cipher: FieldCipher;
      logger: Logger;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  async create(actor: Actor, request: RecurringRequest, idempotencyKey?: string) {
    const template = PaymentRequestSchema.parse(request.payment);
    this.deps.payments.validate(template);
    // A start in the past would make every run since then due at once.
    if (request.startAt && request.startAt.getTime() < this.now().getTime() - 60_000) throw validationFailed([{ field: 'startAt', reason: 'is in the past' }]);
    const bounds = { startAt: request.startAt ?? this.now(), endAt: request.endAt, maxRuns: request.maxRuns };
    const recurrence = request.recurrence as Recurrence;
    const firstRun = nthRun(recurrence, bounds, 0);
    if (!firstRun) throw validationFailed([{ field: 'endAt', reason: 'no run falls between startAt and endAt' }]);

    const dedupeKey = idempotencyKey ? `idem:${actor.userId}:${idempotencyKey}` : undefined;
    const requestHash = hashRequest(request);
    const { doc, replayed } = await createIdempotent<RecurringPaymentDoc>({
      dedupeKey,
      requestHash,
      conflictMessage: 'this Idempotency-Key was already used with a different request',
      findExisting: (key) => this.deps.models.RecurringPayment.findOne({ dedupeKey: key }).lean<RecurringPaymentDoc>(),
      insert: async () =>
        (
          await this.deps.models.RecurringPayment.create({
          userId: new Types.ObjectId(actor.userId),
          status: 'active',
          // The card token and phone number sealed until a run makes its payment.
          template: sealRequest(request.payment, this.deps.cipher),
          recurrence,
          startAt: bounds.startAt,
          endAt: bounds.endAt,
          maxRuns: bounds.maxRuns,
          nextRunIndex: 0,
          nextRunAt: firstRun,
          retry: request.retry ?? { maxRetries: 3, baseDelayMs: 60_000 },
          dedupeKey,
          requestHash,
        })
        ).toObject() as RecurringPaymentDoc,
    });
    if (replayed) return this.view(doc);
    await enqueueJob(this.deps.jobs, paymentJobs.recurringRun, { recurringId: String(doc._id), runIndex: 0 }, { runAt: firstRun, uniqueKey: `${doc._id}:0` });
    await this.deps.audit.record({ actor, action: 'payment.recurring.create', target: { type: 'recurringPayment', id: String(doc._id) }, metadata: { recurrence } });
    return this.view(doc);
  }

  async list(actor: Actor) {
    const docs = await this.deps.models.RecurringPayment.find({ userId: new Types.ObjectId(actor.userId) }).sort({ createdAt: -1 }).limit(200).lean();
    return { recurring: docs.map((d) => this.view(d)) };
  }

  async get(actor: Actor, id: string) {
    return this.view(await this.owned(actor, id));
  }

  async cancel(actor: Actor, id: string) {
    const doc = await this.owned(actor, id);
    const updated = await this.deps.models.RecurringPayment.findOneAndUpdate(
      { _id: doc._id, status: 'active' },
      { $set: { status: 'cancelled', cancelledAt: this.now() }, $unset: { nextRunAt: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!updated) throw new AppError('CONFLICT', `this recurring payment is already ${doc.status}`);
    // The scheduled run is removed; a run already in progress sees the cancelled status and makes nothing new.
    await this.deps.jobs.cancel(paymentJobs.recurringRun.name, `${doc._id}:${updated.nextRunIndex}`);
    await this.deps.audit.record({ actor, action: 'payment.recurring.cancel', target: { type: 'recurringPayment', id } });
    return this.view(updated);
  }

  /** The job handler for one run. `attempt` is 1 for the first try. */
  async run(recurringId: string, runIndex: number, attempt: number): Promise<void> {
    const doc = await this.deps.models.RecurringPayment.findById(recurringId).lean();
    if (!doc || doc.status !== 'active') return;
    if (doc.nextRunIndex > runIndex) return; // this run was already made
    if (doc.nextRunIndex < runIndex) throw new AppError('SERVICE_UNAVAILABLE', 'the previous run has not finished advancing yet', { retryable: true });

    // This run's payments so far, one per attempt. A run has at most one live payment: a new attempt is made only
    // after the last one definitely failed. Whatever went wrong after a charge (a lost enqueue, a database blip)
    // makes the job run again, and it must then find the charge it made, not make another.
    const made = await this.deps.payments.paymentsOfRun(recurringId, runIndex);
    const last = made.at(-1);

    // After downtime several runs can be due at once. Only the latest is paid: paying every missed run in one
    // burst is never what the payer wants. A skipped run is recorded and the user told.
    const bounds = { startAt: doc.startAt, endAt: doc.endAt, maxRuns: doc.maxRuns };
    const following = nthRun(doc.recurrence as Recurrence, bounds, runIndex + 1);
    const laterRunDue = following !== null && following !== undefined && following.getTime() <= this.now().getTime();
    if (!last && laterRunDue) {
      const scheduledFor = nthRun(doc.recurrence as Recurrence, bounds, runIndex);
      await this.deps.notifications.notify({
        userId: String(doc.userId),
        kind: 'payment.recurring.skipped',
        title: 'Recurring payment skipped',
        body: `The run due ${scheduledFor ? toJakartaIso(scheduledFor) : ''} was missed while the hub was unavailable and was skipped; the next run is already due and is being made now.`,
        data: { recurringId, runIndex },
        dedupeKey: `recurring:${recurringId}:${runIndex}:skipped`,
      });
      await this.advance(doc, runIndex, { index: runIndex, status: 'skipped', error: 'missed: a later run was already due' });
      return;
    }

    const actor: Actor = { userId: String(doc.userId), role: 'user', channel: 'job' };
    const template = PaymentRequestSchema.parse(openRequest(doc.template, this.deps.cipher));
    let paymentId: string | undefined = last && last.status !== 'failed' ? last.id : undefined;
    let status = 'failed';
    let error: string | undefined;
    // Retrying an old run once the next one is due would pay both in a burst: the old run ends as failed.
    const retryAllowed = !laterRunDue;
    if (last?.status === 'failed' && !retryAllowed) {
      paymentId = last.id;
      error = 'not retried: the next run was already due';
    } else {
      try {
        if (!paymentId) {
          const { payment } = await this.deps.payments.create(actor, template, {
            dedupeKey: `recurring:${recurringId}:${runIndex}:${made.length + 1}`,
            origin: { kind: 'recurring', recurringId: doc._id, runIndex },
            chargeNow: false,
            onDuplicate: 'return-existing',
          });
          paymentId = payment.id;
        }
        // Safe to call again: a payment already charged (or with an unknown outcome) is not charged twice.
        const charged = await this.deps.payments.charge(paymentId);
        status = charged.status;
        error = charged.failureReason ?? undefined;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        // What counts is where the payment stands, not that the call threw: a charge that timed out is `pending`
        // with an unknown outcome, and reconciliation will find it. Charging a new attempt then could take the
        // money twice; only a payment that definitely failed is tried again.
        if (paymentId) status = (await this.deps.payments.statusOf(paymentId)) ?? status;
      }
    }

    if (status === 'failed' && attempt <= doc.retry.maxRetries && retryAllowed) {
      await this.deps.models.RecurringPayment.updateOne({ _id: doc._id }, { $set: { lastRun: { index: runIndex, paymentId, status, at: this.now(), error } } });
      throw new AppError('PROVIDER_UNAVAILABLE', `run ${runIndex + 1} failed (attempt ${attempt}): ${error ?? 'payment failed'}`, {
        retryable: true,
        // This recurring payment's own backoff: baseDelayMs, doubling per attempt, at most a day.
        retryAfterSeconds: Math.min(86_400, Math.round((doc.retry.baseDelayMs * 2 ** (attempt - 1)) / 1000)),
      });
    }
    if (status === 'failed') {
      const amount = formatMoney({ amountMinor: template.amountMinor, currency: template.currency });
      await this.deps.notifications.notify({
        userId: String(doc.userId),
        kind: 'payment.recurring.failed',
        title: 'Recurring payment failed',
        body: `The ${describeRecurrence(doc.recurrence as Recurrence)} payment of ${amount}${template.description ? ` for "${template.description}"` : ''} failed after ${attempt} attempts${error ? `: ${error}` : ''}. The next run is still scheduled.`,
        data: { recurringId, runIndex, paymentId },
        dedupeKey: `recurring:${recurringId}:${runIndex}:failed`,
      });
    }
    await this.advance(doc, runIndex, { index: runIndex, paymentId, status, error });
  }

  private async advance(doc: RecurringPaymentDoc, runIndex: number, lastRun: { index: number; paymentId?: string; status: string; error?: string }) {
    const next = nthRun(doc.recurrence as Recurrence, { startAt: doc.startAt, endAt: doc.endAt, maxRuns: doc.maxRuns }, runIndex + 1);
    if (next) {
      await enqueueJob(this.deps.jobs, paymentJobs.recurringRun, { recurringId: String(doc._id), runIndex: runIndex + 1 }, { runAt: next, uniqueKey: `${doc._id}:${runIndex + 1}` });
    }
    await this.deps.models.RecurringPayment.updateOne(
      { _id: doc._id, nextRunIndex: runIndex, status: 'active' },
      {
        $set: {
          nextRunIndex: runIndex + 1,
          ...(next ? { nextRunAt: next } : { status: 'completed' }),
          lastRun: { ...lastRun, paymentId: lastRun.paymentId ? new Types.ObjectId(lastRun.paymentId) : undefined, at: this.now() },
        },
        ...(next ? {} : { $unset: { nextRunAt: 1 } }),
      },
    );
  }

  private owned(actor: Actor, id: string): Promise<RecurringPaymentDoc> {
    return findOwned<RecurringPaymentDoc>(this.deps.models.RecurringPayment, actor, id, 'recurring payment');
  }

  private view(doc: RecurringPaymentDoc) {
    const recurrence = doc.recurrence as Recurrence;
    const bounds = { startAt: doc.startAt, endAt: doc.endAt, maxRuns: doc.maxRuns };
    const upcoming: string[] = [];
    if (doc.status === 'active') {
      for (let i = doc.nextRunIndex; upcoming.length < 3; i++) {
        const at = nthRun(recurrence, bounds, i);
        if (!at) break;
        upcoming.push(toJakartaIso(at));
      }
    }
    return {
      id: String(doc._id),
      status: doc.status,
      payment: redactRequest(doc.template),
      recurrence,
      description: describeRecurrence(recurrence),
      startAt: toJakartaIso(doc.startAt),
      endAt: doc.endAt ? toJakartaIso(doc.endAt) : null,
      maxRuns: doc.maxRuns ?? null,
      runsMade: doc.nextRunIndex,
      nextRunAt: doc.nextRunAt && doc.status === 'active' ? toJakartaIso(doc.nextRunAt) : null,
      upcoming,
      retry: doc.retry,
      lastRun: doc.lastRun
        ? { index: doc.lastRun.index, paymentId: doc.lastRun.paymentId ? String(doc.lastRun.paymentId) : null, status: doc.lastRun.status, at: toJakartaIso(doc.lastRun.at), error: doc.lastRun.error ?? null }
        : null,
      createdAt: toJakartaIso(doc.createdAt),
    };
  }
}

