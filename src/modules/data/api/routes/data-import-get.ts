import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';

const route = createRoute({
  method: 'get',
  path: '/api/data/import/{id}',
  tags: ['data'],
  summary: 'Progress and result of an import: imported, duplicates, rejected rows with reasons, footer checks',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: { 200: { description: 'The import job', content: { 'application/json': { schema: z.any() } } }, ...commonErrorResponses },
});

export const registerDataImportGet = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.data.getImport(c.var.actor, c.req.valid('param').id), 200));
