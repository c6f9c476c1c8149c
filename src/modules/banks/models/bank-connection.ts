import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A user's consent for the hub to read one bank account: the binding the bank confirmed (after its OTP) and the
 * per-account token it issued, sealed with FieldCipher. The hub's own partner credentials (BANK_<CODE>_*) are config,
 * not stored here. One sync at a time per account is enforced by the `syncLock` guard on this document.
 */
/**
 * `failed`: consent never completed (the holder declined at the bank, the link expired, the bank refused the code).
 * `expired`: consent ended at the bank: the holder's token expired and the bank refused to refresh it (or there was
 * nothing to refresh it with). The holder connects again, which keeps the same ledger account.
 */
export const CONNECTION_STATUSES = ['pending_consent', 'active', 'revoked', 'failed', 'expired'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export interface BankConnection {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  bank: string;
  /** Set once the bank confirmed consent and the ledger account exists. */
  accountId?: Types.ObjectId;
  accountNumberHash: string;
  /** The account number sealed, kept while consent is pending (the account row does not exist yet). */
  accountNumberSealed: string;
  status: ConnectionStatus;
  /** How the bank asks its holder: an OTP relayed through the hub, or its own page (redirect, then an auth code). */
  consentKind?: 'otp' | 'redirect';
  /** The bank's binding reference while waiting for the OTP or the holder's visit to the bank's page. */
  bindingReference?: string;
  bindingExpiresAt?: Date;
  /**
   * Redirect consent: SHA-256 of the `state` the hub gave the bank. Only the hash is kept (the state travels in the
   * holder's browser); the callback finds the pending consent by it, and it is removed when used, so it works once.
   */
  bindingStateHash?: string;
  /** What the connect request asked for the account (its name, how often to sync), kept until consent completes. */
  requested?: { name?: string; syncFrequency?: string };
  /** Per-account token from the bank, sealed; removed on disconnect. */
  accountTokenSealed?: string;
  /** When the bank said the token ends (B2B2C tokens of redirect consent); binding tokens have none. */
  accountTokenExpiresAt?: Date;
  /** The refresh token that buys the next account token, sealed; banks rotate it on every refresh. */
  refreshTokenSealed?: string;
  refreshTokenExpiresAt?: Date;
  expiredAt?: Date;
  accountName?: string;
  consentedAt?: Date;
  revokedAt?: Date;
  syncLock?: { runId: Types.ObjectId; until: Date };
  consecutiveFailures: number;
  lastError?: string;
  /** The unique key of the scheduled sync job that is current; an older job finding another key here stands down. */
  scheduleKey?: string;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<BankConnection>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    bank: { type: String, required: true },
    accountId: { type: Schema.Types.ObjectId },
    accountNumberHash: { type: String, required: true },
    accountNumberSealed: { type: String, required: true },
    status: { type: String, enum: CONNECTION_STATUSES, required: true },
    consentKind: { type: String, enum: ['otp', 'redirect'] },
    bindingReference: { type: String },
    bindingExpiresAt: { type: Date },
    bindingStateHash: { type: String },
    requested: { type: new Schema({ name: String, syncFrequency: String }, { _id: false }) },
    accountTokenSealed: { type: String },
    accountTokenExpiresAt: { type: Date },
    refreshTokenSealed: { type: String },
    refreshTokenExpiresAt: { type: Date },
    expiredAt: { type: Date },
    accountName: { type: String },
    consentedAt: { type: Date },
    revokedAt: { type: Date },
    syncLock: { type: new Schema({ runId: Schema.Types.ObjectId, until: Date }, { _id: false }) },
    consecutiveFailures: { type: Number, required: true, default: 0 },
    lastError: { type: String },
    scheduleKey: { type: String },
  },
  { timestamps: true, collection: 'bankConnections' },
);
schema.index({ userId: 1, accountNumberHash: 1, status: 1 });
schema.index({ accountId: 1 });
schema.index({ bindingStateHash: 1 }, { unique: true, sparse: true });

export type BankConnectionModel = Model<BankConnection>;
export const bankConnectionModel = (conn: Connection): BankConnectionModel => conn.model<BankConnection>('BankConnection', schema);
