import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { BatchSchema } from './payment-batch-submit.js';

const route = createRoute({
  method: 'get',
  path: '/api/payment/batch/{id}',
  tags: ['payments'],
  summary: 'A batch with each item’s payment and result',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: { 200: { description: 'The batch', content: { 'application/json': { schema: BatchSchema } } }, ...commonErrorResponses },
});

export const registerGetPaymentBatch = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.paymentBatches.get(c.var.actor, c.req.valid('param').id), 200));
