import type { InboxHandler } from '../../../services/webhook-inbox.js';
import type { BankSyncService } from '../services/sync-service.js';
import type { BankMutationEvent } from './snap/intake.js';

/**
 * Applies a stored account-mutation notification to every active connection of that account: written through the
 * ledger's dedupe rule (a redelivery or an entry the next sync also brings is stored once), balance moved only
 * forward in time (a late, older notification does not put an old balance back).
 */
export function bankMutationHandler(sync: BankSyncService): InboxHandler {
  return async (event) => {
    const { bank, body } = event.normalized as unknown as BankMutationEvent;
    // The intake kept the number out of the normalized event (it is listed to admins); the raw body has it.
    const accountNo = body.accountNo ?? accountNoOf(event.rawBody);
    const result = await sync.applyNotification(bank, { accountNo, transaction: body.transaction });
    if (result.applied > 0) return { status: 'applied', outcome: `${result.applied} transaction(s) added` };
    if (result.duplicates > 0) return { status: 'ignored', outcome: 'already in the ledger' };
    return { status: 'unmatched', outcome: 'no connected account with this number' };
  };
}

function accountNoOf(rawBody: string): unknown {
  try {
    return (JSON.parse(rawBody) as { accountNo?: unknown }).accountNo;
  } catch {
    return undefined;
  }
}
