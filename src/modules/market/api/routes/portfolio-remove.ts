import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';

import { TickerParam } from '../schemas.js';

const route = createRoute({
  method: 'delete',
  path: '/api/external/portfolio/{ticker}',
  tags: ['market'],
  summary: 'Removes a holding from your portfolio',
  security: bearerSecurity,
  request: { params: TickerParam },
  responses: { 204: { description: 'Removed' }, ...commonErrorResponses },
});

export const registerPortfolioRemove = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    await c.var.services.marketPortfolio.remove(c.var.actor, c.req.valid('param').ticker);
    return c.body(null, 204);
  });
