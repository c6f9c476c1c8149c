import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { receiveUpload } from '../upload.js';
import { uploadOptions } from '../upload-options.js';

const route = createRoute({
  method: 'post',
  path: '/api/data/import',
  tags: ['data'],
  summary: 'Import a statement file into the ledger as a job (202); follow it at GET /api/data/import/{id}',
  security: bearerSecurity,
  // No request schema: the validator would read the whole multipart body into memory; upload.ts streams it instead.
  description: 'multipart/form-data: `file` (the statement), optional `template`, `accountId`, `mapping` (JSON), `currency`.',
  responses: { 202: { description: 'Import started', content: { 'application/json': { schema: z.object({ id: z.string(), accountId: z.string() }) } } }, ...commonErrorResponses },
});

export const registerDataImport = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const upload = await receiveUpload(c.req.raw);
    try {
      const started = await c.var.services.data.startImport(c.var.actor, upload.source, { ...uploadOptions(upload.fields), fileName: upload.fileName, release: upload.release });
      return c.json(started, 202);
    } catch (err) {
      await upload.release();
      throw err;
    }
  });
