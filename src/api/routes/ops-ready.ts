import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../http/hub-env.js';

const ReadySchema = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.object({ database: z.enum(['ok', 'unreachable']) }) });

const route = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['ops'],
  summary: 'Readiness: the database answers',
  responses: {
    200: { description: 'Ready to serve', content: { 'application/json': { schema: ReadySchema } } },
    503: { description: 'The database is unreachable', content: { 'application/json': { schema: ReadySchema } } },
  },
});

export const registerReady = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const ok = await c.var.services.health.databaseReachable();
    return ok
      ? c.json({ status: 'ready' as const, checks: { database: 'ok' as const } }, 200)
      : c.json({ status: 'unavailable' as const, checks: { database: 'unreachable' as const } }, 503);
  });
