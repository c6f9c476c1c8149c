import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { HistoryQuerySchema } from '../../services/payment-queries.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { PaymentSchema } from '../schemas.js';

export const PaymentHistoryResponse = z.object({ payments: z.array(PaymentSchema), nextCursor: z.string().nullable() });

const route = createRoute({
  method: 'get',
  path: '/api/payment/history',
  tags: ['payments'],
  summary: 'Your payments, newest first, filtered by status, method, provider, dates and amounts (cursor pages)',
  security: bearerSecurity,
  request: { query: HistoryQuerySchema },
  responses: { 200: { description: 'A page of payments', content: { 'application/json': { schema: PaymentHistoryResponse } } }, ...commonErrorResponses },
});

export const registerPaymentHistory = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.paymentQueries.history(c.var.actor, c.req.valid('query')), 200));
