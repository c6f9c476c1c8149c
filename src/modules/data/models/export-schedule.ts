import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const EXPORT_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type ExportFrequency = (typeof EXPORT_FREQUENCIES)[number];

/**
 * A recurring export: every day / Monday / 1st of the month at `hour` Asia/Jakarta, the previous day / week /
 * month of the user's transactions in one format, kept for download (ExportFile) and announced in the outbox.
 */
export interface ExportSchedule {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  frequency: ExportFrequency;
  format: 'csv' | 'xlsx' | 'json' | 'pdf';
  /** 0–23, Jakarta. */
  hour: number;
  filter: { accountId?: string; type?: 'credit' | 'debit'; category?: string };
  status: 'active' | 'cancelled';
  /** The run Agenda holds a job for; a job whose planned time is not this one is stale and does nothing. */
  nextRunAt: Date;
  lastRunAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<ExportSchedule>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    frequency: { type: String, enum: EXPORT_FREQUENCIES, required: true },
    format: { type: String, enum: ['csv', 'xlsx', 'json', 'pdf'], required: true },
    hour: { type: Number, required: true, min: 0, max: 23 },
    filter: { type: new Schema({ accountId: String, type: String, category: String }, { _id: false }), default: {} },
    status: { type: String, enum: ['active', 'cancelled'], required: true, default: 'active' },
    nextRunAt: { type: Date, required: true },
    lastRunAt: Date,
  },
  { timestamps: true, collection: 'exportSchedules' },
);
schema.index({ userId: 1, createdAt: -1 });

export type ExportScheduleModel = Model<ExportSchedule>;
export const exportScheduleModel = (conn: Connection): ExportScheduleModel => conn.model<ExportSchedule>('ExportSchedule', schema);
