import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A user's saved column mapping for their own spreadsheets (column → field, date format, separators, sign
 * convention), reused by name or id on the next validate/import instead of sending the JSON again.
 */
export interface ImportMapping {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
  /** A mapping as mappingSchema (services/templates/generic.ts) accepts it; stored after validation. */
  mapping: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<ImportMapping>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    mapping: { type: Schema.Types.Mixed, required: true },
  },
  { timestamps: true, collection: 'importMappings' },
);
// One name per user: saving "BCA card" twice is a conflict, not two entries the user cannot tell apart.
schema.index({ userId: 1, name: 1 }, { unique: true });

export type ImportMappingModel = Model<ImportMapping>;
export const importMappingModel = (conn: Connection): ImportMappingModel => conn.model<ImportMapping>('ImportMapping', schema);
