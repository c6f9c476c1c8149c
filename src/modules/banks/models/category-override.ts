import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { CATEGORIES, type Category } from '../../ledger/services/categorize.js';

/**
 * A user's own rule: descriptions containing `match` (compared as the ledger normalises descriptions) get
 * `category`, before the built-in rules. Applied to new rows from sync and notifications, and to the user's
 * existing rule-categorised rows when the override is saved.
 */
export interface CategoryOverride {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  /** Normalised text (lower case letters and digits) so "KOPI KENANGAN" and "kopi-kenangan" are one override. */
  match: string;
  category: Category;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<CategoryOverride>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    match: { type: String, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
  },
  { timestamps: true, collection: 'bankCategoryOverrides' },
);
schema.index({ userId: 1, match: 1 }, { unique: true });

export type CategoryOverrideModel = Model<CategoryOverride>;
export const categoryOverrideModel = (conn: Connection): CategoryOverrideModel => conn.model<CategoryOverride>('BankCategoryOverride', schema);
