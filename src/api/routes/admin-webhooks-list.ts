import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { INBOX_STATUSES } from '../../db/models/webhook-event.js';
import type { HubEnv } from '../../http/hub-env.js';
import { adminErrorResponses, bearerSecurity } from '../openapi-common.js';

export const InboxEventSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    kind: z.string(),
    eventKey: z.string(),
    status: z.enum(INBOX_STATUSES),
    orderId: z.string().nullable(),
    attempts: z.number().int(),
    deliveries: z.number().int(),
    outcome: z.string().nullable(),
    lastError: z.string().nullable(),
    receivedAt: z.string(),
    processedAt: z.string().nullable(),
    normalized: z.record(z.string(), z.unknown()),
  })
  .openapi('WebhookEvent');

const route = createRoute({
  method: 'get',
  path: '/api/admin/webhooks',
  tags: ['admin'],
  summary: 'The webhook inbox: filter by status (e.g. dead, unmatched), provider or order id',
  security: bearerSecurity,
  request: {
    query: z.object({
      status: z.enum(INBOX_STATUSES).optional(),
      provider: z.string().max(40).optional(),
      orderId: z.string().max(100).optional(),
      cursor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: { description: 'A page of events', content: { 'application/json': { schema: z.object({ events: z.array(InboxEventSchema), nextCursor: z.string().nullable() }) } } },
    ...adminErrorResponses,
  },
});

export const registerListWebhookEvents = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.webhookInbox.list(c.req.valid('query')), 200));
