import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const AUDIT_CHANNELS = ['api', 'telegram', 'slack', 'terminal', 'webhook', 'job', 'system'] as const;
export type AuditChannel = (typeof AUDIT_CHANNELS)[number];

const auditSchema = new Schema<AuditEntryDoc>(
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

/**
 * The audit log is append-only: an entry, once written, is evidence, so every way mongoose offers to change or
 * remove one is refused here (a refusal means a bug, not a user error). Only the raw driver collection, which no
 * code uses for this model, could bypass it; a production database should also grant the hub insert and find
 * only on auditLog.
 */
export class AuditLogAppendOnlyError extends Error {
  constructor(operation: string) {
    super(`auditLog is append-only (${operation} refused)`);
    this.name = 'AuditLogAppendOnlyError';
  }
}

// Query middleware: Model.updateOne/…/findOneAndDelete, and doc.updateOne()/doc.deleteOne(), which run through them.
for (const op of ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete', 'findOneAndReplace'] as const) {
  auditSchema.pre(op, function refuse() {
    throw new AuditLogAppendOnlyError(op);
  });
}

// doc.save() inserts a new entry but would write the changes of a loaded one back.
auditSchema.pre('save', function refuseChange() {
  if (!this.isNew) throw new AuditLogAppendOnlyError('save of an existing entry');
});

// Model.bulkWrite (and Model.bulkSave, which goes through it) takes inserts only.
auditSchema.pre('bulkWrite', function refuseAllButInserts(ops: ReadonlyArray<Record<string, unknown>>) {
  const other = ops.map((op) => Object.keys(op)[0]).find((kind) => kind !== 'insertOne');
  if (other !== undefined) throw new AuditLogAppendOnlyError(`bulkWrite ${other}`);
});

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
export const auditEntryModel = (conn: Connection): Model<AuditEntryDoc> => conn.model<AuditEntryDoc>('AuditEntry', auditSchema);
