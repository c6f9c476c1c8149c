import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../http/hub-env.js';
import { ObjectIdParam, adminErrorResponses, bearerSecurity, errorResponse } from '../openapi-common.js';
import { InboxEventSchema } from './admin-webhooks-list.js';

const route = createRoute({
  method: 'post',
  path: '/api/admin/webhooks/{id}/replay',
  tags: ['admin'],
  summary: 'Apply a stored webhook event again (dead, unmatched or any other); applying is idempotent',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: {
    202: { description: 'Queued for the processor', content: { 'application/json': { schema: InboxEventSchema } } },
    409: errorResponse('The event is being processed right now'),
    ...adminErrorResponses,
  },
});

export const registerReplayWebhookEvent = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const event = await c.var.services.webhookInbox.replay(c.var.actor, c.req.valid('param').id);
    c.var.services.webhookProcessor?.kick();
    return c.json(event, 202);
  });
