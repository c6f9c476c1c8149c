import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A bank account a user linked for direct debit (a Xendit customer + payment method). The provider's token for the
 * linked account lets whoever holds it debit the account, so it is stored only encrypted (FieldCipher) and never
 * returned; the customer reference is an id at the provider, not a secret.
 */
const linkedAccountSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    provider: { type: String, enum: ['xendit'], required: true },
    method: { type: String, enum: ['direct_debit_bri', 'direct_debit_mandiri'], required: true },
    channel: { type: String, enum: ['BRI', 'MANDIRI'], required: true },
    customerRef: { type: String, required: true },
    tokenEnc: { type: String, required: true },
    status: { type: String, enum: ['pending', 'active', 'failed', 'unlinked'], required: true },
    providerStatus: { type: String },
    /** What the account holder must do next while pending: type the OTP the bank sent, or approve on the bank's page. */
    nextStep: { _id: false, kind: { type: String, enum: ['otp', 'redirect', 'none'] }, url: String },
    accountLabel: { type: String },
    otpAttempts: { type: Number, default: 0 },
    activatedAt: { type: Date },
    unlinkedAt: { type: Date },
  },
  { timestamps: true, collection: 'linkedAccounts' },
);
linkedAccountSchema.index({ userId: 1, method: 1, status: 1 });

export interface LinkedAccountDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  provider: 'xendit';
  method: 'direct_debit_bri' | 'direct_debit_mandiri';
  channel: 'BRI' | 'MANDIRI';
  customerRef: string;
  tokenEnc: string;
  status: 'pending' | 'active' | 'failed' | 'unlinked';
  providerStatus?: string;
  nextStep?: { kind: 'otp' | 'redirect' | 'none'; url?: string };
  accountLabel?: string;
  otpAttempts: number;
  activatedAt?: Date;
  unlinkedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const linkedAccountModel = (conn: Connection): Model<LinkedAccountDoc> => conn.model<LinkedAccountDoc>('LinkedAccount', linkedAccountSchema as never);
