/**
 * The webhook inbox (DESIGN §5). Intake stores a verified event once (unique provider + eventKey) and answers at
 * once; the processor claims due events with an atomic update, applies them through a handler per kind, retries
 * failures with exponential backoff and parks an event that keeps failing as `dead` until an admin replays it.
 * Every step is a single-document atomic update, so several hub processes can share one inbox and a crash at any
 * point leaves the event claimable again.
 *
 * Every instant it stores or compares (receivedAt, nextAttemptAt, lockedUntil, confirmRetryUntil, the due query)
 * comes from the hub's clock, so retries live in the same time frame as the rest of the hub: a test or simulation
 * that moves a manual clock moves the inbox's back-off with it.
 */
import { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { InboxStatus, WebhookEventDoc } from '../db/models/webhook-event.js';
import { afterCursorDesc, pageOf } from '../lib/cursor.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { AppError, isDuplicateKeyError, notFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { toJakartaIso } from '../lib/time.js';
import type { Actor } from './actor.js';
import type { AuditService } from './audit.js';

export interface InboxHandlerResult {
  /** `applied` changed something; `ignored` was a duplicate or stale event; `unmatched` needs a person (kept, flagged). */
  status: 'applied' | 'ignored' | 'unmatched';
  outcome: string;
}

export type InboxHandler = (event: WebhookEventDoc) => Promise<InboxHandlerResult>;

export interface InboxPolicy {
  /** Attempts before an event is parked as dead. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claim lasts; a processor that dies mid-event loses its claim after this. */
  claimMs: number;
  /**
   * When a handler could not ask the provider to confirm an event (its status API is down), the event waits on
   * this schedule instead: it does not count towards maxAttempts, retries at most every `confirmationMaxDelayMs`,
   * and is parked as dead only after `confirmationWindowMs` of failures, long enough to outlast a 30-minute outage.
   */
  confirmationWindowMs?: number;
  confirmationMaxDelayMs?: number;
  /** Events applied at once by one processor pass (handlers limit their own calls per provider). */
  concurrency?: number;
}

export const DEFAULT_INBOX_POLICY: InboxPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  claimMs: 60_000,
  confirmationWindowMs: 2 * 3600_000,
  confirmationMaxDelayMs: 2 * 60_000,
  concurrency: 4,
};

/** An error thrown by a handler that could not get the provider's confirmation (see InboxPolicy.confirmationWindowMs). */
function isConfirmationFailure(err: unknown): err is AppError {
  return err instanceof AppError && err.details?.retrySchedule === 'confirmation';
}

export interface StoreEventInput {
  provider: string;
  kind: string;
  eventKey: string;
  rawBody: string;
  normalized: Record<string, unknown>;
  orderId?: string;
}

export class WebhookInbox {
  private readonly handlers = new Map<string, InboxHandler>();

  constructor(
    private readonly models: Pick<Models, 'WebhookEvent'>,
    private readonly audit: AuditService,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly policy: InboxPolicy = DEFAULT_INBOX_POLICY,
    private readonly clock: Clock = systemClock,
  ) {}

