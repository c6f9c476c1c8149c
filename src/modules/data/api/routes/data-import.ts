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
  description: 'multipart/form-data: `file` (the statement), optional `template`, `accountId`, `mapping` (JSON) or `mappingId` (a saved mapping), `currency`. The file is kept under DATA_DIR until the import job has read it.',
  responses: { 202: { description: 'Import started', content: { 'application/json': { schema: z.object({ id: z.string(), accountId: z.string() }) } } }, ...commonErrorResponses },
});

export const registerDataImport = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const imports = c.var.services.dataImports;
    // Before reading the body: an upload refused for too many imports waiting is never written to disk.
    await imports.refuseWhenBusy(c.var.actor);
    // Spooled straight under DATA_DIR/imports: the job that reads it may run after a restart or in another process.
    const upload = await receiveUpload(c.req.raw, { spoolTo: await imports.incomingPath() });
    let options;
    try {
      options = uploadOptions(upload.fields);
    } catch (err) {
      await upload.release();
      throw err;
    }
    // start() takes the file over: moved to its job's name, or removed if the import is refused.
    return c.json(await imports.start(c.var.actor, upload.path, { ...options, fileName: upload.fileName }), 202);
  });
