/**
 * The payment event as the intakes stored it in the inbox (`normalized`), parsed back where it leaves the inbox
 * rather than cast: the inbox is a database collection, and a document written by an older version, edited by
 * hand or replayed by an admin must not reach the state machine with a field of the wrong kind.
 */
import { z } from 'zod';
import { PAYMENT_PROVIDERS, PAYMENT_STATUSES, type NormalizedPaymentEvent } from '../providers/types.js';

const minor = z.number().int().safe();

export const StoredPaymentEventSchema = z.object({
  provider: z.enum(PAYMENT_PROVIDERS),
  eventKey: z.string().min(1),
  orderId: z.string().min(1),
  providerRef: z.string().optional(),
  status: z.enum(PAYMENT_STATUSES),
  providerStatus: z.string(),
  amount: z.object({ amountMinor: minor, currency: z.string().length(3) }).optional(),
  refundedAmountMinor: minor.nonnegative().optional(),
  refund: z.object({ refundRef: z.string().min(1), amountMinor: minor.positive(), outcome: z.enum(['succeeded', 'failed']) }).optional(),
  providerPaymentId: z.string().optional(),
  // Stored as a Date; a JSON round trip (an export, a replay tool) makes it a string.
  occurredAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'is not a date'),
}) satisfies z.ZodType<NormalizedPaymentEvent>;

export function parseStoredPaymentEvent(normalized: unknown): { ok: true; event: NormalizedPaymentEvent } | { ok: false; reason: string } {
  const parsed = StoredPaymentEventSchema.safeParse(normalized);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'} ${i.message}`).join('; ') };
}
