import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A place money sits: a bank account connected over SNAP BI, an account known only from imported statements, or
 * the user's cash wallet for manual entries. Bank sync, statement import and manual entries all write their
 * transactions against one of these, so there is one ledger per user whatever the source.
 */
export const ACCOUNT_KINDS = ['bank', 'import', 'cash'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export const SYNC_FREQUENCIES = ['hourly', 'daily', 'weekly', 'manual'] as const;
export type SyncFrequency = (typeof SYNC_FREQUENCIES)[number];

export interface Account {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  kind: AccountKind;
  /** Bank code (BCA, MANDIRI, BNI, BRI, CIMB, DANAMON) for bank and import accounts. */
  bank?: string;
  /** AES-GCM sealed account number (FieldCipher); never returned. */
  accountNumberSealed?: string;
  /** SHA-256 of bank + account number, so the same account is found again without decrypting every row. */
  accountNumberHash?: string;
  /** For display only: all but the last four digits hidden. */
  accountNumberMasked?: string;
  name: string;
  currency: string;
  balanceMinor?: number;
  availableBalanceMinor?: number;
  balanceAt?: Date;
  /** The bank connection (consent, encrypted per-account token) behind a kind=bank account. */
  connectionId?: Types.ObjectId;
  syncFrequency: SyncFrequency;
  lastSyncedAt?: Date;
  /** Statement date up to which transactions are known complete; the next sync starts here minus an overlap. */
  syncedThrough?: Date;
  status: 'active' | 'disconnected';
  createdAt: Date;
  updatedAt: Date;
}

const accountSchema = new Schema<Account>(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    kind: { type: String, enum: ACCOUNT_KINDS, required: true },
    bank: { type: String },
    accountNumberSealed: { type: String },
    accountNumberHash: { type: String },
    accountNumberMasked: { type: String },
    name: { type: String, required: true },
    currency: { type: String, required: true, default: 'IDR' },
    balanceMinor: { type: Number },
    availableBalanceMinor: { type: Number },
    balanceAt: { type: Date },
    connectionId: { type: Schema.Types.ObjectId },
    syncFrequency: { type: String, enum: SYNC_FREQUENCIES, required: true, default: 'manual' },
    lastSyncedAt: { type: Date },
    syncedThrough: { type: Date },
    status: { type: String, enum: ['active', 'disconnected'], required: true, default: 'active' },
  },
  { timestamps: true, collection: 'bankAccounts' },
);
accountSchema.index({ userId: 1, createdAt: 1 });
// One account per user per bank account number (a user connecting the same account twice finds the first). Partial,
// not sparse: a compound sparse index still holds documents missing one field, so every cash account would collide.
accountSchema.index({ userId: 1, accountNumberHash: 1 }, { unique: true, partialFilterExpression: { accountNumberHash: { $type: 'string' } } });

export type AccountModel = Model<Account>;
export const accountModel = (conn: Connection): AccountModel => conn.model<Account>('BankAccount', accountSchema);
