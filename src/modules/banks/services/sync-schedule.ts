/**
 * Keeps each connected account on its own repeating sync (hourly, daily, weekly, or none for manual). Each account
 * is one Agenda job that schedules its own next run, so a bank that fails or hangs delays only its own accounts.
 * The connection remembers the unique key of the current job: changing the frequency or disconnecting replaces or
 * clears it, and a job that finds another key there (a run scheduled before the change) does nothing.
 */
import { Types } from 'mongoose';
import type { JobQueue } from '../../../services/job-queue.js';
import type { AccountModel, SyncFrequency } from '../../ledger/models/account.js';
import type { BankConnectionModel } from '../models/bank-connection.js';
import type { BankSyncService, SyncRunView } from './sync-service.js';

export const BANK_SYNC_JOB = 'banks.sync-account';

export const SYNC_INTERVAL_MS: Record<Exclude<SyncFrequency, 'manual'>, number> = {
  hourly: 60 * 60_000,
  daily: 24 * 60 * 60_000,
  weekly: 7 * 24 * 60 * 60_000,
};

export interface ScheduledSync {
  accountId: string;
  userId: string;
  scheduleKey: string;
}

export class BankSyncSchedule {
  constructor(
    private readonly deps: {
      jobs: JobQueue;
      accounts: AccountModel;
      connections: BankConnectionModel;
      sync: BankSyncService;
      now: () => Date;
    },
  ) {}

  /** (Re)schedules the account's next sync one interval from now; `manual` only clears the schedule. */
  async schedule(accountId: Types.ObjectId, frequency: SyncFrequency): Promise<Date | undefined> {
    const connection = await this.deps.connections.findOne({ accountId, status: 'active' }).lean();
    if (!connection) return undefined;
    if (connection.scheduleKey) await this.deps.jobs.cancel(BANK_SYNC_JOB, connection.scheduleKey);
    if (frequency === 'manual') {
      await this.deps.connections.updateOne({ _id: connection._id }, { $unset: { scheduleKey: 1 } });
      return undefined;
    }
    const runAt = new Date(this.deps.now().getTime() + SYNC_INTERVAL_MS[frequency]);
    const scheduleKey = `${accountId}:${runAt.getTime()}`;
    await this.deps.connections.updateOne({ _id: connection._id }, { $set: { scheduleKey } });
    await this.deps.jobs.enqueue(BANK_SYNC_JOB, { accountId: String(accountId), userId: String(connection.userId), scheduleKey } satisfies ScheduledSync, { runAt, uniqueKey: scheduleKey });
    return runAt;
  }

  async unschedule(accountId: Types.ObjectId): Promise<void> {
    const connections = await this.deps.connections.find({ accountId, scheduleKey: { $exists: true } }).lean();
    for (const c of connections) await this.deps.jobs.cancel(BANK_SYNC_JOB, c.scheduleKey!);
    await this.deps.connections.updateMany({ accountId }, { $unset: { scheduleKey: 1 } });
  }

  /**
   * One scheduled run: sync (a bank failure is a recorded failed run, not an exception) and schedule the next.
   * Returns undefined when the job was superseded or the account is gone.
   */
  async runScheduled(job: ScheduledSync): Promise<SyncRunView | undefined> {
    const accountId = new Types.ObjectId(job.accountId);
    const connection = await this.deps.connections.findOne({ accountId, status: 'active' }).lean();
    if (!connection || connection.scheduleKey !== job.scheduleKey) return undefined;
    const account = await this.deps.accounts.findOne({ _id: accountId, status: 'active' }).lean();
    if (!account) return undefined;
    let run: SyncRunView | undefined;
    try {
      run = await this.deps.sync.syncAccount(new Types.ObjectId(job.userId), accountId, 'schedule');
    } finally {
      // Whatever happened (even "a sync is already running"), the account stays on its schedule.
      await this.schedule(accountId, account.syncFrequency);
    }
    return run;
  }
}
