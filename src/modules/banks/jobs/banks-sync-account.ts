/**
 * One account's scheduled sync (hourly/daily/weekly): runs the sync and schedules the next run. Each account is its
 * own job, so a bank that fails or hangs holds up only its own accounts; a failed bank call is a recorded failed
 * run (and, the third time in a row, a `bank.sync_failed` notification), not a job failure to retry.
 */
import { z } from 'zod';
import { defineJob } from '../../../../jobs/define-job.js';
import { BANK_SYNC_JOB } from '../services/sync-schedule.js';

export const banksSyncAccountJob = defineJob({
  name: BANK_SYNC_JOB,
  schema: z.object({ accountId: z.string().regex(/^[0-9a-f]{24}$/), userId: z.string().regex(/^[0-9a-f]{24}$/), scheduleKey: z.string().min(1) }),
  // Retries only for the hub's own trouble (database); the next scheduled run is the retry for a bank's.
  retry: { maxRetries: 2, baseDelayMs: 30_000, maxDelayMs: 5 * 60_000 },
  concurrency: 4,
  handler: async (data, { services, logger }) => {
    const run = await services.bankSchedule.runScheduled(data);
    if (run?.status === 'failed') logger.info({ accountId: data.accountId, bank: run.bank, error: run.error?.kind ?? run.error?.code }, 'scheduled bank sync failed; next run scheduled');
  },
});
