import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { BankAccountSchema } from '../schemas.js';

const route = createRoute({
  method: 'post',
  path: '/api/bank/connect/{consentId}/otp',
  tags: ['banks'],
  summary: 'Confirm a pending connection with the OTP the bank sent the account holder',
  security: bearerSecurity,
  request: {
    params: z.object({ consentId: z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hex id') }),
    body: { required: true, content: { 'application/json': { schema: z.object({ otp: z.string().trim().regex(/^\d{4,8}$/, 'must be the 4 to 8 digit code the bank sent') }) } } },
  },
  responses: {
    201: { description: 'Connected', content: { 'application/json': { schema: z.object({ status: z.literal('connected'), account: BankAccountSchema }) } } },
    409: errorResponse('Already confirmed'),
    422: errorResponse('The bank refused the OTP, or it expired'),
    ...commonErrorResponses,
  },
});

export const registerBankConnectOtp = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.banks.confirmOtp(c.var.actor, c.req.valid('param').consentId, c.req.valid('json').otp), 201));
