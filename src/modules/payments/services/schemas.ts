/**
 * Payment inputs, validated once and shared by the REST routes, the chat commands and the job payloads.
 */
import { z } from 'zod';
import { isSupportedCurrency } from '../../../lib/money.js';
import { PAYMENT_METHODS, PAYMENT_PROVIDERS } from '../providers/types.js';
import { strictDate } from '../../../lib/dates.js';

const minorAmount = z
  .number()
  .int('must be an integer count of minor units (IDR has 2 decimals: Rp150.000 is 15000000)')
  .positive('must be greater than zero')
  .max(Number.MAX_SAFE_INTEGER);

/** The fields of a payment request, before cross-field checks (reusable with .omit/.extend). */
export const PaymentRequestFields = z
  .object({
    method: z.enum(PAYMENT_METHODS),
    amountMinor: minorAmount,
    currency: z
      .string()
      .length(3)
      .transform((c) => c.toUpperCase())
      .refine(isSupportedCurrency, 'unsupported currency')
      .default('IDR'),
    description: z.string().trim().min(1).max(255).optional(),
    /** Force a provider for this payment (must support the method); routing decides otherwise. */
    provider: z.enum(PAYMENT_PROVIDERS).optional(),
    customer: z
      .object({
        name: z.string().trim().min(1).max(100).optional(),
        email: z.string().email().optional(),
        phone: z.string().regex(/^\+?\d{8,15}$/, 'must be a phone number like 081234567890 or +6281234567890').optional(),
      })
      .optional(),
    items: z
      .array(z.object({ name: z.string().trim().min(1).max(100), priceMinor: minorAmount, quantity: z.number().int().min(1).max(10_000) }))
      .min(1)
      .max(100)
      .optional(),
    /** How long the payer has; providers' defaults apply otherwise (24 h for VA and retail). */
    expiresInMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
    /** Charge later instead of now (Asia/Jakarta wall time is the caller's concern; this is an instant). */
    runAt: strictDate({ maxYearsAhead: 10 }).optional(),
    cardToken: z.string().min(8).max(200).optional(),
    mobileNumber: z.string().regex(/^(\+62|62|0)8\d{7,12}$/, 'must be an Indonesian mobile number like 081234567890').optional(),
    redirectUrl: z.string().url().optional(),
  });

/** Item lines must add up to the amount: providers reject the charge otherwise, so we refuse it first. */
export function checkItemTotals(req: { amountMinor: number; items?: { priceMinor: number; quantity: number }[] }, ctx: z.RefinementCtx): void {
  if (!req.items) return;
  const total = req.items.reduce((sum, item) => sum + item.priceMinor * item.quantity, 0);
  if (total !== req.amountMinor) ctx.addIssue({ code: 'custom', path: ['items'], message: `item totals (${total}) must add up to amountMinor (${req.amountMinor})` });
}

export const PaymentRequestSchema = PaymentRequestFields.superRefine(checkItemTotals);

export type PaymentRequest = z.infer<typeof PaymentRequestSchema>;

export const RefundRequestSchema = z.object({
  /** Defaults to everything not yet refunded. */
  amountMinor: minorAmount.optional(),
  reason: z.string().trim().min(1).max(255).optional(),
});
export type RefundRequestInput = z.infer<typeof RefundRequestSchema>;

export const BATCH_MAX_ITEMS = 1000;
