import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../http/hub-env.js';

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['ops'],
  summary: 'Liveness: the process is up',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }) } } } },
});

export const registerHealth = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, (c) => c.json({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }, 200));
