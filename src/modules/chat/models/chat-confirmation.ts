import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * Button groups waiting for a press (Confirm/Cancel). Stored in MongoDB so any hub process can take the press, and
 * consumed by one guarded update (`usedAt` unset → set), so a double press or a platform retry has one effect.
 */
const chatConfirmationSchema = new Schema(
  {
    groupId: { type: String, required: true, unique: true },
    ownerKey: { type: String, required: true },
    options: { type: [{ command: String, action: String, payload: Schema.Types.Mixed, _id: false }], required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    pressedIndex: { type: Number },
  },
  { timestamps: true, collection: 'chatConfirmations' },
);
chatConfirmationSchema.index({ expiresAt: 1 });

export interface ChatConfirmationDoc {
  _id: Types.ObjectId;
  groupId: string;
  ownerKey: string;
  options: { command: string; action: string; payload: Record<string, unknown> }[];
  expiresAt: Date;
  usedAt?: Date;
  pressedIndex?: number;
}

export const chatConfirmationModel = (conn: Connection): Model<ChatConfirmationDoc> => conn.model<ChatConfirmationDoc>('ChatConfirmation', chatConfirmationSchema as never);
