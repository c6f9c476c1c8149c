import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import { RecurringSchema } from './payment-recurring-create.js';

const route = createRoute({
  method: 'delete',
  path: '/api/payment/recurring/{id}',
  tags: ['payments'],
  summary: 'Stop a recurring payment (future runs only; a payment already made keeps its course)',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: {
    200: { description: 'Cancelled', content: { 'application/json': { schema: RecurringSchema } } },
    409: errorResponse('Already cancelled or completed'),
    ...commonErrorResponses,
  },
});

export const registerCancelRecurringPayment = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.recurringPayments.cancel(c.var.actor, c.req.valid('param').id), 200));
