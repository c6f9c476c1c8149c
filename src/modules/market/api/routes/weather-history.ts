import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { validationFailed } from '../../../../lib/errors.js';
import { WeatherHistoryQuery, WeatherHistoryResponse } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/weather/history',
  tags: ['market'],
  summary: 'Past weather for a city month by month (ERA5 archive): rainfall, mean temperature, rainy days, season',
  security: bearerSecurity,
  request: { query: WeatherHistoryQuery },
  responses: { 200: { description: 'One entry per month (the archive runs about five days behind)', content: { 'application/json': { schema: WeatherHistoryResponse } } }, ...commonErrorResponses },
});

export const registerWeatherHistory = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { marketWeather, marketSettings } = c.var.services;
    const { city, from, to } = c.req.valid('query');
    const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5)) - Number(from.slice(5)) + 1;
    if (months < 1) throw validationFailed([{ field: 'to', reason: 'must not be before from', in: 'query' }]);
    if (months > 36) throw validationFailed([{ field: 'to', reason: 'at most 36 months at once', in: 'query' }]);
    const place = city ?? (await marketSettings.get(c.var.actor.userId)).city;
    return c.json(await marketWeather.monthly(place, from, to), 200);
  });
