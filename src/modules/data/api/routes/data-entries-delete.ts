import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';

const route = createRoute({
  method: 'delete',
  path: '/api/data/entries/{id}',
  tags: ['data'],
  summary: 'Delete a hand-entered row (bank and imported rows: use POST /api/data/bulk)',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: { 204: { description: 'Deleted' }, ...commonErrorResponses },
});

export const registerDataEntriesDelete = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    await c.var.services.manualEntries.remove(c.var.actor, c.req.valid('param').id);
    return c.body(null, 204);
  });
