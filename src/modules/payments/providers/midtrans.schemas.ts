/**
 * What the Midtrans adapter reads from Core API answers (charge, status, cancel, expire, refund share one transaction
 * shape; docs.midtrans.com "Charge", "Get Status", "Cancel", "Expire", "Refund" responses). Only the fields we read
 * are checked, every one that is not always sent is optional, and extra fields pass. Midtrans writes numbers as
 * text: `status_code` "201" and `gross_amount` "150000.00" are checked as such and read into numbers here.
 */
import { z } from 'zod';
import { decimalToMinor } from '../../../lib/money.js';
import { omittable } from '../../../providers/answer.js';

/** transaction_status words Midtrans documents; a word outside them is an answer we cannot map. */
export const MIDTRANS_TRANSACTION_STATUSES = ['capture', 'settlement', 'pending', 'deny', 'cancel', 'expire', 'failure', 'refund', 'partial_refund', 'authorize'] as const;

const statusCode = z
  .string()
  .regex(/^\d{3}$/, 'must be a three-digit status code like "201"')
  .transform(Number);
export const midtransDecimal = z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be a decimal amount like "150000.00"');

/**
 * Read before anything else, from every 2xx answer: Midtrans often answers HTTP 200 with the real outcome in the
 * body's status_code, and a body that carries a transaction_status is a transaction (an expired one has 407).
 */
export const MidtransEnvelope = z.looseObject({
  status_code: omittable(statusCode),
  status_message: omittable(z.string()),
  validation_messages: omittable(z.array(z.string())),
  transaction_status: omittable(z.string()),
});
export type MidtransEnvelope = z.output<typeof MidtransEnvelope>;

/**
 * An error answer (HTTP 4xx, or a 2xx whose status_code says no): its status decides what it means, the body only
 * adds Midtrans's words. A body we cannot read (a proxy's HTML 404) still is the error its status says, so each
 * field that is not what the docs say is dropped rather than turning the refusal into a different error.
 */
export const MidtransErrorBody = z
  .looseObject({
    status_code: statusCode.optional().catch(undefined),
    status_message: z.string().optional().catch(undefined),
    validation_messages: z.array(z.string()).optional().catch(undefined),
  })
  .catch({ status_code: undefined, status_message: undefined, validation_messages: undefined });
export type MidtransErrorBody = z.output<typeof MidtransErrorBody>;

const vaNumber = z.looseObject({ bank: z.string(), va_number: z.string() });
const action = z.looseObject({ name: z.string(), url: z.string(), method: omittable(z.string()) });
const refundEntry = z.looseObject({ refund_key: omittable(z.string()), refund_amount: omittable(midtransDecimal) });

/** A transaction as charge, status, cancel, expire and refund answer it. */
export const MidtransTransaction = z
  .looseObject({
    status_code: omittable(statusCode),
    status_message: omittable(z.string()),
    transaction_id: omittable(z.string()),
    order_id: omittable(z.string()),
    transaction_status: omittable(z.enum(MIDTRANS_TRANSACTION_STATUSES)),
    fraud_status: omittable(z.string()),
    gross_amount: omittable(midtransDecimal),
    currency: omittable(z.string()),
    transaction_time: omittable(z.string()),
    settlement_time: omittable(z.string()),
    expiry_time: omittable(z.string()),
    refund_amount: omittable(midtransDecimal),
    refund_key: omittable(z.string()),
    refunds: omittable(z.array(refundEntry)),
    // Payment instructions, per payment type.
    va_numbers: omittable(z.array(vaNumber)),
    permata_va_number: omittable(z.string()),
    bill_key: omittable(z.string()),
    biller_code: omittable(z.string()),
    payment_code: omittable(z.string()),
    store: omittable(z.string()),
    qr_string: omittable(z.string()),
    redirect_url: omittable(z.string()),
    actions: omittable(z.array(action)),
  })
  .transform((t, ctx) => {
    // Amounts into minor units of the answer's currency, here, so a figure that does not fit it names its field.
    const currency = t.currency ?? 'IDR';
    const minor = (field: 'gross_amount' | 'refund_amount', value: string | undefined) => {
      if (value === undefined) return undefined;
      try {
        return decimalToMinor(value, currency);
      } catch {
        ctx.addIssue({ code: 'custom', path: [field], message: `is not an amount in ${currency}` });
        return undefined;
      }
    };
    return { ...t, currency, grossAmountMinor: minor('gross_amount', t.gross_amount), refundAmountMinor: minor('refund_amount', t.refund_amount) };
  });
export type MidtransTransaction = z.output<typeof MidtransTransaction>;
