import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const AUDIT_CHANNELS = ['api', 'telegram', 'slack', 'terminal', 'webhook', 'job', 'system'] as const;
export type AuditChannel = (typeof AUDIT_CHANNELS)[number];

const auditSchema = new Schema(
  {
    at: { type: Date, required: true, default: () => new Date() },
    actorUserId: { type: Schema.Types.ObjectId, ref: 'User' },
    actorRole: { type: String },
    channel: { type: String, enum: AUDIT_CHANNELS, required: true },
    action: { type: String, required: true },
    targetType: { type: String },
    targetId: { type: String },
    requestId: { type: String },
    outcome: { type: String, enum: ['success', 'failure'], default: 'success' },
    metadata: { type: Schema.Types.Mixed },
  },
  { collection: 'auditLog', versionKey: false },
);
auditSchema.index({ at: -1, _id: -1 });
auditSchema.index({ actorUserId: 1, at: -1 });
auditSchema.index({ action: 1, at: -1 });

// The audit log is append-only: any attempt to change or remove an entry through mongoose is a bug.
for (const op of ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete', 'findOneAndReplace'] as const) {
  auditSchema.pre(op, function refuse() {
    throw new Error(`auditLog is append-only (${op} refused)`);
  });
}

export interface AuditEntryDoc {
  _id: Types.ObjectId;
  at: Date;
  actorUserId?: Types.ObjectId;
  actorRole?: string;
  channel: AuditChannel;
  action: string;
  targetType?: string;
  targetId?: string;
  requestId?: string;
  outcome: 'success' | 'failure';
  metadata?: Record<string, unknown>;
}
export const auditEntryModel = (conn: Connection): Model<AuditEntryDoc> => conn.model<AuditEntryDoc>('AuditEntry', auditSchema as never);
