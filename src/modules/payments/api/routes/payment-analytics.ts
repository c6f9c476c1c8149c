import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { AnalyticsQuerySchema } from '../../services/payment-queries.js';
import { conversionTarget } from '../../../market/api/conversion-target.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';

const ConvertedFigures = z.object({
  currency: z.string(),
  totalAmountMinor: z.number().int(),
  settledAmountMinor: z.number().int(),
  refundedAmountMinor: z.number().int(),
  netSettledAmountMinor: z.number().int(),
});
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
  /** With `currency` or `homeCurrency=true`: the money figures in that currency, beside the originals. */
  converted: ConvertedFigures.optional(),
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
  conversion: z.object({ currency: z.string(), basis: z.string(), stale: z.boolean(), total: ConvertedFigures }).optional(),
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
  app.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { paymentQueries } = c.var.services;
    const to = await conversionTarget(c.var.services, c.var.actor.userId, query);
    if (!to) return c.json(await paymentQueries.analytics(c.var.actor, query), 200);
    return c.json(await paymentQueries.analyticsIn(c.var.actor, query, c.var.services.marketHomeCurrency, to), 200);
  });
