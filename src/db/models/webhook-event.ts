import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * The webhook inbox. An event is stored once (unique provider + eventKey) before the sender gets its 200, then
 * applied by the processor. received → processing → applied | ignored | unmatched | failed (retry later) → dead.
 */
export const INBOX_STATUSES = ['received', 'processing', 'applied', 'ignored', 'unmatched', 'failed', 'dead'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

const webhookEventSchema = new Schema(
  {
    provider: { type: String, required: true },
    eventKey: { type: String, required: true },
    /** The kind of event, for routing to the right service (e.g. "payment"). */
    kind: { type: String, required: true },
    status: { type: String, enum: INBOX_STATUSES, required: true, default: 'received' },
    receivedAt: { type: Date, required: true },
    /** The verified body as received (raw text), for audit and replay. */
    rawBody: { type: String, required: true },
    /** The provider-neutral event the processor applies. */
    normalized: { type: Schema.Types.Mixed, required: true },
    orderId: { type: String },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    /** A processor holds the event until then; a crashed processor's claim simply runs out. */
    lockedUntil: { type: Date },
    lastError: { type: String },
    /** What applying it did: "applied", "duplicate", "stale", "unknown-order"… */
    outcome: { type: String },
    processedAt: { type: Date },
    /** How many times the sender delivered this same event (duplicates are counted, not stored again). */
    deliveries: { type: Number, required: true, default: 1 },
    /** While the provider cannot confirm the event: when to stop asking, and how often it was asked. */
    confirmRetryUntil: { type: Date },
    confirmAttempts: { type: Number },
  },
  { collection: 'webhookEvents', versionKey: false },
);
webhookEventSchema.index({ provider: 1, eventKey: 1 }, { unique: true });
webhookEventSchema.index({ status: 1, nextAttemptAt: 1 });
webhookEventSchema.index({ receivedAt: -1, _id: -1 });
webhookEventSchema.index({ orderId: 1 });

export interface WebhookEventDoc {
  _id: Types.ObjectId;
  provider: string;
  eventKey: string;
  kind: string;
  status: InboxStatus;
  receivedAt: Date;
  rawBody: string;
  normalized: Record<string, unknown>;
  orderId?: string;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil?: Date;
  lastError?: string;
  outcome?: string;
  processedAt?: Date;
  deliveries: number;
  confirmRetryUntil?: Date;
  confirmAttempts?: number;
}

export const webhookEventModel = (conn: Connection): Model<WebhookEventDoc> => conn.model<WebhookEventDoc>('WebhookEvent', webhookEventSchema as never);
