import { z } from 'zod';
import { defineJob } from '../../../../jobs/define-job.js';
import { IMPORT_JOB } from '../services/import-service.js';

/**
 * Imports one uploaded statement (DATA_DIR/imports/<importJobId>) into the ledger. If the process running it dies,
 * Agenda hands the job to another once the lock it stopped renewing runs out, and the service resumes from its
 * checkpoint.
 */
const retry = { maxRetries: 3, baseDelayMs: 5_000, maxDelayMs: 2 * 60_000 };

export const dataImportJob = defineJob({
  name: IMPORT_JOB,
  schema: z.object({ importJobId: z.string().regex(/^[a-f0-9]{24}$/) }).passthrough(),
  retry,
  // Two at once per process: an import is I/O-bound on the database, and a third would only queue behind it there.
  concurrency: 2,
  // A million-row CSV takes minutes: the run renews its lock at each progress checkpoint, so this is only how long
  // a dead process's import waits before another process resumes it from its checkpoint.
  lockLifetimeMs: 5 * 60_000,
  handler: async ({ importJobId }, { services, attempt, logger, keepAlive }) => {
    try {
      await services.dataImports.run(importJobId, keepAlive);
    } catch (err) {
      // Agenda will not try again: say so on the import instead of leaving it 'running' for ever.
      if (attempt > retry.maxRetries) {
        logger.error({ err, importJobId }, 'import given up after its last retry');
        await services.dataImports.giveUp(importJobId);
      }
      throw err;
    }
  },
});
