import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { MappingView } from './data-mappings-create.js';

const route = createRoute({
  method: 'get',
  path: '/api/data/mappings',
  tags: ['data'],
  summary: 'Your saved column mappings',
  security: bearerSecurity,
  responses: { 200: { description: 'Mappings by name', content: { 'application/json': { schema: z.object({ mappings: z.array(MappingView) }) } } }, ...commonErrorResponses },
});

export const registerDataMappingsList = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json({ mappings: await c.var.services.dataMappings.list(c.var.actor) }, 200));
