import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { RatesQuery, RatesResponse, splitList } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/currency',
  tags: ['market'],
  summary: 'Exchange rates against a base, today or on a past date (ECB via Frankfurter; open.er-api.com as fallback)',
  security: bearerSecurity,
  request: { query: RatesQuery },
  responses: { 200: { description: 'Rates as exact decimal strings, with their date, source and freshness', content: { 'application/json': { schema: RatesResponse } } }, ...commonErrorResponses },
});

export const registerCurrencyRates = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { base, symbols, date } = c.req.valid('query');
    return c.json(await c.var.services.marketRates.rates(base, splitList(symbols), date), 200);
  });
