import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { RefundRequestSchema } from '../../services/schemas.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import { PaymentSchema } from '../schemas.js';

const route = createRoute({
  method: 'post',
  path: '/api/payment/{id}/refund',
  tags: ['payments'],
  summary: 'Refund a settled payment, fully or in part',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }), body: { required: false, content: { 'application/json': { schema: RefundRequestSchema } } } },
  responses: {
    200: { description: 'The payment after the refund', content: { 'application/json': { schema: PaymentSchema } } },
    409: errorResponse('The payment is not refundable in its state'),
    ...commonErrorResponses,
  },
});

export const registerRefundPayment = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.payments.refund(c.var.actor, c.req.valid('param').id, c.req.valid('json') ?? {}), 200));
