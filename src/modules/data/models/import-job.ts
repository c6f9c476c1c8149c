import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { RowError } from '../services/model.js';

/**
 * One statement import: its progress while it runs and its result after (imported / duplicates / rejected with
 * reasons). The uploaded file waits in DATA_DIR/imports/<_id> until the Agenda job `data.import` has read it; the
 * parse options are kept here so any hub process can run (or resume) the job.
 */
export interface ImportJob {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  accountId: Types.ObjectId;
  fileName: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  format?: string;
  template?: string;
  /** What the worker parses the file with: the template/mapping/currency given (or resolved from a saved mapping). */
  parse: { template?: string; mapping?: Record<string, unknown>; currency?: string };
  /** Valid rows already written to the ledger: a resumed run skips their writes (it still counts them). */
  checkpoint: { validRows: number; imported: number; duplicates: number };
  attempts: number;
  startedAt?: Date;
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
    status: { type: String, enum: ['queued', 'running', 'done', 'failed'], required: true },
    format: String,
    template: String,
    parse: { type: new Schema({ template: String, mapping: Schema.Types.Mixed, currency: String }, { _id: false }), default: {} },
    checkpoint: { type: new Schema({ validRows: Number, imported: Number, duplicates: Number }, { _id: false }), default: () => ({ validRows: 0, imported: 0, duplicates: 0 }) },
    attempts: { type: Number, default: 0 },
    startedAt: Date,
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
