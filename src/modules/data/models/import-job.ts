import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { RowError } from '../services/model.js';

/** One statement import: its progress while it runs and its result after (imported / duplicates / rejected with reasons). */
export interface ImportJob {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  accountId: Types.ObjectId;
  fileName: string;
  status: 'running' | 'done' | 'failed';
  format?: string;
  template?: string;
  processed: number;
  imported: number;
  duplicates: number;
  rejected: number;
  pending: number;
  /** The first 500 rejected rows with their reasons. */
  errors: RowError[];
  checks: { check: string; ok: boolean; message: string }[];
  failure?: string;
  finishedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<ImportJob>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, required: true },
    fileName: { type: String, required: true },
    status: { type: String, enum: ['running', 'done', 'failed'], required: true },
    format: String,
    template: String,
    processed: { type: Number, default: 0 },
    imported: { type: Number, default: 0 },
    duplicates: { type: Number, default: 0 },
    rejected: { type: Number, default: 0 },
    pending: { type: Number, default: 0 },
    errors: { type: [{ _id: false, row: Number, field: String, message: String }], default: [] },
    checks: { type: [{ _id: false, check: String, ok: Boolean, message: String }], default: [] },
    failure: String,
    finishedAt: Date,
  },
  { timestamps: true, collection: 'importJobs', suppressReservedKeysWarning: true },
);
schema.index({ userId: 1, createdAt: -1 });

export type ImportJobModel = Model<ImportJob>;
export const importJobModel = (conn: Connection): ImportJobModel => conn.model<ImportJob>('ImportJob', schema);
