/**
 * OpenAPI shapes of payment responses, shared by the payment routes.
 */
import { z } from '@hono/zod-openapi';

export const PaymentInstructionsSchema = z
  .object({
    kind: z.string().openapi({ example: 'virtual_account' }),
    qrString: z.string().optional(),
    qrImageDataUrl: z.string().optional().openapi({ description: 'PNG of the QR code as a data: URL' }),
    vaNumber: z.string().optional(),
    bank: z.string().optional(),
    billerCode: z.string().optional(),
    billKey: z.string().optional(),
    deeplinkUrl: z.string().optional(),
    redirectUrl: z.string().optional(),
    paymentCode: z.string().optional(),
    store: z.string().optional(),
    expiresAt: z.string().optional(),
  })
  .passthrough()
  .openapi('PaymentInstructions');

export const PaymentSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    status: z.string().openapi({ example: 'pending' }),
    method: z.string(),
    provider: z.string(),
    amountMinor: z.number().int().openapi({ example: 15000000 }),
    currency: z.string().openapi({ example: 'IDR' }),
    amount: z.string().openapi({ example: '150000.00' }),
    amountDisplay: z.string().openapi({ example: 'Rp150.000,00' }),
    refundedAmountMinor: z.number().int(),
    description: z.string().nullable(),
    instructions: PaymentInstructionsSchema.nullable(),
    chargeState: z.string(),
    failureReason: z.string().nullable(),
    origin: z.record(z.string(), z.unknown()),
    runAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    settledAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    refunds: z.array(
      z.object({
        refundRef: z.string(),
        amountMinor: z.number().int(),
        status: z.enum(['pending', 'succeeded', 'failed']),
        reason: z.string().nullable(),
        requestedAt: z.string(),
        completedAt: z.string().nullable(),
      }),
    ),
    history: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        at: z.string(),
        source: z.string(),
        providerStatus: z.string().nullable(),
        eventId: z.string().nullable(),
        note: z.string().nullable(),
      }),
    ),
  })
  .openapi('Payment');

export const IdempotencyKeyHeader = z.object({
  'idempotency-key': z
    .string({ error: 'the Idempotency-Key header is required' })
    .min(8, 'must be at least 8 characters')
    .max(128)
    .regex(/^[A-Za-z0-9._:-]+$/, 'may contain letters, digits and . _ : - only')
    .openapi({ description: 'Unique per payment you intend; repeat it to retry safely', example: 'inv-2026-11-0042' }),
});
