import type { Types } from 'mongoose';
import { z } from 'zod';
import type { DirectDebitService } from '../services/direct-debit-service.js';
import type { PaymentService } from '../services/payment-service.js';
import type { InboxHandler } from '../../../services/webhook-inbox.js';
import { parseStoredPaymentEvent } from './normalized-event.js';

const StoredLinkEvent = z.object({ link: z.object({ paymentMethodId: z.string().min(1), referenceId: z.string().min(1), event: z.string() }) });

/**
 * Applies a stored payment event. Duplicates and late events are `ignored`; an event for an order we do not know,
 * from the wrong provider, or with a different amount is kept as `unmatched` for a person to look at.
 */
export function paymentEventHandler(payments: PaymentService, directDebit: DirectDebitService): InboxHandler {
  return async (event) => {
    // A direct-debit link callback (Xendit payment_method.*) shares the intake; the link's state is asked, not taken.
    const link = StoredLinkEvent.safeParse(event.normalized);
    if (link.success) {
      const outcome = await directDebit.applyLinkCallback(link.data.link);
      return { status: outcome === 'applied' ? 'applied' : outcome === 'unchanged' ? 'ignored' : 'unmatched', outcome };
    }
    const parsed = parseStoredPaymentEvent(event.normalized);
    // A stored event that is not a payment event will not become one on a retry: kept for a person, with why.
    if (!parsed.ok) return { status: 'unmatched', outcome: `malformed: ${parsed.reason}` };
    const outcome = await payments.applyProviderEvent(parsed.event, event._id as Types.ObjectId);
    if (outcome === 'applied') return { status: 'applied', outcome };
    if (outcome === 'duplicate' || outcome === 'stale') return { status: 'ignored', outcome };
    // Unknown order, wrong provider or amount, money on a closed payment, or the provider contradicting the body
    // (`unconfirmed: <reason>`): kept for a person with the reason.
    return { status: 'unmatched', outcome };
  };
}
