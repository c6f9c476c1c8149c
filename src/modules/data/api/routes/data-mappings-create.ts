import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import { mappingSchema } from '../../services/templates/generic.js';

export const MappingView = z.object({ id: z.string(), name: z.string(), mapping: z.record(z.string(), z.unknown()), createdAt: z.string() }).openapi('ImportMapping');

const route = createRoute({
  method: 'post',
  path: '/api/data/mappings',
  tags: ['data'],
  summary: 'Save a column mapping for your own spreadsheets; pass its id as `mappingId` to validate/import',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: z.object({ name: z.string().trim().min(1).max(80), mapping: mappingSchema }) } } } },
  responses: { 201: { description: 'Saved', content: { 'application/json': { schema: MappingView } } }, 409: errorResponse('A mapping with this name exists'), ...commonErrorResponses },
});

export const registerDataMappingsCreate = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.dataMappings.create(c.var.actor, c.req.valid('json')), 201));
