import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** Where a ledger row came from. The same transaction from two sources is stored once (see services/fingerprint.ts). */
export const TRANSACTION_SOURCES = ['sync', 'notification', 'import', 'manual'] as const;
export type TransactionSource = (typeof TRANSACTION_SOURCES)[number];

export interface LedgerTransaction {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  accountId: Types.ObjectId;
  source: TransactionSource;
  /** Booking date as the bank prints it, in Jakarta: 'YYYY-MM-DD'. */
  date: string;
  /** When it happened, UTC (midnight Jakarta of `date` when the source gives no time). Sort key. */
  bookedAt: Date;
  /** Signed: credit positive, debit negative; ISO 4217 minor units of `currency`. */
  amountMinor: number;
  currency: string;
  balanceMinor?: number;
  description: string;
  /** The bank's own id for the row, when it gives one. */
  externalId?: string;
  /** `${accountId}:${externalId}`, unique when present (one field, so a sparse unique index works everywhere). */
  externalKey?: string;
  /** Content fingerprint over account, date, amount, normalised description and occurrence index; unique. */
  fingerprint: string;
  /** The fingerprint without the occurrence index: rows sharing it are "the same purchase again". */
  contentKey: string;
  category: string;
  categorySource: 'rule' | 'user' | 'import';
  tags: string[];
  /** A transfer between two of the user's own accounts: neither spending nor income. */
  ownTransfer: boolean;
  pending?: boolean;
  importJobId?: Types.ObjectId;
  syncRunId?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const transactionSchema = new Schema<LedgerTransaction>(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'BankAccount', required: true },
    source: { type: String, enum: TRANSACTION_SOURCES, required: true },
    date: { type: String, required: true },
    bookedAt: { type: Date, required: true },
    amountMinor: { type: Number, required: true },
    currency: { type: String, required: true },
    balanceMinor: { type: Number },
    description: { type: String, required: true },
    externalId: { type: String },
    externalKey: { type: String },
    fingerprint: { type: String, required: true },
    contentKey: { type: String, required: true },
    category: { type: String, required: true, default: 'uncategorized' },
    categorySource: { type: String, enum: ['rule', 'user', 'import'], required: true, default: 'rule' },
    tags: { type: [String], default: [] },
    ownTransfer: { type: Boolean, required: true, default: false },
    pending: { type: Boolean },
    importJobId: { type: Schema.Types.ObjectId },
    syncRunId: { type: Schema.Types.ObjectId },
  },
  { timestamps: true, collection: 'bankTransactions' },
);
transactionSchema.index({ fingerprint: 1 }, { unique: true });
transactionSchema.index({ externalKey: 1 }, { unique: true, sparse: true });
// History of one account, newest first, keyset-paged by (bookedAt, _id).
transactionSchema.index({ accountId: 1, bookedAt: -1, _id: -1 });
// All of a user's accounts, newest first; and totals by category and month.
transactionSchema.index({ userId: 1, bookedAt: -1, _id: -1 });
transactionSchema.index({ userId: 1, category: 1, bookedAt: -1 });
transactionSchema.index({ accountId: 1, contentKey: 1 });

export type LedgerTransactionModel = Model<LedgerTransaction>;
export const ledgerTransactionModel = (conn: Connection): LedgerTransactionModel =>
  conn.model<LedgerTransaction>('BankTransaction', transactionSchema);
