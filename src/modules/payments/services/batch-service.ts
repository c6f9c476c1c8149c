/**
 * Batch payments (up to 1,000 items). The batch is stored whole in one document, then a job creates and charges
 * one payment per item under a unique "batch:<id>:<index>" key. If the process dies midway, Agenda hands the job
 * to another run; items already made are found by their key and charges already sent are not sent again.
 */
import { Types } from 'mongoose';
import { ZodError } from 'zod';
import type { Models } from '../../../db/models/index.js';
import type { PaymentBatchDoc } from '../models/payment-batch.js';
import { AppError, isUnknownProviderOutcome, validationFailed, type FieldIssue } from '../../../lib/errors.js';
import type { FieldCipher } from '../../../lib/crypto.js';
import type { Logger } from '../../../lib/logger.js';
import { toJakartaIso } from '../../../lib/time.js';
import type { Actor } from '../../../services/actor.js';
import type { AuditService } from '../../../services/audit.js';
import { findOwned } from '../../../services/ownership.js';
import type { JobQueue } from '../../../services/job-queue.js';
import { createIdempotent, hashRequest } from './idempotent-create.js';
import { enqueueJob, paymentJobs } from './payment-jobs.js';
import type { PaymentService } from './payment-service.js';
import { PaymentRequestSchema, type PaymentRequest } from './schemas.js';
import { openRequest, sealRequest } from './sealed-fields.js';


export class PaymentBatchService {
  constructor(
    private readonly deps: { models: Pick<Models, 'PaymentBatch' | 'Payment'>; payments: PaymentService; jobs: JobQueue; audit: AuditService; cipher: FieldCipher; logger: Logger; now: () => Date },
  ) {}

  async submit(actor: Actor, items: PaymentRequest[], idempotencyKey: string) {
    const issues: FieldIssue[] = [];
    items.forEach((item, index) => {
      try {
        this.deps.payments.validate(item);
      } catch (err) {
        const itemIssues = (err as AppError).details?.issues ?? [{ field: '', reason: (err as Error).message }];
        for (const issue of itemIssues) issues.push({ field: issue.field ? `items.${index}.${issue.field}` : `items.${index}`, reason: issue.reason });
      }
    });
    if (issues.length) throw validationFailed(issues);

    const requestHash = hashRequest(items);
    const dedupeKey = `idem:${actor.userId}:${idempotencyKey}`;
    const { doc: batch, replayed } = await createIdempotent<PaymentBatchDoc>({
      dedupeKey,
      requestHash,
      conflictMessage: 'this Idempotency-Key was already used with a different batch',
      findExisting: (key) => this.deps.models.PaymentBatch.findOne({ dedupeKey: key }).lean<PaymentBatchDoc>(),
      insert: async () =>
        (
          await this.deps.models.PaymentBatch.create({
            userId: new Types.ObjectId(actor.userId),
            status: 'queued',
            // Stored as plain JSON so the job re-validates exactly what the user sent; card tokens and phone numbers
            // sealed until the job makes the item's payment.
            items: items.map((item) => sealRequest(item, this.deps.cipher)),
            dedupeKey,
            requestHash,
          })
        ).toObject() as PaymentBatchDoc,
    });
    if (replayed) return { batch: await this.view(batch), replayed: true };
    await enqueueJob(this.deps.jobs, paymentJobs.batch, { batchId: String(batch._id) }, { uniqueKey: String(batch._id) });
    await this.deps.audit.record({ actor, action: 'payment.batch.submit', target: { type: 'paymentBatch', id: String(batch._id) }, metadata: { items: items.length } });
    return { batch: await this.view(batch), replayed: false };
  }

