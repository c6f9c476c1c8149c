import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import { PaymentSchema } from '../schemas.js';

const route = createRoute({
  method: 'post',
  path: '/api/payment/{id}/cancel',
  tags: ['payments'],
  summary: 'Cancel a scheduled payment, or a pending one at its provider',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: {
    200: { description: 'The payment after cancelling', content: { 'application/json': { schema: PaymentSchema } } },
    409: errorResponse('The payment can no longer be cancelled'),
    ...commonErrorResponses,
  },
});

export const registerCancelPayment = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.payments.cancel(c.var.actor, c.req.valid('param').id), 200));
