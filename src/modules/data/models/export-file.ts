import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A file a scheduled export produced, kept under DATA_DIR/exports/<userId>/ for download. */
export interface ExportFile {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  scheduleId: Types.ObjectId;
  /** The scheduled run this file answers; unique with scheduleId, so a re-run after a crash reuses it. */
  plannedFor: Date;
  format: string;
  fileName: string;
  /** Relative to DATA_DIR/exports. */
  path: string;
  size: number;
  rows: number;
  period: { from: string; to: string };
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<ExportFile>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    scheduleId: { type: Schema.Types.ObjectId, required: true },
    plannedFor: { type: Date, required: true },
    format: { type: String, required: true },
    fileName: { type: String, required: true },
    path: { type: String, required: true },
    size: { type: Number, required: true },
    rows: { type: Number, required: true },
    period: { type: new Schema({ from: String, to: String }, { _id: false }), required: true },
  },
  { timestamps: true, collection: 'exportFiles' },
);
schema.index({ scheduleId: 1, plannedFor: 1 }, { unique: true });
schema.index({ userId: 1, createdAt: -1 });

export type ExportFileModel = Model<ExportFile>;
export const exportFileModel = (conn: Connection): ExportFileModel => conn.model<ExportFile>('ExportFile', schema);
