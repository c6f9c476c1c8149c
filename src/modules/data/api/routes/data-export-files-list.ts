import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';

const FileView = z
  .object({ id: z.string(), scheduleId: z.string(), fileName: z.string(), format: z.string(), size: z.number().int(), rows: z.number().int(), period: z.object({ from: z.string(), to: z.string() }), createdAt: z.string(), url: z.string() })
  .openapi('ExportFile');

const route = createRoute({
  method: 'get',
  path: '/api/data/export/files',
  tags: ['data'],
  summary: 'Files your scheduled exports produced, newest first',
  security: bearerSecurity,
  responses: { 200: { description: 'Files', content: { 'application/json': { schema: z.object({ files: z.array(FileView) }) } } }, ...commonErrorResponses },
});

export const registerDataExportFilesList = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json({ files: await c.var.services.dataExportSchedules.files(c.var.actor) }, 200));
