import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { CONTENT_TYPES, type ExportFormat } from '../../services/exporters/model.js';

const route = createRoute({
  method: 'get',
  path: '/api/data/export/files/{id}',
  tags: ['data'],
  summary: 'Download a file a scheduled export produced',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: { 200: { description: 'The file', content: { 'application/octet-stream': { schema: z.any() } } }, ...commonErrorResponses },
});

export const registerDataExportFileGet = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const file = await c.var.services.dataExportSchedules.file(c.var.actor, c.req.valid('param').id);
    return new Response(Readable.toWeb(createReadStream(file.path)) as ReadableStream, {
      status: 200,
      headers: { 'content-type': CONTENT_TYPES[file.format as ExportFormat], 'content-length': String(file.size), 'content-disposition': `attachment; filename="${file.fileName}"` },
    }) as never;
  });
