/**
 * Connecting a bank account needs the account holder's consent at the bank (SNAP account binding): the bank
 * checks the account exists, asks its holder, and only then issues a per-account token. The ledger account is
 * created only after that confirmation, never from an account number alone — otherwise anyone could read anyone's
 * account. Banks ask their holder one of two ways:
 *
 * - OTP: the bank texts its holder a code, the user gives it to the hub, the hub relays it (confirmOtp).
 * - Redirect: the bank answers with its own consent page; the holder approves there, and the bank sends the
 *   holder's browser back to the hub's callback with an auth code and the `state` the hub gave it. The state is
 *   random, bound to this user's pending consent (stored only as a hash), single-use and expiring; the code is
 *   exchanged for the customer's token server to server with the hub's signed credentials (completeRedirect).
 *
 * Disconnecting unbinds at the bank, drops the stored token, and keeps history unless asked.
 */
import { createHash, randomBytes } from 'node:crypto';
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
import { sealedTokenFields, TOKEN_FIELDS_UNSET } from './customer-tokens.js';
import { toJakartaIso } from '../../../lib/time.js';

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
  | { status: 'otp_required'; connectionId: string; bank: BankCode; accountNumberMasked: string; expiresAt?: string }
  | { status: 'redirect_required'; connectionId: string; bank: BankCode; accountNumberMasked: string; authorizationUrl: string; expiresAt: string };

/** What a consent (pending or finished) looks like to its user. */
export interface ConsentState {
  consentId: string;
  bank: string;
  kind: 'otp' | 'redirect';
  status: 'pending' | 'connected' | 'failed' | 'expired' | 'revoked';
  reason?: string;
  expiresAt?: Date;
  accountId?: Types.ObjectId;
}

/** How long the holder has to approve on the bank's page (the bank may say less). */
const REDIRECT_CONSENT_MS = 10 * 60_000;
/** The account name and sync frequency the connect request asked for, as activate takes them. */
const requestedOf = (pending: Pick<BankConnection, 'requested'>): { name?: string; syncFrequency?: SyncFrequency } => ({
  ...(pending.requested?.name ? { name: pending.requested.name } : {}),
  ...(pending.requested?.syncFrequency ? { syncFrequency: pending.requested.syncFrequency as SyncFrequency } : {}),
});
const stateHash = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');

