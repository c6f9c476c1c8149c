import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { BankAccountSchema } from '../schemas.js';

const ConsentSchema = z.object({
  consentId: z.string(),
  bank: z.string(),
  kind: z.enum(['otp', 'redirect']),
  status: z.enum(['pending', 'connected', 'failed', 'expired', 'revoked']),
  reason: z.string().nullable().openapi({ description: 'Why it failed (declined at the bank, expired link, code refused)' }),
  expiresAt: z.string().nullable().openapi({ description: 'While pending: until when the holder can still consent' }),
  account: BankAccountSchema.nullable(),
});

const route = createRoute({
  method: 'get',
  path: '/api/bank/connect/{consentId}',
  tags: ['banks'],
  summary: "How one of your bank consents ended (after the holder's visit to the bank's page, or the OTP)",
  security: bearerSecurity,
  request: { params: z.object({ consentId: z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hex id') }) },
  responses: { 200: { description: 'The consent', content: { 'application/json': { schema: ConsentSchema } } }, ...commonErrorResponses },
});

export const registerBankConsent = (app: OpenAPIHono<HubEnv>) => app.openapi(route, async (c) => c.json(await c.var.services.banks.consent(c.var.actor, c.req.valid('param').consentId), 200));
