/**
 * Connecting a bank account needs the account holder's consent at the bank (SNAP account binding): the bank
 * checks the account exists, asks its holder (OTP), and only then issues a per-account token. The ledger account
 * is created only after that confirmation, never from an account number alone — otherwise anyone could read
 * anyone's account. Disconnecting unbinds at the bank, drops the stored token, and keeps history unless asked.
 */
import { Types } from 'mongoose';
import { AppError, validationFailed } from '../../../lib/errors.js';
import { maskAccountNumber, type FieldCipher } from '../../../lib/crypto.js';
import type { Account, AccountModel, SyncFrequency } from '../../ledger/models/account.js';
import type { LedgerTransactionModel } from '../../ledger/models/transaction.js';
import type { BankConnection, BankConnectionModel } from '../models/bank-connection.js';
import { SnapError } from '../providers/snap/errors.js';
import type { SnapClient } from '../providers/snap/client.js';
import { BANK_CODES, type BankCode } from '../providers/snap/types.js';
import { accountNumberHash } from '../../ledger/services/account-number.js';

export interface BankConnectDeps {
  accounts: AccountModel;
  transactions: LedgerTransactionModel;
  connections: BankConnectionModel;
  clientFor(bank: string): SnapClient | undefined;
  cipher: FieldCipher;
  now?: () => Date;
}

export type ConnectResult =
  | { status: 'connected'; account: Account }
  | { status: 'otp_required'; connectionId: string; bank: BankCode; accountNumberMasked: string; expiresAt?: string };

