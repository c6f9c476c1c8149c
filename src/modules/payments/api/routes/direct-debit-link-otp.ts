import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import { LinkedAccountSchema } from '../schemas-direct-debit.js';

const route = createRoute({
  method: 'post',
  path: '/api/payment/direct-debit/links/{id}/otp',
  tags: ['payments'],
  summary: 'Confirm a BRI link with the OTP the bank texted to the account holder',
  security: bearerSecurity,
  request: {
    params: z.object({ id: ObjectIdParam }),
    body: { required: true, content: { 'application/json': { schema: z.object({ otp: z.string().regex(/^\d{4,8}$/, 'must be the 4–8 digit code the bank sent') }).strict() } } },
  },
  responses: {
    200: { description: 'The link, active once the bank accepted the OTP', content: { 'application/json': { schema: LinkedAccountSchema } } },
    409: errorResponse('The link is not waiting for an OTP (already active, unlinked, linked on the bank page, or too many wrong codes)'),
    ...commonErrorResponses,
  },
});

export const registerConfirmDirectDebitOtp = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.directDebit.confirmOtp(c.var.actor, c.req.valid('param').id, c.req.valid('json').otp), 200));
