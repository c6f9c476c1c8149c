/**
 * A balance as the bank states it now (SNAP balance inquiry, service 11), with the last stored figure as the
 * fallback. Asking the bank is the point of the route: the stored balance is only as fresh as the last sync or
 * notification. When the bank cannot answer (down, slow, refusing), the user still gets an answer: the stored
 * figure, marked stale, with when the bank stated it and why it is not live. A live answer also becomes the
 * stored balance, so lists and chat show it too.
 */
import { Types } from 'mongoose';
import type { FieldCipher } from '../../../lib/crypto.js';
import { AppError } from '../../../lib/errors.js';
import { minorToDecimal } from '../../../lib/money.js';
import { toJakartaIso } from '../../../lib/time.js';
import type { Account, AccountModel } from '../../ledger/models/account.js';
import type { BankConnectionModel } from '../models/bank-connection.js';
import { SnapError } from '../providers/snap/errors.js';
import type { SnapClient } from '../providers/snap/client.js';
import type { SnapBalance } from '../providers/snap/types.js';
import type { CustomerTokens } from './customer-tokens.js';

export interface BankBalanceDeps {
  accounts: AccountModel;
  connections: BankConnectionModel;
  clientFor(bank: string): SnapClient | undefined;
  cipher: FieldCipher;
  tokens: CustomerTokens;
  now?: () => Date;
  /**
   * How long a balance request waits for the bank (its retries included) before answering with the stored figure.
   * A slow bank then costs the user this, not the client's full retry budget. Default 4 s.
   */
  liveDeadlineMs?: number;
}

export interface BalanceView {
  accountId: string;
  currency: string;
  balanceMinor: number | null;
  availableBalanceMinor: number | null;
  balance: string | null;
  /** When the bank stated this figure (now, for a live one), Asia/Jakarta. */
  asOf: string | null;
  lastSyncedAt: string | null;
  /** `bank`: asked just now; `stored`: the last figure the hub kept (sync, notification, earlier inquiry). */
  source: 'bank' | 'stored';
  stale: boolean;
  /** Why the figure is not live; null when it is. */
  staleReason: string | null;
}

class DeadlinePassed extends Error {}

export class BankBalanceService {
  private readonly now: () => Date;
  constructor(private readonly deps: BankBalanceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** `account` is already known to be the caller's (the facade checked ownership). */
  async balance(account: Account): Promise<BalanceView> {
    if (account.kind !== 'bank' || !account.bank) return view(account, 'stored', 'this account has no bank connection; its balance is the last one an imported statement stated');
    if (account.status !== 'active') return view(account, 'stored', 'this account is disconnected; connect it again for a live balance');
    const client = this.deps.clientFor(account.bank);
    if (!client) return view(account, 'stored', `${account.bank} is not enabled on this hub`);
    const connection = await this.deps.connections.findOne({ accountId: account._id, userId: account.userId, status: 'active' }).lean();
    if (!connection || !account.accountNumberSealed) return view(account, 'stored', 'this account has no active bank consent; connect it again for a live balance');

    const accountNo = this.deps.cipher.decrypt(account.accountNumberSealed);
    const inquiry = this.deps.tokens.withToken(client, connection, (accountToken) => client.balanceInquiry({ accountNo, accountToken }));
    let live: SnapBalance;
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadlineMs = this.deps.liveDeadlineMs ?? 4000;
      live = await Promise.race([inquiry, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DeadlinePassed()), deadlineMs)))]);
    } catch (err) {
      if (err instanceof DeadlinePassed) {
        // The bank may still answer after we gave up waiting; its figure is kept then, for the next request.
        void inquiry.then((late) => this.store(account._id, late, this.now())).catch(() => undefined);
        return view(account, 'stored', `${account.bank} did not answer in time`);
      }
      // The bank's own failures (down, timing out, refusing) fall back; anything else is a hub fault and surfaces.
      if (err instanceof SnapError) return view(account, 'stored', `no live answer from the bank (${err.message})`);
      // Consent ended at the bank (the token could not be renewed): the stored figure, and what to do about it.
      if (err instanceof AppError && err.details?.reason === 'consent_expired') return view(account, 'stored', err.message);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    const at = this.now();
    const stored = await this.store(account._id, live, at);
    return view(stored ?? { ...account, balanceMinor: live.balanceMinor, availableBalanceMinor: live.availableBalanceMinor, currency: live.currency, balanceAt: at }, 'bank', null);
  }

  private store(accountId: Types.ObjectId, live: SnapBalance, at: Date) {
    return this.deps.accounts
      .findOneAndUpdate({ _id: accountId }, { $set: { balanceMinor: live.balanceMinor, availableBalanceMinor: live.availableBalanceMinor, currency: live.currency, balanceAt: at } }, { returnDocument: 'after' })
      .lean();
  }
}

function view(a: Account, source: 'bank' | 'stored', staleReason: string | null): BalanceView {
  return {
    accountId: String(a._id),
    currency: a.currency,
    balanceMinor: a.balanceMinor ?? null,
    availableBalanceMinor: a.availableBalanceMinor ?? null,
    balance: a.balanceMinor !== undefined && a.balanceMinor !== null ? minorToDecimal(a.balanceMinor, a.currency) : null,
    asOf: a.balanceAt ? toJakartaIso(a.balanceAt) : null,
    lastSyncedAt: a.lastSyncedAt ? toJakartaIso(a.lastSyncedAt) : null,
    source,
    stale: source !== 'bank',
    staleReason,
  };
}
