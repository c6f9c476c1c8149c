import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { RecurringSchema } from './payment-recurring-create.js';

const route = createRoute({
  method: 'get',
  path: '/api/payment/recurring',
  tags: ['payments'],
  summary: 'Your recurring payments with their next runs',
  security: bearerSecurity,
  responses: { 200: { description: 'Recurring payments', content: { 'application/json': { schema: z.object({ recurring: z.array(RecurringSchema) }) } } }, ...commonErrorResponses },
});

export const registerListRecurringPayments = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.recurringPayments.list(c.var.actor), 200));
