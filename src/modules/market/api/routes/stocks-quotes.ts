import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { StocksQuery, StocksResponse, splitList } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/stocks',
  tags: ['market'],
  summary: 'Quotes for IDX tickers (BBCA, TLKM…): price, previous close and day change in IDR minor units',
  security: bearerSecurity,
  request: { query: StocksQuery },
  responses: { 200: { description: 'One quote per ticker', content: { 'application/json': { schema: StocksResponse } } }, ...commonErrorResponses },
});

export const registerStockQuotes = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const quotes = await c.var.services.marketStocks.quotes(splitList(c.req.valid('query').symbols));
    return c.json({ quotes, attribution: 'Quotes: Yahoo Finance, delayed; not for trading' }, 200);
  });
