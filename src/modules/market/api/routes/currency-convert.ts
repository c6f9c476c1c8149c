import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { ConvertQuery, ConvertResponse } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/currency/convert',
  tags: ['market'],
  summary: 'Converts an amount between any two currencies at today\'s or a past date\'s rate, rounded to the target\'s minor unit',
  security: bearerSecurity,
  request: { query: ConvertQuery },
  responses: { 200: { description: 'Both amounts in minor units and as decimals, the rate and its date', content: { 'application/json': { schema: ConvertResponse } } }, ...commonErrorResponses },
});

export const registerCurrencyConvert = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { amount, from, to, date } = c.req.valid('query');
    return c.json(await c.var.services.marketRates.convert(amount, from, to, date), 200);
  });
