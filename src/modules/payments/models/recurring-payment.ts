import { Schema, type Connection, type Model, type Types } from 'mongoose';

const recurringSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true, index: true },
    status: { type: String, enum: ['active', 'cancelled', 'completed'], required: true, default: 'active' },
    /**
     * The payment each run makes (same shape as a one-off request, without an Idempotency-Key), its card token and
     * phone number sealed (cardTokenEnc, mobileNumberEnc, mobileNumberMasked: see services/payments/sealed-fields.ts).
     */
    template: { type: Schema.Types.Mixed, required: true },
    recurrence: { type: Schema.Types.Mixed, required: true },
    startAt: { type: Date, required: true },
    endAt: { type: Date },
    maxRuns: { type: Number },
    /** Index of the next run to make; advanced atomically from the value the run saw, so a run is never made twice. */
    nextRunIndex: { type: Number, required: true, default: 0 },
    nextRunAt: { type: Date },
    retry: { maxRetries: { type: Number, default: 3 }, baseDelayMs: { type: Number, default: 60_000 } },
    lastRun: { index: Number, paymentId: Schema.Types.ObjectId, status: String, at: Date, error: String },
    dedupeKey: { type: String, unique: true, sparse: true },
    requestHash: { type: String },
    cancelledAt: { type: Date },
  },
  { timestamps: true, collection: 'recurringPayments' },
);

export interface RecurringPaymentDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  status: 'active' | 'cancelled' | 'completed';
  template: Record<string, unknown>;
  recurrence: Record<string, unknown>;
  startAt: Date;
  endAt?: Date;
  maxRuns?: number;
  nextRunIndex: number;
  nextRunAt?: Date;
  retry: { maxRetries: number; baseDelayMs: number };
  lastRun?: { index: number; paymentId?: Types.ObjectId; status: string; at: Date; error?: string };
  dedupeKey?: string;
  requestHash?: string;
  cancelledAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}
export const recurringPaymentModel = (conn: Connection): Model<RecurringPaymentDoc> =>
  conn.model<RecurringPaymentDoc>('RecurringPayment', recurringSchema as never);
