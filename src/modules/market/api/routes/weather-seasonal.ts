import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { SeasonalQuery, SeasonalResponse } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/weather/seasonal',
  tags: ['market'],
  summary: 'Your spending by category per month against rainfall and temperature (rainy vs dry season)',
  security: bearerSecurity,
  request: { query: SeasonalQuery },
  responses: { 200: { description: 'Months, season comparison per category, totals', content: { 'application/json': { schema: SeasonalResponse } } }, ...commonErrorResponses },
});

export const registerSeasonalAnalysis = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { marketSeasonal, marketSettings } = c.var.services;
    const query = c.req.valid('query');
    const settings = await marketSettings.get(c.var.actor.userId);
    const analysis = await marketSeasonal.analyse(c.var.actor.userId, { city: query.city ?? settings.city, months: query.months, currency: query.currency ?? settings.homeCurrency });
    return c.json(analysis, 200);
  });
