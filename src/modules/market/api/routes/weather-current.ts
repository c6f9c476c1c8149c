import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { WeatherQuery, WeatherResponse } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/weather',
  tags: ['market'],
  summary: 'Current weather and the week ahead for a city (Open-Meteo); default your settings\' city',
  security: bearerSecurity,
  request: { query: WeatherQuery },
  responses: { 200: { description: 'Place, current conditions and daily forecast', content: { 'application/json': { schema: WeatherResponse } } }, ...commonErrorResponses },
});

export const registerWeather = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { marketWeather, marketSettings } = c.var.services;
    const city = c.req.valid('query').city ?? (await marketSettings.get(c.var.actor.userId)).city;
    return c.json(await marketWeather.current(city), 200);
  });
