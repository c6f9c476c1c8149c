import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A batch is stored whole (all items in one document, so it is either fully recorded or not at all) and then
 * worked through by a job that creates one payment per item under a unique "batch:<id>:<index>" key.
 */
const batchSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true, index: true },
    status: { type: String, enum: ['queued', 'processing', 'completed'], required: true, default: 'queued' },
    /** Payment requests as sent, card tokens and phone numbers sealed (services/payments/sealed-fields.ts). */
    items: { type: [Schema.Types.Mixed], required: true },
    dedupeKey: { type: String, unique: true, sparse: true },
    requestHash: { type: String },
    completedAt: { type: Date },
    /** Items that could not become a payment when the job reached them (index → reason). */
    itemErrors: { type: [{ _id: false, index: Number, reason: String }], default: [] },
  },
  { timestamps: true, collection: 'paymentBatches' },
);

export interface PaymentBatchDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  status: 'queued' | 'processing' | 'completed';
  items: Record<string, unknown>[];
  dedupeKey?: string;
  requestHash?: string;
  completedAt?: Date;
  itemErrors?: { index: number; reason: string }[];
  createdAt: Date;
  updatedAt: Date;
}
export const paymentBatchModel = (conn: Connection): Model<PaymentBatchDoc> => conn.model<PaymentBatchDoc>('PaymentBatch', batchSchema as never);