  /** The job: idempotent per item, so running it twice (or after a crash) never adds or charges an item twice. */
  async process(batchId: string): Promise<void> {
    const batch = await this.deps.models.PaymentBatch.findOneAndUpdate(
      { _id: new Types.ObjectId(batchId), status: { $in: ['queued', 'processing'] } },
      { $set: { status: 'processing' } },
      { returnDocument: 'after' },
    ).lean();
    if (!batch) return;
    const actor: Actor = { userId: String(batch.userId), role: 'user', channel: 'job' };
    const failed = new Set((batch.itemErrors ?? []).map((e) => e.index));
    for (let index = 0; index < batch.items.length; index++) {
      if (failed.has(index)) continue;
      // One item's failure is that item's result; the batch goes on. A charge failure is recorded on the
      // payment; an item that cannot become a payment at all is recorded on the batch.
      let payment;
      try {
        const request = PaymentRequestSchema.parse(openRequest(batch.items[index], this.deps.cipher));
        // A runAt that went by while the batch waited (a queue backlog, a takeover after a crash) means "now".
        if (request.runAt && request.runAt.getTime() <= this.deps.now().getTime()) delete request.runAt;
        ({ payment } = await this.deps.payments.create(actor, request, {
          dedupeKey: `batch:${batchId}:${index}`,
          origin: { kind: 'batch', batchId: batch._id, itemIndex: index },
          chargeNow: false,
          onDuplicate: 'return-existing',
        }));
      } catch (err) {
        const reason = itemRejection(err);
        if (reason === undefined) throw err; // the database or the provider is down: the job retries, and made items are found by key
        await this.deps.models.PaymentBatch.updateOne({ _id: batch._id, 'itemErrors.index': { $ne: index } }, { $push: { itemErrors: { index, reason } } });
        this.deps.logger.warn({ err, batchId, index }, 'batch item could not be made');
        continue;
      }
      if (payment.status !== 'pending') continue;
      try {
        await this.deps.payments.charge(payment.id);
      } catch (err) {
        this.deps.logger.warn({ err, batchId, index }, 'batch item charge failed');
      }
    }
    await this.deps.models.PaymentBatch.updateOne({ _id: batch._id, status: 'processing' }, { $set: { status: 'completed', completedAt: this.deps.now() } });
  }

  async get(actor: Actor, batchId: string) {
    return this.view(await findOwned<PaymentBatchDoc>(this.deps.models.PaymentBatch, actor, batchId, 'payment batch'));
  }

  private async view(batch: PaymentBatchDoc) {
    const payments = await this.deps.models.Payment.find({ 'origin.batchId': batch._id }, { status: 1, origin: 1, failureReason: 1 }).lean();
    const byIndex = new Map(payments.map((p) => [p.origin.itemIndex, p]));
    const counts: Record<string, number> = {};
    const itemErrors = new Map((batch.itemErrors ?? []).map((e) => [e.index, e.reason]));
    const items = batch.items.map((item, index) => {
      const payment = byIndex.get(index);
      const status = payment?.status ?? (itemErrors.has(index) ? 'rejected' : 'queued');
      counts[status] = (counts[status] ?? 0) + 1;
      return {
        index,
        method: item.method as string,
        amountMinor: item.amountMinor as number,
        paymentId: payment ? String(payment._id) : null,
        status,
        failureReason: payment?.failureReason ?? itemErrors.get(index) ?? null,
      };
    });
    return {
      id: String(batch._id),
      status: batch.status,
      total: batch.items.length,
      counts,
      items,
      createdAt: toJakartaIso(batch.createdAt),
      completedAt: batch.completedAt ? toJakartaIso(batch.completedAt) : null,
    };
  }
}

/**
 * Why an item cannot become a payment, or undefined when the error says nothing about the item (the database or
 * the provider is down) and the job should retry. A stored item that no longer passes the schema, a provider taken
 * out of PAYMENT_PROVIDERS since the batch was submitted, a refusal: each is that item's result, and waiting would
 * not change it (a retry would only hold up every item after it).
 */
function itemRejection(err: unknown): string | undefined {
  if (err instanceof ZodError) return err.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; ');
  if (err instanceof AppError && !isUnknownProviderOutcome(err)) return err.message;
  return undefined;
}
