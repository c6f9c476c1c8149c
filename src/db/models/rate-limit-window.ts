import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * One document per (subject, fixed window). Kept in MongoDB, not memory, so several hub processes share the count.
 * Old windows are removed by the maintenance job rather than a TTL index (the offline emulator has no TTL sweeper).
 */
const rateLimitSchema = new Schema<RateLimitWindowDoc>(
  {
    subject: { type: String, required: true },
    windowStart: { type: Date, required: true },
    count: { type: Number, required: true, default: 0 },
    expiresAt: { type: Date, required: true, index: true },
  },
  { collection: 'rateLimitWindows', versionKey: false },
);
rateLimitSchema.index({ subject: 1, windowStart: 1 }, { unique: true });

export interface RateLimitWindowDoc {
  _id: Types.ObjectId;
  subject: string;
  windowStart: Date;
  count: number;
  expiresAt: Date;
}
export const rateLimitWindowModel = (conn: Connection): Model<RateLimitWindowDoc> =>
  conn.model<RateLimitWindowDoc>('RateLimitWindow', rateLimitSchema);
