/**
 * The payment state machine. Transitions are applied as one atomic update guarded by the current state
 * (findOneAndUpdate with status ∈ allowedFrom), so duplicates and late events can never move a payment back.
 *
 *   scheduled → pending | failed | cancelled
 *   pending   → success | failed | expired | cancelled
 *   success   → partially_refunded | refunded
 *   partially_refunded → partially_refunded (a further partial refund) | refunded
 */
import type { StoredPaymentStatus } from '../models/payment.js';

const NEXT: Record<StoredPaymentStatus, readonly StoredPaymentStatus[]> = {
  scheduled: ['pending', 'failed', 'cancelled'],
  pending: ['success', 'failed', 'expired', 'cancelled'],
  success: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  failed: [],
  expired: [],
  cancelled: [],
  refunded: [],
};

export const FINAL_STATUSES: readonly StoredPaymentStatus[] = ['failed', 'expired', 'cancelled', 'refunded'];

export function canTransition(from: StoredPaymentStatus, to: StoredPaymentStatus): boolean {
  return NEXT[from].includes(to);
}

/** The states from which `to` may be reached. */
export function allowedFrom(to: StoredPaymentStatus): StoredPaymentStatus[] {
  return (Object.keys(NEXT) as StoredPaymentStatus[]).filter((from) => NEXT[from].includes(to));
}
