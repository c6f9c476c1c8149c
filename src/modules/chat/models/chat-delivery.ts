import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * One notification to one linked chat. The unique pair is what makes "each delivered once per chat" hold across
 * job retries and several hub processes: a delivery is claimed by inserting its row, sent, then marked sent.
 */
const chatDeliverySchema = new Schema(
  {
    notificationId: { type: Schema.Types.ObjectId, required: true },
    identityId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['sending', 'waiting', 'sent', 'failed'], required: true },
    attempts: { type: Number, default: 0 },
    /** When a rate-limited or failed send may be tried again (the platform's retry_after). */
    nextAttemptAt: { type: Date },
    claimedAt: { type: Date },
    lastError: { type: String },
    sentAt: { type: Date },
  },
  { timestamps: true, collection: 'chatDeliveries' },
);
chatDeliverySchema.index({ notificationId: 1, identityId: 1 }, { unique: true });
chatDeliverySchema.index({ status: 1, nextAttemptAt: 1 });

export interface ChatDeliveryDoc {
  _id: Types.ObjectId;
  notificationId: Types.ObjectId;
  identityId: Types.ObjectId;
  status: 'sending' | 'waiting' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt?: Date;
  claimedAt?: Date;
  lastError?: string;
  sentAt?: Date;
}

export const chatDeliveryModel = (conn: Connection): Model<ChatDeliveryDoc> => conn.model<ChatDeliveryDoc>('ChatDelivery', chatDeliverySchema as never);
