/**
 * Bringing a connected bank account up to date, and applying a bank's mutation notification.
 *
 * A sync reads the statement from the last synced point minus an overlap (aligned to whole Jakarta days, so the
 * ledger's occurrence indexes line up with earlier runs), writes it through the one dedupe rule, refreshes the
 * balance, marks transfers between the user's own accounts, and records the run. A guard on the connection
 * (`syncLock`, a single-document conditional update) keeps two syncs of one account from running at once across
 * hub processes; a lock left by a crashed process expires.
 */
import { Types } from 'mongoose';
import { AppError } from '../../../lib/errors.js';
import type { FieldCipher } from '../../../lib/crypto.js';
import { jakartaStartOfDay } from '../../../lib/time.js';
import type { AccountModel } from '../../ledger/models/account.js';
import type { LedgerTransactionModel } from '../../ledger/models/transaction.js';
import { detectOwnTransfers, type UserCategoryOverride } from '../../ledger/services/categorize.js';
import type { BankConnectionModel } from '../models/bank-connection.js';
import type { SyncRun, SyncRunModel, SyncTrigger } from '../models/sync-run.js';
import { SnapError } from '../providers/snap/errors.js';
import type { SnapClient } from '../providers/snap/client.js';
import type { BankCode, RawStatementEntry } from '../providers/snap/types.js';
import { accountNumberHash } from '../../ledger/services/account-number.js';
import type { CustomerTokens } from './customer-tokens.js';
import { writeBankRows } from './ledger-writer.js';
import { StreamingWrite } from './streaming-write.js';

export interface BankSyncDeps {
  accounts: AccountModel;
  transactions: LedgerTransactionModel;
  connections: BankConnectionModel;
  runs: SyncRunModel;
  clientFor(bank: string): SnapClient | undefined;
  cipher: FieldCipher;
  /** The holder's token for each call, renewed when the bank ends it. */
  tokens: CustomerTokens;
  now?: () => Date;
  /** How far before the last synced point a sync starts again (late postings, back-dated entries). Default 2 days. */
  overlapMs?: number;
  /** First sync of an account reaches back this far. Default 30 days. */
  initialDays?: number;
  /** A lock older than this belongs to a crashed process. Default 10 minutes. */
  lockMs?: number;
  overridesFor?(userId: Types.ObjectId): Promise<UserCategoryOverride[]>;
  onRunFinished?(run: SyncRun): void;
  /** Told once when an account's syncs keep failing (3 in a row), for the chat notification. */
  onRepeatedFailure?(run: SyncRun, consecutiveFailures: number): void | Promise<void>;
}

export type SyncRunView = Pick<SyncRun, 'status' | 'trigger' | 'startedAt' | 'finishedAt' | 'from' | 'to' | 'fetched' | 'inserted' | 'duplicates' | 'errors' | 'error'> & { id: string; accountId: string; bank: string };

export const toSyncRunView = (run: SyncRun): SyncRunView => ({
  id: String(run._id),
  accountId: String(run.accountId),
  bank: run.bank,
  trigger: run.trigger,
  status: run.status,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
  from: run.from,
  to: run.to,
  fetched: run.fetched,
  inserted: run.inserted,
  duplicates: run.duplicates,
  errors: run.errors,
  error: run.error,
});


const REPEATED_FAILURES = 3;

export class BankSyncService {
  private readonly now: () => Date;

