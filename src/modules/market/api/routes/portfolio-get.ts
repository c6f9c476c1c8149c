import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { PortfolioResponse } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/portfolio',
  tags: ['market'],
  summary: 'Your IDX portfolio valued at the latest prices: value, day change and gain/loss in IDR',
  security: bearerSecurity,
  responses: { 200: { description: 'Holdings and totals in IDR minor units', content: { 'application/json': { schema: PortfolioResponse } } }, ...commonErrorResponses },
});

export const registerPortfolioGet = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.marketPortfolio.valuation(c.var.actor.userId), 200));
