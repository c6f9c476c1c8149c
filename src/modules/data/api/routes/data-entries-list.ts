import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { daySchema } from '../day.js';
import { EntryView } from './data-entries-create.js';

const route = createRoute({
  method: 'get',
  path: '/api/data/entries',
  tags: ['data'],
  summary: 'Your hand-entered cash rows, newest first (keyset-paged)',
  security: bearerSecurity,
  request: { query: z.object({ from: daySchema.optional(), to: daySchema.optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  responses: { 200: { description: 'Entries', content: { 'application/json': { schema: z.object({ entries: z.array(EntryView), nextCursor: z.string().nullable() }) } } }, ...commonErrorResponses },
});

export const registerDataEntriesList = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.manualEntries.list(c.var.actor, c.req.valid('query')), 200));
