import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { AnalyticsQuerySchema } from '../../services/payment-queries.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';

const GroupSchema = z.object({
  key: z.string(),
  currency: z.string(),
  count: z.number().int(),
  successCount: z.number().int(),
  /** Payments still waiting for an outcome (not counted in successRate). */
  pendingCount: z.number().int(),
  /** Settled ÷ payments with an outcome; null while none has one. */
  successRate: z.number().nullable(),
  totalAmountMinor: z.number().int(),
  settledAmountMinor: z.number().int(),
  refundedAmountMinor: z.number().int(),
  /** Settled minus refunded: what was really paid. */
  netSettledAmountMinor: z.number().int(),
  averageSettlementSeconds: z.number().nullable(),
});
export const AnalyticsResponse = z.object({
  period: z.string(),
  timezone: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  totals: z.array(GroupSchema),
  byPeriod: z.array(GroupSchema),
  byMethod: z.array(GroupSchema),
  byProvider: z.array(GroupSchema),
  byStatus: z.array(GroupSchema),
});

const route = createRoute({
  method: 'get',
  path: '/api/payment/analytics',
  tags: ['payments'],
  summary: 'Totals, counts, success rate and average settlement time by period (Asia/Jakarta), method, provider and status',
  security: bearerSecurity,
  request: { query: AnalyticsQuerySchema },
  responses: { 200: { description: 'Analytics', content: { 'application/json': { schema: AnalyticsResponse } } }, ...commonErrorResponses },
});

export const registerPaymentAnalytics = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.paymentQueries.analytics(c.var.actor, c.req.valid('query')), 200));
