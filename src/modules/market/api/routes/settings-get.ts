import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { SettingsSchema } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/settings',
  tags: ['market'],
  summary: 'Your market settings: home currency, city, watch list, enabled services',
  security: bearerSecurity,
  responses: { 200: { description: 'Settings (defaults until you change them)', content: { 'application/json': { schema: SettingsSchema } } }, ...commonErrorResponses },
});

export const registerMarketSettingsGet = (app: OpenAPIHono<HubEnv>) => app.openapi(route, async (c) => c.json(await c.var.services.marketSettings.get(c.var.actor.userId), 200));
