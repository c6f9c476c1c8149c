import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { ScheduleView } from './data-export-schedule-create.js';

const route = createRoute({
  method: 'get',
  path: '/api/data/export/schedules',
  tags: ['data'],
  summary: 'Your active export schedules with their next run (Asia/Jakarta)',
  security: bearerSecurity,
  responses: { 200: { description: 'Schedules', content: { 'application/json': { schema: z.object({ schedules: z.array(ScheduleView) }) } } }, ...commonErrorResponses },
});

export const registerDataExportScheduleList = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json({ schedules: await c.var.services.dataExportSchedules.list(c.var.actor) }, 200));
