import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** One attempt to bring an account up to date, kept for the user (what happened) and for the success-rate metric. */
export const SYNC_TRIGGERS = ['manual', 'schedule', 'notification', 'connect'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

export interface SyncRun {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  accountId: Types.ObjectId;
  bank: string;
  trigger: SyncTrigger;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: Date;
  finishedAt?: Date;
  from?: Date;
  to?: Date;
  fetched: number;
  inserted: number;
  duplicates: number;
  errors: number;
  error?: { code: string; kind?: string; message: string };
}

const schema = new Schema<SyncRun>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, required: true },
    bank: { type: String, required: true },
    trigger: { type: String, enum: SYNC_TRIGGERS, required: true },
    status: { type: String, enum: ['running', 'succeeded', 'failed'], required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
    from: { type: Date },
    to: { type: Date },
    fetched: { type: Number, required: true, default: 0 },
    inserted: { type: Number, required: true, default: 0 },
    duplicates: { type: Number, required: true, default: 0 },
    errors: { type: Number, required: true, default: 0 },
    error: { type: new Schema({ code: String, kind: String, message: String }, { _id: false }) },
  },
  // 'errors' is the run's error count, as the sync API reports it; mongoose only warns that documents also have an errors property.
  { collection: 'bankSyncRuns', suppressReservedKeysWarning: true },
);
schema.index({ accountId: 1, startedAt: -1 });
schema.index({ bank: 1, finishedAt: -1 });

export type SyncRunModel = Model<SyncRun>;
export const syncRunModel = (conn: Connection): SyncRunModel => conn.model<SyncRun>('BankSyncRun', schema);
