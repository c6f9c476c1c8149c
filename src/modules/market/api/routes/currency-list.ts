import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { CurrencyListResponse } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/currency/list',
  tags: ['market'],
  summary: 'Every currency the rates sources quote today, with its name, minor unit and sources',
  security: bearerSecurity,
  responses: { 200: { description: 'Currencies by ISO code', content: { 'application/json': { schema: CurrencyListResponse } } }, ...commonErrorResponses },
});

export const registerCurrencyList = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json({ currencies: await c.var.services.marketRates.currencies() }, 200));