  registerHandler(kind: string, handler: InboxHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Stores a verified event. A second delivery of the same event only bumps its delivery count. */
  async store(input: StoreEventInput): Promise<{ id: string; duplicate: boolean }> {
    const now = this.clock.now();
    try {
      const doc = await this.models.WebhookEvent.create({ ...input, status: 'received', receivedAt: now, nextAttemptAt: now, attempts: 0, deliveries: 1 });
      this.metrics.webhooksReceived.inc({ provider: input.provider, outcome: 'stored' });
      return { id: String(doc._id), duplicate: false };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.models.WebhookEvent.findOneAndUpdate(
        { provider: input.provider, eventKey: input.eventKey },
        { $inc: { deliveries: 1 } },
        { returnDocument: 'after', projection: { _id: 1 } },
      ).lean();
      this.metrics.webhooksReceived.inc({ provider: input.provider, outcome: 'duplicate' });
      return { id: String(existing?._id), duplicate: true };
    }
  }

  /**
   * Claims and applies due events until none is left or `limit` is reached, several at a time (applying is
   * idempotent and order-tolerant, and a slow provider confirmation should not hold up the rest). Returns how many
   * it handled.
   */
  async processDue(limit = 100): Promise<number> {
    let handled = 0;
    const worker = async () => {
      while (handled < limit) {
        handled++;
        const event = await this.claimNext();
        if (!event) {
          handled--;
          break;
        }
        await this.apply(event);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.policy.concurrency ?? 1) }, worker));
    return handled;
  }

  private async claimNext(): Promise<WebhookEventDoc | null> {
    const now = this.clock.now();
    return this.models.WebhookEvent.findOneAndUpdate(
      {
        $or: [
          { status: { $in: ['received', 'failed'] }, nextAttemptAt: { $lte: now } },
          // A processor that died mid-event: its claim has run out.
          { status: 'processing', lockedUntil: { $lt: now } },
        ],
      },
      { $set: { status: 'processing', lockedUntil: new Date(now.getTime() + this.policy.claimMs) }, $inc: { attempts: 1 } },
      { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
    ).lean();
  }

  private async apply(event: WebhookEventDoc): Promise<void> {
    const handler = this.handlers.get(event.kind);
    try {
      if (!handler) throw new Error(`no handler for ${event.kind} events`);
      const result = await handler(event);
      await this.finish(event, result.status, { outcome: result.outcome });
      this.metrics.webhooksApplied.inc({ provider: event.provider, result: result.status });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (isConfirmationFailure(err)) return this.waitForConfirmation(event, message);
      const permanent = err instanceof AppError && !err.retryable && err.code !== 'PROVIDER_UNAVAILABLE' && err.code !== 'SERVICE_UNAVAILABLE';
      if (permanent || event.attempts >= this.policy.maxAttempts) {
        await this.finish(event, 'dead', { lastError: message });
        this.metrics.webhooksApplied.inc({ provider: event.provider, result: 'dead' });
        this.logger.error({ err, eventId: String(event._id), provider: event.provider }, 'webhook event parked as dead');
      } else {
        const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (event.attempts - 1));
        await this.finish(event, 'failed', { lastError: message, nextAttemptAt: new Date(this.clock.now().getTime() + delay) });
        this.metrics.webhooksApplied.inc({ provider: event.provider, result: 'failed' });
        this.logger.warn({ err, eventId: String(event._id), attempt: event.attempts, retryInMs: delay }, 'webhook event failed; will retry');
      }
    }
  }

  /** The provider could not be asked: try again on the confirmation schedule, not the failure one. */
  private async waitForConfirmation(event: WebhookEventDoc, message: string): Promise<void> {
    const now = this.clock.now().getTime();
    const windowMs = this.policy.confirmationWindowMs ?? DEFAULT_INBOX_POLICY.confirmationWindowMs!;
    const until = event.confirmRetryUntil ?? new Date(now + windowMs);
    const tries = (event.confirmAttempts ?? 0) + 1;
    if (now > until.getTime()) {
      await this.finish(event, 'dead', { lastError: `${message} (the provider could not confirm it for ${Math.round(windowMs / 60_000)} minutes)` });
      this.metrics.webhooksApplied.inc({ provider: event.provider, result: 'dead' });
      this.logger.error({ eventId: String(event._id), provider: event.provider }, 'webhook event parked as dead: the provider could not confirm it');
      return;
    }
    // Backs off to 64 × the base delay (about a minute by default), so the event is applied soon after the provider
    // is back rather than after a long back-off.
    const delay = Math.min(this.policy.confirmationMaxDelayMs ?? DEFAULT_INBOX_POLICY.confirmationMaxDelayMs!, this.policy.baseDelayMs * 2 ** Math.min(tries - 1, 6));
    await this.models.WebhookEvent.updateOne(
      { _id: event._id, status: 'processing', lockedUntil: event.lockedUntil },
      // The claim's attempt is given back: waiting for the provider is not the event failing.
      { $set: { status: 'failed', lastError: message, nextAttemptAt: new Date(now + delay), confirmRetryUntil: until, confirmAttempts: tries }, $inc: { attempts: -1 }, $unset: { lockedUntil: 1 } },
    );
    this.metrics.webhooksApplied.inc({ provider: event.provider, result: 'awaiting_confirmation' });
    this.logger.warn({ eventId: String(event._id), provider: event.provider, retryInMs: delay, until }, 'provider could not confirm a webhook event; will ask again');
  }

  private async finish(event: WebhookEventDoc, status: InboxStatus, fields: { outcome?: string; lastError?: string; nextAttemptAt?: Date }) {
    // Guarded by our claim: if it ran out and another processor took the event, its result wins.
    await this.models.WebhookEvent.updateOne(
      { _id: event._id, status: 'processing', lockedUntil: event.lockedUntil },
      {
        $set: { status, processedAt: this.clock.now(), ...fields },
        $unset: { lockedUntil: 1, ...(fields.lastError ? {} : { lastError: 1, confirmRetryUntil: 1, confirmAttempts: 1 }) },
      },
    );
  }

  /** Puts a dead, failed, unmatched or already applied event back in line. Applying again is idempotent. */
  async replay(actor: Actor, eventId: string) {
    if (!Types.ObjectId.isValid(eventId)) throw notFound('webhook event');
    const updated = await this.models.WebhookEvent.findOneAndUpdate(
      { _id: new Types.ObjectId(eventId), status: { $ne: 'processing' } },
      { $set: { status: 'received', attempts: 0, nextAttemptAt: this.clock.now() }, $unset: { lockedUntil: 1, confirmRetryUntil: 1, confirmAttempts: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!updated) {
      const exists = await this.models.WebhookEvent.exists({ _id: new Types.ObjectId(eventId) });
      if (!exists) throw notFound('webhook event');
      throw new AppError('CONFLICT', 'the event is being processed right now');
    }
    await this.audit.record({ actor, action: 'webhook.replay', target: { type: 'webhookEvent', id: eventId } });
    return toInboxView(updated);
  }

  async list(query: { status?: InboxStatus; provider?: string; orderId?: string; cursor?: string; limit: number }) {
    const filter: Record<string, unknown> = {};
    if (query.status) filter.status = query.status;
    if (query.provider) filter.provider = query.provider;
    if (query.orderId) filter.orderId = query.orderId;
    if (query.cursor) Object.assign(filter, afterCursorDesc('receivedAt', query.cursor));
    const docs = await this.models.WebhookEvent.find(filter).sort({ receivedAt: -1, _id: -1 }).limit(query.limit + 1).lean();
    const { page, nextCursor } = pageOf(docs, query.limit, (d) => d.receivedAt);
    return { events: page.map(toInboxView), nextCursor };
  }
}

export function toInboxView(doc: WebhookEventDoc) {
  return {
    id: String(doc._id),
    provider: doc.provider,
    kind: doc.kind,
    eventKey: doc.eventKey,
    status: doc.status,
    orderId: doc.orderId ?? null,
    attempts: doc.attempts,
    deliveries: doc.deliveries,
    outcome: doc.outcome ?? null,
    lastError: doc.lastError ?? null,
    receivedAt: toJakartaIso(doc.receivedAt),
    processedAt: doc.processedAt ? toJakartaIso(doc.processedAt) : null,
    normalized: doc.normalized,
  };
}
