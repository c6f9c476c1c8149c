/**
 * The hub's own background jobs (capability modules bring theirs in their `jobs`): name → payload schema →
 * handler → retry policy.
 */
import type { JobDefinition } from './define-job.js';
import { maintenancePurgeJob } from './maintenance-purge.js';

export const coreJobs: JobDefinition[] = [maintenancePurgeJob];
