import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';

const route = createRoute({
  method: 'delete',
  path: '/api/data/export/schedule/{id}',
  tags: ['data'],
  summary: 'Stop a scheduled export (files it made stay downloadable)',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: { 204: { description: 'Stopped' }, ...commonErrorResponses },
});

export const registerDataExportScheduleDelete = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    await c.var.services.dataExportSchedules.cancel(c.var.actor, c.req.valid('param').id);
    return c.body(null, 204);
  });