export class BankConnectService {
  private readonly now: () => Date;
  constructor(private readonly deps: BankConnectDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * `consent`: go through the bank's consent step even where the (simulated) bank could confirm at once; it must be
   * the way this bank asks. `callbackUrl`: where a redirect bank sends its holder back (the hub's consent callback).
   */
  async connect(userId: Types.ObjectId, input: { bank: string; accountNumber: string; name?: string; syncFrequency?: SyncFrequency; consent?: 'otp' | 'redirect'; callbackUrl?: string }): Promise<ConnectResult> {
    const bank = input.bank.toUpperCase() as BankCode;
    if (!(BANK_CODES as readonly string[]).includes(bank)) throw validationFailed([{ field: 'bank', reason: `must be one of ${BANK_CODES.join(', ')}`, in: 'body' }]);
    const accountNo = input.accountNumber.replace(/[\s-]/g, '');
    if (!/^\d{6,20}$/.test(accountNo)) throw validationFailed([{ field: 'accountNumber', reason: 'must be 6 to 20 digits', in: 'body' }]);
    const client = this.deps.clientFor(bank);
    if (!client) throw new AppError('SERVICE_UNAVAILABLE', `${bank} is not enabled on this hub`);
    const kind = client.profile.consent;
    if (input.consent && input.consent !== kind) {
      throw validationFailed([{ field: 'consent', reason: kind === 'redirect' ? `${bank} asks its holder on its own page: use "redirect"` : `${bank} asks its holder with an OTP: use "otp"`, in: 'body' }]);
    }
    const hash = accountNumberHash(bank, accountNo);

    const existing = await this.deps.accounts.findOne({ userId, accountNumberHash: hash, kind: 'bank', status: 'active' }).lean();
    if (existing && (await this.deps.connections.exists({ accountId: existing._id, status: 'active' }))) return { status: 'connected', account: existing };

    // The state goes to the bank and comes back in the holder's browser; only its hash is stored.
    const state = kind === 'redirect' && input.callbackUrl ? randomBytes(32).toString('base64url') : undefined;
    let binding;
    try {
      binding = await client.bindAccount({
        accountNo,
        askOtp: input.consent === 'otp',
        redirect: state ? { url: input.callbackUrl!, state, asked: input.consent === 'redirect' } : undefined,
      });
    } catch (err) {
      if (err instanceof SnapError && (err.kind === 'invalid_account' || err.kind === 'inactive_account')) {
        throw new AppError('UNPROCESSABLE', err.kind === 'invalid_account' ? `${bank} does not know this account number` : `${bank} says this account is not active`, { details: { field: 'accountNumber', bank } });
      }
      throw err;
    }
    const base = { userId, bank, accountNumberHash: hash, accountNumberSealed: this.deps.cipher.encrypt(accountNo), consecutiveFailures: 0 };
    // Kept on a pending consent so the account gets them once the holder has approved (after the OTP or the redirect).
    const requested = { ...(input.name ? { name: input.name } : {}), ...(input.syncFrequency ? { syncFrequency: input.syncFrequency } : {}) };
    if (binding.status === 'bound') {
      const connection = await this.deps.connections.create({ ...base, status: 'active', ...sealedTokenFields(this.deps.cipher, binding), accountName: binding.accountName, consentedAt: this.now() });
      return { status: 'connected', account: await this.activate(connection.toObject(), input) };
    }
    if (binding.status === 'redirect') {
      if (!state) throw new AppError('SERVICE_UNAVAILABLE', `${bank} sent its consent page, but this request had no callback address for it`);
      const bankSays = binding.expiresAt ? new Date(binding.expiresAt) : undefined;
      const ours = new Date(this.now().getTime() + REDIRECT_CONSENT_MS);
      const expiresAt = bankSays && !Number.isNaN(bankSays.getTime()) && bankSays < ours ? bankSays : ours;
      const connection = await this.deps.connections.create({ ...base, status: 'pending_consent', consentKind: 'redirect', bindingReference: binding.referenceNo, bindingExpiresAt: expiresAt, bindingStateHash: stateHash(state), requested });
      return { status: 'redirect_required', connectionId: String(connection._id), bank, accountNumberMasked: maskAccountNumber(accountNo), authorizationUrl: binding.redirectUrl, expiresAt: toJakartaIso(expiresAt) };
    }
    const connection = await this.deps.connections.create({ ...base, status: 'pending_consent', consentKind: 'otp', bindingReference: binding.referenceNo, bindingExpiresAt: binding.otpExpiresAt ? new Date(binding.otpExpiresAt) : new Date(this.now().getTime() + 5 * 60_000), requested });
    return { status: 'otp_required', connectionId: String(connection._id), bank, accountNumberMasked: maskAccountNumber(accountNo), expiresAt: binding.otpExpiresAt };
  }

  async confirmOtp(userId: Types.ObjectId, input: { connectionId: string; otp: string; name?: string; syncFrequency?: SyncFrequency }): Promise<{ status: 'connected'; account: Account }> {
    if (!Types.ObjectId.isValid(input.connectionId)) throw new AppError('NOT_FOUND', 'pending connection not found');
    if (!/^\d{4,8}$/.test(input.otp)) throw validationFailed([{ field: 'otp', reason: 'must be the 4 to 8 digit code the bank sent', in: 'body' }]);
    const pending = await this.deps.connections.findOne({ _id: new Types.ObjectId(input.connectionId), userId, status: 'pending_consent', consentKind: { $ne: 'redirect' } }).lean();
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
      { $set: { status: 'active', ...sealedTokenFields(this.deps.cipher, bound), accountName: bound.accountName, consentedAt: this.now() }, $unset: { bindingReference: 1, bindingExpiresAt: 1 } },
      { returnDocument: 'after' },
    );
    if (!activated) throw new AppError('CONFLICT', 'this connection was already confirmed');
    return { status: 'connected', account: await this.activate(activated.toObject(), { ...requestedOf(pending), ...(input.name ? { name: input.name } : {}), ...(input.syncFrequency ? { syncFrequency: input.syncFrequency } : {}) }) };
  }

  /**
   * The bank's consent page sent the holder back. The state finds the pending consent (and with it the user who
   * started it); it is taken in one conditional update, so a second arrival of the same link finds nothing. An
   * expired link, a holder who declined, or a code the bank will not exchange ends the consent as failed.
   */
  async completeRedirect(input: { bank: string; state: string; authCode?: string; error?: string; name?: string }): Promise<{ status: 'connected'; account: Account; userId: Types.ObjectId } | { status: 'declined'; userId: Types.ObjectId; connectionId: string }> {
    const bank = input.bank.toUpperCase();
    const taken = await this.deps.connections.findOneAndUpdate(
      { bindingStateHash: stateHash(input.state), bank, status: 'pending_consent', consentKind: 'redirect' },
      { $unset: { bindingStateHash: 1 } },
      { returnDocument: 'before' },
    );
    if (!taken) throw new AppError('NOT_FOUND', 'this consent link is unknown or was already used; start connecting again');
    const pending = taken.toObject();
    const fail = async (reason: string) => this.deps.connections.updateOne({ _id: pending._id, status: 'pending_consent' }, { $set: { status: 'failed', lastError: reason }, $unset: { bindingReference: 1 } });
    if (pending.bindingExpiresAt && pending.bindingExpiresAt < this.now()) {
      await fail('the consent link expired before the bank sent the holder back');
      throw new AppError('UNPROCESSABLE', 'this consent link has expired; start connecting again', { details: { consentId: String(pending._id) } });
    }
    if (input.error || !input.authCode) {
      await fail(`the holder did not approve at the bank (${input.error ?? 'no code'})`);
      return { status: 'declined', userId: pending.userId, connectionId: String(pending._id) };
    }
    const client = this.deps.clientFor(pending.bank);
    if (!client) throw new AppError('SERVICE_UNAVAILABLE', `${pending.bank} is not enabled on this hub`);
    let bound;
    try {
      bound = await client.exchangeAuthCode({ authCode: input.authCode });
    } catch (err) {
      // The code was single use and the state is spent: the consent cannot be finished now, only started again.
      await fail(err instanceof SnapError ? `the bank did not exchange the code (${err.message})` : 'the code exchange failed');
      if (err instanceof SnapError && !err.retryable) throw new AppError('UNPROCESSABLE', 'the bank did not accept the consent code; start connecting again', { details: { consentId: String(pending._id) } });
      throw err;
    }
    const activated = await this.deps.connections.findOneAndUpdate(
      { _id: pending._id, status: 'pending_consent' },
      { $set: { status: 'active', ...sealedTokenFields(this.deps.cipher, bound), accountName: bound.accountName, consentedAt: this.now() }, $unset: { bindingReference: 1, bindingExpiresAt: 1 } },
      { returnDocument: 'after' },
    );
    if (!activated) throw new AppError('CONFLICT', 'this connection was already confirmed');
    return { status: 'connected', account: await this.activate(activated.toObject(), { ...requestedOf(pending), ...(input.name ? { name: input.name } : {}) }), userId: pending.userId };
  }

  /** One of the user's consents, as far as it got (another user's is not found). */
  async consentState(userId: Types.ObjectId, connectionId: string): Promise<ConsentState> {
    if (!Types.ObjectId.isValid(connectionId)) throw new AppError('NOT_FOUND', 'consent not found');
    const c = await this.deps.connections.findOne({ _id: new Types.ObjectId(connectionId), userId }).lean();
    if (!c) throw new AppError('NOT_FOUND', 'consent not found');
    const expired = c.status === 'pending_consent' && c.bindingExpiresAt !== undefined && c.bindingExpiresAt < this.now();
    const status = expired ? 'expired' : c.status === 'pending_consent' ? 'pending' : c.status === 'active' ? 'connected' : c.status;
    return { consentId: String(c._id), bank: c.bank, kind: c.consentKind ?? 'otp', status, reason: c.status === 'failed' ? c.lastError : undefined, expiresAt: status === 'pending' ? c.bindingExpiresAt : undefined, accountId: c.accountId };
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
    await this.deps.connections.updateMany({ accountId, userId, status: { $ne: 'revoked' } }, { $set: { status: 'revoked', revokedAt: this.now() }, $unset: { ...TOKEN_FIELDS_UNSET, syncLock: 1 } });
    await this.deps.accounts.updateOne({ _id: accountId }, { $set: { status: 'disconnected', syncFrequency: 'manual' } });
    if (!options.purge) return { purgedTransactions: 0 };
    const purged = await this.deps.transactions.deleteMany({ accountId, userId });
    return { purgedTransactions: purged.deletedCount ?? 0 };
  }

  /** The ledger account behind a confirmed connection: reused when the user had it before (reconnect, import). */
  private async activate(connection: BankConnection, input: { name?: string; syncFrequency?: SyncFrequency }): Promise<Account> {
    const accountNo = this.deps.cipher.decrypt(connection.accountNumberSealed);
    // Without a frequency asked for, a connected account syncs daily. One that was not being synced (disconnected,
    // which set it to manual, or known only from an imported statement) starts on that default again; an account
    // still connected (a consent renewed after it ended at the bank) keeps the frequency its user chose.
    const before = input.syncFrequency ? null : await this.deps.accounts.findOne({ userId: connection.userId, accountNumberHash: connection.accountNumberHash }, { kind: 1, status: 1 }).lean();
    const syncFrequency = input.syncFrequency ?? (!before || before.kind !== 'bank' || before.status !== 'active' ? 'daily' : undefined);
    const account = await this.deps.accounts.findOneAndUpdate(
      { userId: connection.userId, accountNumberHash: connection.accountNumberHash },
      {
        $set: { kind: 'bank', bank: connection.bank, accountNumberSealed: connection.accountNumberSealed, accountNumberMasked: maskAccountNumber(accountNo), connectionId: connection._id, status: 'active', ...(syncFrequency ? { syncFrequency } : {}) },
        $setOnInsert: { userId: connection.userId, accountNumberHash: connection.accountNumberHash, name: input.name ?? `${connection.bank} ${maskAccountNumber(accountNo)}`, currency: 'IDR', ...(syncFrequency ? {} : { syncFrequency: 'daily' }) },
      },
      { upsert: true, returnDocument: 'after' },
    );
    await this.deps.connections.updateOne({ _id: connection._id }, { $set: { accountId: account!._id } });
    return account!.toObject();
  }
}
