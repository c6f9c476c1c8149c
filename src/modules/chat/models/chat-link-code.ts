import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * One-time link codes. Only a hash is stored (a leaked collection cannot be used to link), each code lasts ten
 * minutes and is consumed by one atomic update, so two chats racing with the same code cannot both link.
 * Expired codes are purged by the chat maintenance job (no TTL index: the embedded database has none).
 */
const chatLinkCodeSchema = new Schema(
  {
    codeHash: { type: String, required: true, unique: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    usedBy: { type: String },
  },
  { timestamps: true, collection: 'chatLinkCodes' },
);
chatLinkCodeSchema.index({ expiresAt: 1 });

export interface ChatLinkCodeDoc {
  _id: Types.ObjectId;
  codeHash: string;
  userId: Types.ObjectId;
  expiresAt: Date;
  usedAt?: Date;
  usedBy?: string;
}

export const chatLinkCodeModel = (conn: Connection): Model<ChatLinkCodeDoc> => conn.model<ChatLinkCodeDoc>('ChatLinkCode', chatLinkCodeSchema as never);
