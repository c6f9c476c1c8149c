/**
 * Builds the banks services from the shared dependencies: connect (consent), sync (statement + balance into the
 * ledger, notifications), the per-account sync schedule, and the facade the routes, jobs and chat call. Also the
 * sync metrics: a counter of runs and the 24-hour success rate per bank, read from the recorded runs at scrape time
 * so every hub process reports the same figure.
 */
import { Counter, Gauge } from 'prom-client';
import type { ModuleDeps } from '../../contract.js';
import type { SnapClient } from '../providers/snap/client.js';
import { BankBalanceService } from './balance-service.js';
import { BankService } from './bank-service.js';
import { BankConnectService } from './connect-service.js';
import { CustomerTokens } from './customer-tokens.js';
import { BankSyncSchedule } from './sync-schedule.js';
import { BankSyncService } from './sync-service.js';

export interface BankServices {
  banks: BankService;
  bankSync: BankSyncService;
  bankSchedule: BankSyncSchedule;
}

declare module '../../../services/registry.js' {
  interface Services extends BankServices {}
}

const DAY_MS = 24 * 60 * 60_000;

export function createBankServices(deps: ModuleDeps): BankServices {
  const { models, cipher, clock, notifications, metrics, logger } = deps;
  const now = () => clock.now();
  const clients = deps.providers.of<SnapClient>('banks');
  const clientFor = (bank: string) => clients.get(bank.toLowerCase());

  const syncRuns = new Counter({
    name: 'hub_bank_syncs_total',
    help: 'Bank sync runs by bank, trigger and result (succeeded, failed)',
    labelNames: ['bank', 'trigger', 'result'] as const,
    registers: [metrics.registry],
  });
  new Gauge({
    name: 'hub_bank_sync_success_ratio_24h',
    help: 'Share of bank sync runs that succeeded in the last 24 hours, by bank (absent when a bank had no runs)',
    labelNames: ['bank'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const since = new Date(now().getTime() - DAY_MS);
      const rows = await models.BankSyncRun.aggregate<{ _id: string; total: number; ok: number }>([
        { $match: { finishedAt: { $gte: since }, status: { $in: ['succeeded', 'failed'] } } },
        { $group: { _id: '$bank', total: { $sum: 1 }, ok: { $sum: { $cond: [{ $eq: ['$status', 'succeeded'] }, 1, 0] } } } },
      ]);
      for (const r of rows) if (r.total > 0) this.set({ bank: r._id }, r.ok / r.total);
    },
  });

  let banks: BankService | undefined;
  const overridesFor = (userId: Parameters<BankService['overridesFor']>[0]) => banks!.overridesFor(userId);
  const tokens = new CustomerTokens({
    connections: models.BankConnection,
    cipher,
    now,
    async onConsentExpired(connection) {
      logger.info({ bank: connection.bank, connectionId: String(connection._id) }, 'bank consent ended at the bank; the holder must connect again');
      await notifications.notify({
        userId: String(connection.userId),
        kind: 'bank.consent_expired',
        title: `Connect your ${connection.bank} account again`,
        body: `${connection.bank} ended the hub's access to your account (the consent expired and the bank would not renew it). Nothing is synced until you connect it again; your history stays.`,
        data: { accountId: connection.accountId ? String(connection.accountId) : undefined, bank: connection.bank },
        dedupeKey: `bank.consent_expired:${connection._id}`,
      }).catch((err: unknown) => logger.warn({ err, connectionId: String(connection._id) }, 'could not tell the holder their bank consent ended'));
    },
  });
  const common = { accounts: models.BankAccount, transactions: models.BankTransaction, connections: models.BankConnection, clientFor, cipher, now, tokens };
  const sync = new BankSyncService({
    ...common,
    runs: models.BankSyncRun,
    overridesFor,
    onRunFinished: (run) => syncRuns.inc({ bank: run.bank, trigger: run.trigger, result: run.status }),
    async onRepeatedFailure(run, consecutive) {
      logger.warn({ bank: run.bank, accountId: String(run.accountId), consecutive }, 'bank sync keeps failing');
      await notifications.notify({
        userId: String(run.userId),
        kind: 'bank.sync_failed',
        title: `${run.bank} sync keeps failing`,
        body: `The last ${consecutive} syncs of your ${run.bank} account failed (${run.error?.message ?? 'the bank did not answer'}). Balances and transactions may be out of date; the hub keeps trying on schedule.`,
        data: { accountId: String(run.accountId), bank: run.bank, runId: String(run._id) },
        // One message per failing streak: the run that made it the third failure in a row.
        dedupeKey: `bank.sync_failed:${run.accountId}:${run._id}`,
      });
    },
  });
  const connect = new BankConnectService(common);
  const schedule = new BankSyncSchedule({ jobs: deps.jobs, accounts: models.BankAccount, connections: models.BankConnection, sync, now });
  banks = new BankService({
    config: deps.config,
    accounts: models.BankAccount,
    transactions: models.BankTransaction,
    overrides: models.BankCategoryOverride,
    connections: models.BankConnection,
    clients,
    connect,
    balances: new BankBalanceService(common),
    sync,
    schedule,
    audit: deps.audit,
  });
  return { banks, bankSync: sync, bankSchedule: schedule };
}