export class BankConnectService {
  private readonly now: () => Date;
  constructor(private readonly deps: BankConnectDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async connect(userId: Types.ObjectId, input: { bank: string; accountNumber: string; name?: string; syncFrequency?: SyncFrequency; askOtp?: boolean }): Promise<ConnectResult> {
    const bank = input.bank.toUpperCase() as BankCode;
    if (!(BANK_CODES as readonly string[]).includes(bank)) throw validationFailed([{ field: 'bank', reason: `must be one of ${BANK_CODES.join(', ')}`, in: 'body' }]);
    const accountNo = input.accountNumber.replace(/[\s-]/g, '');
    if (!/^\d{6,20}$/.test(accountNo)) throw validationFailed([{ field: 'accountNumber', reason: 'must be 6 to 20 digits', in: 'body' }]);
    const client = this.deps.clientFor(bank);
    if (!client) throw new AppError('SERVICE_UNAVAILABLE', `${bank} is not enabled on this hub`);
    const hash = accountNumberHash(bank, accountNo);

    const existing = await this.deps.accounts.findOne({ userId, accountNumberHash: hash, kind: 'bank', status: 'active' }).lean();
    if (existing && (await this.deps.connections.exists({ accountId: existing._id, status: 'active' }))) return { status: 'connected', account: existing };

    let binding;
    try {
      binding = await client.bindAccount({ accountNo, askOtp: input.askOtp });
    } catch (err) {
      if (err instanceof SnapError && (err.kind === 'invalid_account' || err.kind === 'inactive_account')) {
        throw new AppError('UNPROCESSABLE', err.kind === 'invalid_account' ? `${bank} does not know this account number` : `${bank} says this account is not active`, { details: { field: 'accountNumber', bank } });
      }
      throw err;
    }
    const base = { userId, bank, accountNumberHash: hash, accountNumberSealed: this.deps.cipher.encrypt(accountNo), consecutiveFailures: 0 };
    if (binding.status === 'bound') {
      const connection = await this.deps.connections.create({ ...base, status: 'active', accountTokenSealed: this.deps.cipher.encrypt(binding.accountToken), accountName: binding.accountName, consentedAt: this.now() });
      return { status: 'connected', account: await this.activate(connection.toObject(), input) };
    }
    if (binding.status === 'redirect') throw new AppError('SERVICE_UNAVAILABLE', `${bank} asks for consent on its own site, which this hub does not support yet`);
    const connection = await this.deps.connections.create({ ...base, status: 'pending_consent', bindingReference: binding.referenceNo, bindingExpiresAt: binding.otpExpiresAt ? new Date(binding.otpExpiresAt) : new Date(this.now().getTime() + 5 * 60_000) });
    return { status: 'otp_required', connectionId: String(connection._id), bank, accountNumberMasked: maskAccountNumber(accountNo), expiresAt: binding.otpExpiresAt };
  }

  async confirmOtp(userId: Types.ObjectId, input: { connectionId: string; otp: string; name?: string; syncFrequency?: SyncFrequency }): Promise<{ status: 'connected'; account: Account }> {
    if (!Types.ObjectId.isValid(input.connectionId)) throw new AppError('NOT_FOUND', 'pending connection not found');
    if (!/^\d{4,8}$/.test(input.otp)) throw validationFailed([{ field: 'otp', reason: 'must be the 4 to 8 digit code the bank sent', in: 'body' }]);
    const pending = await this.deps.connections.findOne({ _id: new Types.ObjectId(input.connectionId), userId, status: 'pending_consent' }).lean();
    if (!pending) throw new AppError('NOT_FOUND', 'pending connection not found');
    if (pending.bindingExpiresAt && pending.bindingExpiresAt < this.now()) throw new AppError('UNPROCESSABLE', 'the OTP has expired; start connecting again');
    const client = this.deps.clientFor(pending.bank);
    if (!client) throw new AppError('SERVICE_UNAVAILABLE', `${pending.bank} is not enabled on this hub`);
    let bound;
    try {
      bound = await client.verifyBindingOtp({ referenceNo: pending.bindingReference!, otp: input.otp });
    } catch (err) {
      if (err instanceof SnapError && (err.kind === 'bad_request' || err.kind === 'invalid_account')) throw new AppError('UNPROCESSABLE', 'the bank did not accept this OTP', { details: { field: 'otp' } });
      throw err;
    }
    const activated = await this.deps.connections.findOneAndUpdate(
      { _id: pending._id, status: 'pending_consent' },
      { $set: { status: 'active', accountTokenSealed: this.deps.cipher.encrypt(bound.accountToken), accountName: bound.accountName, consentedAt: this.now() }, $unset: { bindingReference: 1, bindingExpiresAt: 1 } },
      { new: true },
    );
    if (!activated) throw new AppError('CONFLICT', 'this connection was already confirmed');
    return { status: 'connected', account: await this.activate(activated.toObject(), input) };
  }

  async disconnect(userId: Types.ObjectId, accountId: Types.ObjectId, options: { purge?: boolean } = {}): Promise<{ purgedTransactions: number }> {
    const account = await this.deps.accounts.findOne({ _id: accountId, userId, kind: 'bank' }).lean();
    if (!account) throw new AppError('NOT_FOUND', 'account not found');
    const connections = await this.deps.connections.find({ accountId, userId, status: 'active' }).lean();
    for (const c of connections) {
      // Best effort at the bank: the consent is revoked on our side whatever the bank answers.
      const client = this.deps.clientFor(c.bank);
      if (client && c.accountTokenSealed) await client.unbindAccount({ accountToken: this.deps.cipher.decrypt(c.accountTokenSealed) }).catch(() => undefined);
    }
    await this.deps.connections.updateMany({ accountId, userId, status: { $ne: 'revoked' } }, { $set: { status: 'revoked', revokedAt: this.now() }, $unset: { accountTokenSealed: 1, syncLock: 1 } });
    await this.deps.accounts.updateOne({ _id: accountId }, { $set: { status: 'disconnected', syncFrequency: 'manual' } });
    if (!options.purge) return { purgedTransactions: 0 };
    const purged = await this.deps.transactions.deleteMany({ accountId, userId });
    return { purgedTransactions: purged.deletedCount ?? 0 };
  }

  /** The ledger account behind a confirmed connection: reused when the user had it before (reconnect, import). */
  private async activate(connection: BankConnection, input: { name?: string; syncFrequency?: SyncFrequency }): Promise<Account> {
    const accountNo = this.deps.cipher.decrypt(connection.accountNumberSealed);
    const account = await this.deps.accounts.findOneAndUpdate(
      { userId: connection.userId, accountNumberHash: connection.accountNumberHash },
      {
        $set: { kind: 'bank', bank: connection.bank, accountNumberSealed: connection.accountNumberSealed, accountNumberMasked: maskAccountNumber(accountNo), connectionId: connection._id, status: 'active', ...(input.syncFrequency ? { syncFrequency: input.syncFrequency } : {}) },
        $setOnInsert: { userId: connection.userId, accountNumberHash: connection.accountNumberHash, name: input.name ?? `${connection.bank} ${maskAccountNumber(accountNo)}`, currency: 'IDR', ...(input.syncFrequency ? {} : { syncFrequency: 'daily' }) },
      },
      { upsert: true, new: true },
    );
    await this.deps.connections.updateOne({ _id: connection._id }, { $set: { accountId: account!._id } });
    return account!.toObject();
  }
}
