import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { SeasonalQuery } from '../schemas.js';
import { seasonalChartPng } from '../../services/seasonal-chart.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/weather/seasonal.png',
  tags: ['market'],
  summary: 'The seasonal spending analysis as a chart image (PNG): spending bars by category, rainfall line',
  security: bearerSecurity,
  request: { query: SeasonalQuery },
  responses: { 200: { description: 'A 960×540 PNG', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } }, ...commonErrorResponses },
});

export const registerSeasonalChart = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { marketSeasonal, marketSettings } = c.var.services;
    const query = c.req.valid('query');
    const settings = await marketSettings.get(c.var.actor.userId);
    const analysis = await marketSeasonal.analyse(c.var.actor.userId, { city: query.city ?? settings.city, months: query.months, currency: query.currency ?? settings.homeCurrency });
    const png = seasonalChartPng(analysis);
    return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'private, max-age=3600' });
  });
