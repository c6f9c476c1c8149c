/** What the direct-debit link routes answer: a link as its owner sees it (never the provider's token). */
import { z } from '@hono/zod-openapi';

export const LinkedAccountSchema = z
  .object({
    id: z.string(),
    method: z.enum(['direct_debit_bri', 'direct_debit_mandiri']),
    channel: z.enum(['BRI', 'MANDIRI']),
    provider: z.string(),
    status: z.enum(['pending', 'active', 'failed', 'unlinked']),
    accountLabel: z.string().optional().openapi({ description: 'A masked card or account number, once active' }),
    nextStep: z
      .union([z.object({ kind: z.literal('otp'), how: z.string() }), z.object({ kind: z.literal('redirect'), url: z.string(), how: z.string() })])
      .optional()
      .openapi({ description: 'While pending: type the OTP the bank texted (BRI), or approve on the bank page (Mandiri)' }),
    createdAt: z.string(),
    activatedAt: z.string().optional(),
  })
  .openapi('LinkedAccount');
