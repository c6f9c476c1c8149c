import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { HistoryQuery, HistoryResponse, TickerParam } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/stocks/{ticker}/history',
  tags: ['market'],
  summary: 'Daily prices of one IDX ticker over a range (5d, 1mo, 3mo, 6mo, 1y)',
  security: bearerSecurity,
  request: { params: TickerParam, query: HistoryQuery },
  responses: { 200: { description: 'The latest quote and one bar per trading day', content: { 'application/json': { schema: HistoryResponse } } }, ...commonErrorResponses },
});

export const registerStockHistory = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.marketStocks.history(c.req.valid('param').ticker, c.req.valid('query').range), 200));
