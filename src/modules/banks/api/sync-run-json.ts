import { toJakartaIso } from '../../../lib/time.js';
import type { SyncRunView } from '../services/sync-service.js';

/** A sync run as the API shows it: `new` for what was added, times in Asia/Jakarta. */
export const syncRunJson = (run: SyncRunView) => ({
  id: run.id,
  accountId: run.accountId,
  bank: run.bank,
  trigger: run.trigger,
  status: run.status,
  startedAt: toJakartaIso(run.startedAt),
  finishedAt: run.finishedAt ? toJakartaIso(run.finishedAt) : null,
  from: run.from ? toJakartaIso(run.from) : null,
  to: run.to ? toJakartaIso(run.to) : null,
  fetched: run.fetched,
  new: run.inserted,
  duplicates: run.duplicates,
  errors: run.errors,
  error: run.error ?? null,
});