  constructor(private readonly deps: BankSyncDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async syncAccount(userId: Types.ObjectId, accountId: Types.ObjectId, trigger: SyncTrigger): Promise<SyncRunView> {
    const { accounts, connections, runs } = this.deps;
    const account = await accounts.findOne({ _id: accountId, userId, kind: 'bank' }).lean();
    if (!account) throw new AppError('NOT_FOUND', 'account not found');
    if (account.status !== 'active') throw new AppError('CONFLICT', 'this account is disconnected; connect it again to sync');
    const client = this.deps.clientFor(account.bank ?? '');
    if (!client) throw new AppError('SERVICE_UNAVAILABLE', `${account.bank} is not enabled on this hub`);

    const now = this.now();
    const runId = new Types.ObjectId();
    const lockMs = this.deps.lockMs ?? 10 * 60_000;
    const connection = await connections.findOneAndUpdate(
      { accountId, userId, status: 'active', $or: [{ syncLock: { $exists: false } }, { syncLock: null }, { 'syncLock.until': { $lt: now } }] },
      { $set: { syncLock: { runId, until: new Date(now.getTime() + lockMs) } } },
      { returnDocument: 'after' },
    );
    if (!connection) {
      const active = await connections.exists({ accountId, userId, status: 'active' });
      if (!active) throw new AppError('CONFLICT', 'this account has no active bank consent; connect it again');
      throw new AppError('CONFLICT', 'a sync of this account is already running', { retryable: true, details: { accountId: String(accountId) } });
    }

    const overlap = this.deps.overlapMs ?? 2 * 86_400_000;
    const since = account.syncedThrough ? new Date(account.syncedThrough.getTime() - overlap) : new Date(now.getTime() - (this.deps.initialDays ?? 30) * 86_400_000);
    const from = jakartaStartOfDay(since);
    const run = await runs.create({ _id: runId, userId, accountId, bank: account.bank, trigger, status: 'running', startedAt: now, from, to: now, fetched: 0, inserted: 0, duplicates: 0, errors: 0 });
    try {
      const accountNo = this.deps.cipher.decrypt(account.accountNumberSealed!);
      const overrides = await this.deps.overridesFor?.(userId);
      const writers: StreamingWrite[] = [];
      // A page refused half-way for an ended token is fetched again from the start with the renewed token, with a
      // writer of its own: the rows the first attempt held back unwritten are dropped (they come again), and those
      // it wrote are duplicates by the dedupe rule. Sharing one writer would store the held-back rows twice.
      const fetchStatement = async (accountToken: string | undefined) => {
        await writers.at(-1)?.finish(false);
        const writer = new StreamingWrite((rows) =>
          writeBankRows(this.deps.transactions, { userId, accountId, source: 'sync', rows, coverage: 'whole-days', overrides, syncRunId: runId, now: this.now() }),
        );
        writers.push(writer);
        return client.bankStatement({ accountNo, accountToken, from, to: now, onPage: (page) => writer.add(page) });
      };
      let statement;
      try {
        statement = await this.deps.tokens.withToken(client, connection, fetchStatement);
      } finally {
        // Whatever the fetch did, the writes already started finish (or fail) before the run is recorded.
        await writers.at(-1)?.finish(statement !== undefined);
      }
      const written = { inserted: 0, duplicates: 0 };
      for (const w of writers) {
        written.inserted += w.totals.inserted;
        written.duplicates += w.totals.duplicates;
      }
      const balance = await this.deps.tokens.withToken(client, connection, (accountToken) => client.balanceInquiry({ accountNo, accountToken }));
      await this.markOwnTransfers(userId, from);
      await accounts.updateOne(
        { _id: accountId },
        { $set: { balanceMinor: balance.balanceMinor, availableBalanceMinor: balance.availableBalanceMinor, currency: balance.currency, balanceAt: this.now(), lastSyncedAt: this.now(), syncedThrough: now } },
      );
      const finished = await runs.findOneAndUpdate(
        { _id: runId },
        { $set: { status: 'succeeded', finishedAt: this.now(), fetched: statement.count, inserted: written.inserted, duplicates: written.duplicates } },
        { returnDocument: 'after' },
      );
      await connections.updateOne({ _id: connection._id }, { $set: { consecutiveFailures: 0 }, $unset: { lastError: 1 } });
      this.deps.onRunFinished?.(finished!.toObject());
      return toSyncRunView(finished!.toObject());
    } catch (err) {
      const error = {
        code: err instanceof AppError ? err.code : 'INTERNAL',
        kind: err instanceof SnapError ? err.kind : undefined,
        message: err instanceof AppError ? err.message : 'sync failed unexpectedly',
      };
      const failed = await runs.findOneAndUpdate({ _id: runId }, { $set: { status: 'failed', finishedAt: this.now(), errors: 1, error } }, { returnDocument: 'after' });
      const updated = await connections.findOneAndUpdate({ _id: connection._id }, { $inc: { consecutiveFailures: 1 }, $set: { lastError: error.message } }, { returnDocument: 'after' });
      this.deps.onRunFinished?.(failed!.toObject());
      if (updated?.consecutiveFailures === REPEATED_FAILURES) await this.deps.onRepeatedFailure?.(failed!.toObject(), updated.consecutiveFailures);
      return toSyncRunView(failed!.toObject());
    } finally {
      await connections.updateOne({ _id: connection._id, 'syncLock.runId': runId }, { $unset: { syncLock: 1 } });
    }
  }

  /**
   * A mutation notification (body format: our assumption, see sandbox/snap-bank/server.ts). Applies the entry to
   * every active connection of that account; idempotent (the dedupe rule) and tolerant of order: the balance only
   * moves forward in time.
   */
  async applyNotification(bank: BankCode, body: { accountNo?: unknown; transaction?: unknown }): Promise<{ applied: number; duplicates: number }> {
    const client = this.deps.clientFor(bank);
    if (!client) throw new AppError('SERVICE_UNAVAILABLE', `${bank} is not enabled on this hub`);
    if (typeof body.accountNo !== 'string' || !body.transaction || typeof body.transaction !== 'object') throw new AppError('BAD_REQUEST', 'notification without accountNo or transaction');
    const entry = client.readEntry(body.transaction as RawStatementEntry);
    const targets = await this.deps.connections.find({ bank, accountNumberHash: accountNumberHash(bank, body.accountNo), status: 'active', accountId: { $exists: true } }).lean();
    let applied = 0;
    let duplicates = 0;
    for (const target of targets) {
      const written = await writeBankRows(this.deps.transactions, {
        userId: target.userId,
        accountId: target.accountId!,
        source: 'notification',
        rows: [entry],
        coverage: 'partial',
        overrides: await this.deps.overridesFor?.(target.userId),
        now: this.now(),
      });
      applied += written.inserted;
      duplicates += written.duplicates;
      if (entry.balanceMinor !== undefined) {
        // A late, older notification must not put an old balance back. Banks print whole seconds, so an entry booked
        // in the same second as the last balance inquiry counts as after it.
        // The notification states the ledger balance only: the available balance moves by the same amount (the holds
        // between them are unchanged as far as we know), so it never stays above a balance a large debit lowered.
        await this.deps.accounts.updateOne(
          { _id: target.accountId, $or: [{ balanceAt: { $exists: false } }, { balanceAt: { $lt: new Date(entry.bookedAt.getTime() + 1000) } }] },
          [
            {
              $set: {
                availableBalanceMinor: { $cond: [{ $isNumber: '$availableBalanceMinor' }, { $add: ['$availableBalanceMinor', { $subtract: [entry.balanceMinor, '$balanceMinor'] }] }, '$availableBalanceMinor'] },
                balanceMinor: entry.balanceMinor,
                balanceAt: entry.bookedAt,
              },
            },
          ],
          { updatePipeline: true },
        );
      }
      if (written.inserted) await this.markOwnTransfers(target.userId, new Date(entry.bookedAt.getTime() - 3 * 86_400_000));
    }
    return { applied, duplicates };
  }

  private async markOwnTransfers(userId: Types.ObjectId, since: Date): Promise<void> {
    const windowStart = new Date(since.getTime() - 3 * 86_400_000);
    const own = await this.deps.accounts.find({ userId, status: 'active' }, { _id: 1 }).lean();
    if (own.length < 2) return;
    const rows = await this.deps.transactions
      .find({ userId, bookedAt: { $gte: windowStart } }, { accountId: 1, bookedAt: 1, amountMinor: 1, currency: 1, description: 1, ownTransfer: 1, categorySource: 1 })
      .lean();
    if (rows.length === 0) return;
    const ids = detectOwnTransfers(
      rows.map((r) => ({ id: String(r._id), accountId: String(r.accountId), bookedAt: r.bookedAt, amountMinor: r.amountMinor, currency: r.currency, description: r.description })),
      own.map((a) => ({ accountId: String(a._id) })),
    );
    const toMark = rows.filter((r) => ids.has(String(r._id)) && !r.ownTransfer).map((r) => r._id);
    if (toMark.length) {
      await this.deps.transactions.updateMany({ _id: { $in: toMark }, categorySource: { $ne: 'user' } }, { $set: { ownTransfer: true, category: 'transfer:own' } });
      await this.deps.transactions.updateMany({ _id: { $in: toMark }, categorySource: 'user' }, { $set: { ownTransfer: true } });
    }
  }
}
