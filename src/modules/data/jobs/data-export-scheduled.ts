import { z } from 'zod';
import { defineJob } from '../../../../jobs/define-job.js';
import { EXPORT_JOB } from '../services/export-schedule-service.js';

/** One planned run of a scheduled export; the service enqueues the next when this one is done. */
export const dataExportScheduledJob = defineJob({
  name: EXPORT_JOB,
  schema: z.object({ scheduleId: z.string().regex(/^[a-f0-9]{24}$/), planned: z.iso.datetime() }).passthrough(),
  retry: { maxRetries: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  concurrency: 2,
  handler: async ({ scheduleId, planned }, { services }) => {
    await services.dataExportSchedules.run(scheduleId, new Date(planned));
  },
});
