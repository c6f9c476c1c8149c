/**
 * Midtrans HTTP notification → the provider-neutral payment event the inbox stores.
 */
import { z } from 'zod';
import { validationFailed } from '../../../../lib/errors.js';
import { decimalToMinor } from '../../../../lib/money.js';
import { mapMidtransTransactionStatus, parseMidtransTime } from '../../providers/midtrans.js';
import type { NormalizedPaymentEvent } from '../../providers/types.js';

const decimalString = z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be a decimal amount like "150000.00"');

const NotificationSchema = z.object({
  order_id: z.string().min(1).max(100),
  status_code: z.string().regex(/^\d{3}$/),
  gross_amount: decimalString,
  transaction_status: z.enum(['capture', 'settlement', 'pending', 'deny', 'cancel', 'expire', 'failure', 'refund', 'partial_refund', 'authorize']),
  transaction_id: z.string().optional(),
  transaction_time: z.string().optional(),
  settlement_time: z.string().optional(),
  fraud_status: z.string().optional(),
  currency: z.string().length(3).optional(),
  refund_amount: decimalString.optional(),
  refunds: z.array(z.object({ refund_key: z.string().optional(), refund_amount: decimalString.optional() }).passthrough()).optional(),
});


export function normalizeMidtransNotification(body: unknown): NormalizedPaymentEvent {
  const parsed = NotificationSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message }));
    throw validationFailed(issues, 'not a Midtrans notification');
  }
  const n = parsed.data;
  const currency = n.currency ?? 'IDR';
  const toMinor = (field: string, value: string) => {
    try {
      return decimalToMinor(value, currency);
    } catch (err) {
      throw validationFailed([{ field, reason: (err as Error).message }], 'not a Midtrans notification');
    }
  };
  // The refunds list is the record of every refund so far; its sum is the refunded total whatever `refund_amount`
  // means in a given notification. `refund_amount` is the fallback when no list came.
  const listed = n.refunds?.filter((r) => r.refund_amount !== undefined);
  const refundedMinor = listed?.length
    ? listed.reduce((sum, r, i) => sum + toMinor(`refunds.${i}.refund_amount`, r.refund_amount!), 0)
    : n.refund_amount !== undefined
      ? toMinor('refund_amount', n.refund_amount)
      : undefined;
  const isRefund = n.transaction_status === 'refund' || n.transaction_status === 'partial_refund';
  const lastRefundKey = n.refunds?.at(-1)?.refund_key;
  return {
    provider: 'midtrans',
    // One event per status of an order; each refund is its own event (two partial refunds are two events).
    // A challenged card capture is followed by the same capture once reviewed (fraud_status challenge → accept or
    // deny): the fraud status is part of what makes it a new event.
    eventKey: [
      'midtrans',
      n.order_id,
      n.transaction_status,
      n.status_code,
      ...(n.transaction_status === 'capture' && n.fraud_status ? [n.fraud_status] : []),
      ...(isRefund ? [lastRefundKey ?? String(refundedMinor ?? '')] : []),
    ].join(':'),
    orderId: n.order_id,
    providerRef: n.transaction_id,
    status: mapMidtransTransactionStatus(n.transaction_status, n.fraud_status),
    providerStatus: n.transaction_status,
    amount: { amountMinor: toMinor('gross_amount', n.gross_amount), currency },
    refundedAmountMinor: isRefund ? refundedMinor : undefined,
    occurredAt: parseMidtransTime(n.settlement_time) ?? parseMidtransTime(n.transaction_time) ?? new Date(),
  };
}
