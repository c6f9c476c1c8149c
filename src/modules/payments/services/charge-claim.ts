/**
 * The charge claim's lease, and which providers deduplicate a charge sent twice with our reference (issue 16 §3).
 *
 * A process claims a payment's charge call before making it and renews the claim while the call is in flight. If
 * the process dies between claim and answer, the claim runs out within CHARGE_CLAIM_LEASE_MS and the reconciliation
 * job (every minute) takes it over: it looks the charge up at the provider by our reference, adopts what it finds,
 * and sends the charge again only where the provider would refuse or merge a second create with the same
 * reference. Anywhere else a second call could make a second charge, so the payment waits for a person.
 */
import type { PaymentMethod, PaymentProviderName } from '../providers/types.js';

/** How long a claim holds without renewal: well above one provider call (5–30 s), short enough to recover in minutes. */
export const CHARGE_CLAIM_LEASE_MS = 2 * 60_000;
/** Renewed this often while the call is in flight. */
export const CHARGE_CLAIM_RENEW_MS = 30_000;

/** The filter for a claim whose lease has run out (claims from before leases existed count from when they were made). */
export function claimRanOut(now: Date): Record<string, unknown> {
  return {
    $or: [
      { chargeClaimUntil: { $lt: now } },
      { chargeClaimUntil: { $exists: false }, chargeClaimedAt: { $lt: new Date(now.getTime() - CHARGE_CLAIM_LEASE_MS) } },
    ],
  };
}

/**
 * Whether the provider deduplicates the create call for this method by our reference, so sending it again can never
 * make a second charge:
 * - Midtrans: every Core API charge is keyed by `order_id`, which Midtrans keeps unique; a second charge with the
 *   same order_id is refused (406/409) and the hub then adopts the first one through the status API.
 * - Xendit: none as the hub calls it today. Payment requests (direct debit here) honour an `idempotency-key`
 *   header, but the adapter does not send one on create yet; invoices' `external_id` is not unique (a second call
 *   makes a second invoice); e-wallet charges, QR codes and retail codes are not documented as refusing a reused
 *   `reference_id`/`external_id`; callback virtual accounts refuse a duplicate `external_id` only while the first
 *   is active, and cannot be looked up by it. So a Xendit charge the provider does not show is left to a person.
 */
export function createIsDeduplicated(provider: PaymentProviderName, _method: PaymentMethod): boolean {
  return provider === 'midtrans';
}
