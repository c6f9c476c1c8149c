import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * Notification outbox: services write here; the chat adapters deliver to linked chats and mark them delivered.
 * Stored first so a notification survives a crash or a chat outage.
 */
const notificationSchema = new Schema<NotificationDoc>(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    data: { type: Schema.Types.Mixed },
    /** One notification per cause, e.g. "payment:<id>:success". */
    dedupeKey: { type: String, unique: true, sparse: true },
    deliveredAt: { type: Date },
  },
  { timestamps: true, collection: 'notifications' },
);
notificationSchema.index({ userId: 1, createdAt: -1, _id: -1 });
notificationSchema.index({ deliveredAt: 1, createdAt: 1 });

export interface NotificationDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  kind: string;
  title: string;
  body: string;
  data?: Record<string, unknown>;
  dedupeKey?: string;
  deliveredAt?: Date;
  createdAt: Date;
}
export const notificationModel = (conn: Connection): Model<NotificationDoc> => conn.model<NotificationDoc>('Notification', notificationSchema);
