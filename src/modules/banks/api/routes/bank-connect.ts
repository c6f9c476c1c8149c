import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { BankAccountSchema, SyncFrequencySchema } from '../schemas.js';

const ConnectBody = z.object({
  bank: z.string().trim().min(2).max(10).openapi({ example: 'BCA', description: 'BCA, MANDIRI, BNI, BRI, CIMB or DANAMON (any case)' }),
  accountNumber: z.string().trim().min(6).max(30).openapi({ example: '0611104625' }),
  name: z.string().trim().min(1).max(80).optional(),
  syncFrequency: SyncFrequencySchema.optional(),
  consent: z
    .enum(['otp', 'redirect'])
    .optional()
    .openapi({ description: "Go through the bank's consent step even where the (simulated) bank could confirm at once; must be the bank's way (GET /api/bank/providers: consent)" }),
});

const Connected = z.object({ status: z.literal('connected'), account: BankAccountSchema });
const PendingOtp = z.object({
  status: z.literal('otp_required'),
  consentId: z.string().openapi({ description: 'POST /api/bank/connect/{consentId}/otp with the code the bank sent its holder' }),
  bank: z.string(),
  accountNumberMasked: z.string(),
  expiresAt: z.string().nullable(),
});
const PendingRedirect = z.object({
  status: z.literal('redirect_required'),
  consentId: z.string().openapi({ description: 'GET /api/bank/connect/{consentId} tells how it ended' }),
  bank: z.string(),
  accountNumberMasked: z.string(),
  authorizationUrl: z.string().openapi({ description: "The bank's consent page: open it in the account holder's browser. The bank sends the holder back to the hub, which finishes the connection." }),
  expiresAt: z.string(),
});

const route = createRoute({
  method: 'post',
  path: '/api/bank/connect',
  tags: ['banks'],
  summary: "Connect a bank account: the bank asks its holder to consent (an OTP, or its own page); in sandbox mode the simulated holder consents at once unless `consent` asks for the step",
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: ConnectBody } } } },
  responses: {
    201: { description: 'Connected: the account, syncing on its schedule', content: { 'application/json': { schema: Connected } } },
    202: { description: "Waiting for the holder: the OTP the bank sent, or approval on the bank's page", content: { 'application/json': { schema: z.union([PendingOtp, PendingRedirect]) } } },
    422: errorResponse('The bank does not know the account, or it is not active'),
    503: errorResponse('The bank is not enabled on this hub or did not answer'),
    ...commonErrorResponses,
  },
});

export const registerBankConnect = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const result = await c.var.services.banks.connect(c.var.actor, c.req.valid('json'), new URL(c.req.url).origin);
    if (result.status === 'connected') return c.json(result, 201);
    if (result.status === 'redirect_required') {
      const { connectionId, ...rest } = result;
      return c.json({ ...rest, consentId: connectionId }, 202);
    }
    return c.json({ status: result.status, consentId: result.connectionId, bank: result.bank, accountNumberMasked: result.accountNumberMasked, expiresAt: result.expiresAt ?? null }, 202);
  });
