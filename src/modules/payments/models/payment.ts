import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { PAYMENT_METHODS, PAYMENT_PROVIDERS, type PaymentMethod, type PaymentProviderName, type PaymentInstructions } from '../providers/types.js';

/** Our stored states: the provider-level machine plus `scheduled` (recorded, not yet charged). */
export const STORED_PAYMENT_STATUSES = ['scheduled', 'pending', 'success', 'failed', 'expired', 'cancelled', 'partially_refunded', 'refunded'] as const;
export type StoredPaymentStatus = (typeof STORED_PAYMENT_STATUSES)[number];

/**
 * Where the charge call stands: not yet sent; sent and answered; refused; or sent with no answer (timeout/5xx),
 * in which case only a status poll can tell whether the provider has it.
 */
export const CHARGE_STATES = ['not_sent', 'accepted', 'rejected', 'unknown'] as const;
export type ChargeState = (typeof CHARGE_STATES)[number];

export const TRANSITION_SOURCES = ['api', 'charge', 'webhook', 'poll', 'job', 'admin'] as const;
export type TransitionSource = (typeof TRANSITION_SOURCES)[number];

const transitionSchema = new Schema(
  {
    from: { type: String, enum: STORED_PAYMENT_STATUSES, required: true },
    to: { type: String, enum: STORED_PAYMENT_STATUSES, required: true },
    at: { type: Date, required: true },
    source: { type: String, enum: TRANSITION_SOURCES, required: true },
    providerStatus: { type: String },
    /** The inbox event that caused it, when it came from a webhook. */
    eventId: { type: Schema.Types.ObjectId },
    note: { type: String },
  },
  { _id: false },
);

const paymentSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Our id at the provider (Midtrans order_id, Xendit reference_id/external_id). Stable across retries, so the provider deduplicates. */
    orderId: { type: String, required: true, unique: true },
    provider: { type: String, enum: PAYMENT_PROVIDERS, required: true },
    method: { type: String, enum: PAYMENT_METHODS, required: true },
    amountMinor: { type: Number, required: true },
    currency: { type: String, required: true },
    description: { type: String },
    customer: { name: String, email: String, phone: String },
    items: [{ _id: false, name: String, priceMinor: Number, quantity: Number }],
    status: { type: String, enum: STORED_PAYMENT_STATUSES, required: true },
    chargeState: { type: String, enum: CHARGE_STATES, required: true, default: 'not_sent' },
    providerRef: { type: String },
    providerStatus: { type: String },
    instructions: { type: Schema.Types.Mixed },
    failureReason: { type: String },
    /** When the charge should be made (scheduled payments). */
    runAt: { type: Date },
    expiresAt: { type: Date },
    settledAt: { type: Date },
    refundedAmountMinor: { type: Number, required: true, default: 0 },
    /**
     * Makes creation exactly-once per origin: "idem:<user>:<Idempotency-Key>", "batch:<id>:<index>",
     * "recurring:<id>:<run>". Unique, so a repeated request or a job re-run after a crash finds the first record.
     */
    dedupeKey: { type: String, unique: true, sparse: true },
    /** SHA-256 of the request that created it (same Idempotency-Key with a different body is a conflict). */
    requestHash: { type: String },
    origin: {
      kind: { type: String, enum: ['api', 'batch', 'recurring', 'chat'], required: true },
      batchId: { type: Schema.Types.ObjectId },
      itemIndex: { type: Number },
      recurringId: { type: Schema.Types.ObjectId },
      runIndex: { type: Number },
    },
    /** Card token and phone number are only needed for the charge call: encrypted at rest, removed after it. */
    chargeSecrets: { cardTokenEnc: String, mobileNumberEnc: String, redirectUrl: String },
    history: { type: [transitionSchema], default: [] },
    /**
     * Every refund the hub knows of, by the provider's refund id. Some refunds finish later (Xendit answers
     * PENDING and calls back); a record moves pending → succeeded | failed once, in the same atomic update that
     * adds its amount, so a refund is counted exactly once however often its callback comes.
     */
    refunds: {
      type: [{ _id: false, refundRef: String, amountMinor: Number, status: { type: String, enum: ['pending', 'succeeded', 'failed'] }, reason: String, requestedAt: Date, completedAt: Date }],
      default: [],
    },
    lastCheckedAt: { type: Date },
    /** Set when a process takes the charge call; only one process ever sends a given charge. */
    chargeClaimedAt: { type: Date },
    /** Held while a refund call is made, so refunds of one payment are made one at a time. */
    refundLockUntil: { type: Date },
  },
  { timestamps: true, collection: 'paymentTransactions' },
);
paymentSchema.index({ userId: 1, createdAt: -1, _id: -1 });
paymentSchema.index({ status: 1, expiresAt: 1 });
paymentSchema.index({ 'origin.batchId': 1, 'origin.itemIndex': 1 });
paymentSchema.index({ 'origin.recurringId': 1, 'origin.runIndex': 1 });

export interface PaymentTransition {
  from: StoredPaymentStatus;
  to: StoredPaymentStatus;
  at: Date;
  source: TransitionSource;
  providerStatus?: string;
  eventId?: Types.ObjectId;
  note?: string;
}

export interface RefundRecord {
  refundRef: string;
  amountMinor: number;
  status: 'pending' | 'succeeded' | 'failed';
  reason?: string;
  requestedAt: Date;
  completedAt?: Date;
}

export interface PaymentDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  orderId: string;
  provider: PaymentProviderName;
  method: PaymentMethod;
  amountMinor: number;
  currency: string;
  description?: string;
  customer?: { name?: string; email?: string; phone?: string };
  items?: { name: string; priceMinor: number; quantity: number }[];
  status: StoredPaymentStatus;
  chargeState: ChargeState;
  providerRef?: string;
  providerStatus?: string;
  instructions?: PaymentInstructions;
  failureReason?: string;
  runAt?: Date;
  expiresAt?: Date;
  settledAt?: Date;
  refundedAmountMinor: number;
  dedupeKey?: string;
  requestHash?: string;
  origin: { kind: 'api' | 'batch' | 'recurring' | 'chat'; batchId?: Types.ObjectId; itemIndex?: number; recurringId?: Types.ObjectId; runIndex?: number };
  chargeSecrets?: { cardTokenEnc?: string; mobileNumberEnc?: string; redirectUrl?: string };
  history: PaymentTransition[];
  refunds?: RefundRecord[];
  lastCheckedAt?: Date;
  chargeClaimedAt?: Date;
  refundLockUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const paymentModel = (conn: Connection): Model<PaymentDoc> => conn.model<PaymentDoc>('Payment', paymentSchema as never);
