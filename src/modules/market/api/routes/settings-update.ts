import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { SettingsPatch, SettingsSchema } from '../schemas.js';

const route = createRoute({
  method: 'put',
  path: '/api/external/settings',
  tags: ['market'],
  summary: 'Changes your market settings; an unknown currency, city or ticker is refused naming it, nothing changed',
  security: bearerSecurity,
  request: { body: { content: { 'application/json': { schema: SettingsPatch } }, required: true } },
  responses: { 200: { description: 'The settings now', content: { 'application/json': { schema: SettingsSchema } } }, ...commonErrorResponses },
});

export const registerMarketSettingsUpdate = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.marketSettings.update(c.var.actor, c.req.valid('json')), 200));
