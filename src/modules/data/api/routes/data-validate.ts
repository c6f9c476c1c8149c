import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { receiveUpload } from '../upload.js';
import { uploadOptions } from '../upload-options.js';

const route = createRoute({
  method: 'post',
  path: '/api/data/validate',
  tags: ['data'],
  summary: 'Dry run: parse a statement file with the import parser and report rows, errors and duplicates; nothing is written',
  security: bearerSecurity,
  // No request schema: the validator would read the whole multipart body into memory; upload.ts streams it instead.
  description: 'multipart/form-data: `file` (the statement), optional `template`, `accountId`, `mapping` (JSON) or `mappingId` (a saved mapping), `currency`.',
  responses: { 200: { description: 'What the import would do', content: { 'application/json': { schema: z.any() } } }, ...commonErrorResponses },
});

export const registerDataValidate = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const upload = await receiveUpload(c.req.raw);
    try {
      const result = await c.var.services.data.validate(c.var.actor, upload.source, { ...uploadOptions(upload.fields), fileName: upload.fileName });
      return c.json(result, 200);
    } finally {
      await upload.release();
    }
  });
