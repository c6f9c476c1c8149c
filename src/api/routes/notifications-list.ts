import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../openapi-common.js';

const NotificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  delivered: z.boolean(),
});

const route = createRoute({
  method: 'get',
  path: '/api/notifications',
  tags: ['notifications'],
  summary: 'Your notifications (payment settled, recurring run failed…), newest first',
  security: bearerSecurity,
  request: { query: z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }) },
  responses: {
    200: { description: 'A page of notifications', content: { 'application/json': { schema: z.object({ notifications: z.array(NotificationSchema), nextCursor: z.string().nullable() }) } } },
    ...commonErrorResponses,
  },
});

export const registerListNotifications = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.notifications.list(c.var.actor.userId, c.req.valid('query')), 200));
