import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { HoldingInput, HoldingSchema, TickerParam } from '../schemas.js';

const route = createRoute({
  method: 'put',
  path: '/api/external/portfolio/{ticker}',
  tags: ['market'],
  summary: 'Sets a holding: lots (100 shares each) and average price per share in rupiah',
  security: bearerSecurity,
  request: { params: TickerParam, body: { content: { 'application/json': { schema: HoldingInput } }, required: true } },
  responses: { 200: { description: 'The holding as stored', content: { 'application/json': { schema: HoldingSchema } } }, ...commonErrorResponses },
});

export const registerPortfolioSet = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.marketPortfolio.upsert(c.var.actor, { ticker: c.req.valid('param').ticker, ...c.req.valid('json') }), 200));
