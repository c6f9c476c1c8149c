import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { withQrImage } from '../../services/views.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { PaymentSchema } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/payment/{id}',
  tags: ['payments'],
  summary: 'One of your payments, with its instructions and every state change',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: { 200: { description: 'The payment', content: { 'application/json': { schema: PaymentSchema } } }, ...commonErrorResponses },
});

export const registerGetPayment = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await withQrImage(await c.var.services.payments.get(c.var.actor, c.req.valid('param').id)), 200));
