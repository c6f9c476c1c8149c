import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** Only the SHA-256 of a key is stored; the key itself is shown once, at creation. */
const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true, index: true },
    keyHash: { type: String, required: true, unique: true },
    /** First characters of the key, so a user can tell their keys apart without the secret. */
    prefix: { type: String, required: true },
    label: { type: String, default: 'default' },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: true, collection: 'apiKeys' },
);

export interface ApiKeyDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  keyHash: string;
  prefix: string;
  label: string;
  lastUsedAt?: Date;
  revokedAt?: Date;
  createdAt: Date;
}
export const apiKeyModel = (conn: Connection): Model<ApiKeyDoc> => conn.model<ApiKeyDoc>('ApiKey', apiKeySchema);
