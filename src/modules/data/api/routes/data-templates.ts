import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';

const route = createRoute({
  method: 'get',
  path: '/api/data/templates',
  tags: ['data'],
  summary: 'Bank statement layouts the importer recognises, with their columns, certainty and an example file',
  security: bearerSecurity,
  responses: { 200: { description: 'Templates', content: { 'application/json': { schema: z.object({ templates: z.array(z.object({ id: z.string(), bank: z.string(), name: z.string(), formats: z.array(z.string()), certainty: z.enum(['known', 'best-guess']), note: z.string().optional(), columns: z.array(z.string()), example: z.string() })) }) } } }, ...commonErrorResponses },
});

export const registerDataTemplates = (app: OpenAPIHono<HubEnv>) => app.openapi(route, (c) => c.json({ templates: c.var.services.data.templates() }, 200));
