import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { BankAccountSchema, SyncFrequencySchema } from '../schemas.js';

const ConnectBody = z.object({
  bank: z.string().trim().min(2).max(10).openapi({ example: 'BCA', description: 'BCA, MANDIRI, BNI, BRI, CIMB or DANAMON (any case)' }),
  accountNumber: z.string().trim().min(6).max(30).openapi({ example: '0611104625' }),
  name: z.string().trim().min(1).max(80).optional(),
  syncFrequency: SyncFrequencySchema.optional(),
  consent: z.enum(['otp']).optional().openapi({ description: 'otp: go through the OTP step even where the (simulated) bank could confirm at once' }),
});

const Connected = z.object({ status: z.literal('connected'), account: BankAccountSchema });
const Pending = z.object({
  status: z.literal('otp_required'),
  consentId: z.string().openapi({ description: 'POST /api/bank/connect/{consentId}/otp with the code the bank sent its holder' }),
  bank: z.string(),
  accountNumberMasked: z.string(),
  expiresAt: z.string().nullable(),
});

const route = createRoute({
  method: 'post',
  path: '/api/bank/connect',
  tags: ['banks'],
  summary: 'Connect a bank account: the bank asks its holder to consent (OTP); in sandbox mode the simulated holder consents at once',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: ConnectBody } } } },
  responses: {
    201: { description: 'Connected: the account, syncing on its schedule', content: { 'application/json': { schema: Connected } } },
    202: { description: 'Waiting for the OTP the bank sent its holder', content: { 'application/json': { schema: Pending } } },
    422: errorResponse('The bank does not know the account, or it is not active'),
    503: errorResponse('The bank is not enabled on this hub or did not answer'),
    ...commonErrorResponses,
  },
});

export const registerBankConnect = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const result = await c.var.services.banks.connect(c.var.actor, c.req.valid('json'));
    if (result.status === 'connected') return c.json(result, 201);
    return c.json({ status: result.status, consentId: result.connectionId, bank: result.bank, accountNumberMasked: result.accountNumberMasked, expiresAt: result.expiresAt ?? null }, 202);
  });
