import type { Types } from 'mongoose';
import type { NormalizedPaymentEvent } from '../providers/types.js';
import type { PaymentService } from '../services/payment-service.js';
import type { InboxHandler } from '../../../services/webhook-inbox.js';

/**
 * Applies a stored payment event. Duplicates and late events are `ignored`; an event for an order we do not know,
 * from the wrong provider, or with a different amount is kept as `unmatched` for a person to look at.
 */
export function paymentEventHandler(payments: PaymentService): InboxHandler {
  return async (event) => {
    const normalized = event.normalized as unknown as NormalizedPaymentEvent & { occurredAt: string | Date };
    const outcome = await payments.applyProviderEvent(
      { ...normalized, occurredAt: new Date(normalized.occurredAt) },
      event._id as Types.ObjectId,
    );
    if (outcome === 'applied') return { status: 'applied', outcome };
    if (outcome === 'duplicate' || outcome === 'stale') return { status: 'ignored', outcome };
    // Unknown order, wrong provider or amount, money on a closed payment, or the provider contradicting the body
    // (`unconfirmed: <reason>`): kept for a person with the reason.
    return { status: 'unmatched', outcome };
  };
}
