/**
 * What the Xendit adapter reads from each API answer (field names from docs.xendit.co: e-wallet charges, QR codes
 * 2022-07-31, callback virtual accounts and their payments, fixed payment codes and their payments, payment requests,
 * customers, payment methods v2, invoices v2, refunds, and the {error_code, message} error body). Only the fields we
 * read are checked; extra fields pass. Xendit sends null for fields that are not set, so every field that is not
 * always there is `omittable` (absent or null). Amounts are JSON numbers; the adapter charges IDR only, in whole
 * rupiah, so an amount with a fraction is not an IDR amount.
 */
import { z } from 'zod';
import { isoDateTime, omittable } from '../../../providers/answer.js';

const id = z.string().min(1);
/** Status words differ per product; mapXenditStatus / linkState / refundOutcome read them. */
const status = z.string().min(1);
const idr = z.number().int('must be whole rupiah').nonnegative();

/** An error answer: its HTTP status decides; the body adds Xendit's code and words when it has them. */
export const XenditErrorBody = z
  .looseObject({ error_code: z.string().optional().catch(undefined), message: z.string().optional().catch(undefined) })
  .catch({ error_code: undefined, message: undefined });
export type XenditErrorBody = z.output<typeof XenditErrorBody>;

const url = omittable(z.string());
export const EwalletCharge = z.looseObject({
  id,
  reference_id: omittable(z.string()),
  status,
  charge_amount: omittable(idr),
  capture_amount: omittable(idr),
  refunded_amount: omittable(idr),
  // null for channels that push to the app (OVO); each URL null where the channel has no such checkout.
  actions: omittable(z.looseObject({ desktop_web_checkout_url: url, mobile_web_checkout_url: url, mobile_deeplink_checkout_url: url })),
});

/** A refund as the e-wallet refund call and the Refunds API answer it when it is made. */
export const RefundMade = z.looseObject({ id, status, refunded_amount: omittable(idr) });

/** A refund looked up in the Refunds API. */
export const RefundState = z.looseObject({ status, amount: idr, currency: omittable(z.string()) });

export const QrCode = z.looseObject({
  id,
  reference_id: omittable(z.string()),
  status,
  qr_string: omittable(z.string()),
  expires_at: omittable(isoDateTime),
});

export const QrPayments = z.looseObject({
  data: z.array(z.looseObject({ status, amount: omittable(idr), created: omittable(isoDateTime) })),
});

export const VirtualAccountCreated = z.looseObject({
  id,
  status,
  account_number: z.string().min(1),
  bank_code: z.string().min(1),
  expiration_date: omittable(isoDateTime),
});

export const PaymentCodeCreated = z.looseObject({
  id,
  status,
  payment_code: z.string().min(1),
  expiration_date: omittable(isoDateTime),
});

/** A VA or a retail payment code looked up: a paid single-use one mostly has no paid_at. */
export const CodeState = z.looseObject({ status, paid_at: omittable(isoDateTime), expiration_date: omittable(isoDateTime) });

export const VirtualAccountPayment = z.looseObject({
  callback_virtual_account_id: id,
  external_id: omittable(z.string()),
  amount: omittable(idr),
  transaction_timestamp: omittable(isoDateTime),
});

export const PaymentCodePayments = z.looseObject({
  data: z.array(
    z.looseObject({
      id: omittable(z.string()),
      payment_id: omittable(z.string()),
      status,
      external_id: omittable(z.string()),
      amount: omittable(idr),
      transaction_timestamp: omittable(isoDateTime),
    }),
  ),
});

const action = z.looseObject({ action: z.string(), url: omittable(z.string()), url_type: omittable(z.string()) });

export const PaymentRequest = z.looseObject({
  id,
  reference_id: omittable(z.string()),
  status,
  amount: omittable(idr),
  actions: omittable(z.array(action)),
});
export const PaymentRequestList = z.looseObject({ data: z.array(PaymentRequest) });

export const Invoice = z.looseObject({
  id,
  external_id: omittable(z.string()),
  status,
  amount: omittable(idr),
  paid_at: omittable(isoDateTime),
  invoice_url: omittable(z.string()),
  expiry_date: omittable(isoDateTime),
});
/** A new invoice is nothing without the page the payer pays on. */
export const InvoiceCreated = Invoice.extend({ invoice_url: z.string().min(1) });
/** GET /v2/invoices?external_id=… answers a bare array. */
export const InvoiceList = z.array(Invoice);

export const Customer = z.looseObject({ id });

export const PaymentMethod = z.looseObject({
  id,
  status,
  actions: omittable(z.array(action)),
  direct_debit: omittable(
    z.looseObject({
      debit_card: omittable(z.looseObject({ card_last_four: omittable(z.string()) })),
      bank_account: omittable(z.looseObject({ masked_bank_account_number: omittable(z.string()) })),
    }),
  ),
});

export type EwalletCharge = z.output<typeof EwalletCharge>;
export type PaymentRequest = z.output<typeof PaymentRequest>;
export type Invoice = z.output<typeof Invoice>;
export type PaymentMethod = z.output<typeof PaymentMethod>;
