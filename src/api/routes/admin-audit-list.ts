import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { AUDIT_CHANNELS } from '../../db/models/audit-entry.js';
import type { HubEnv } from '../../http/hub-env.js';
import { ObjectIdParam, adminErrorResponses, bearerSecurity } from '../openapi-common.js';
import { strictDate } from '../../lib/dates.js';

const AuditQuery = z.object({
  userId: ObjectIdParam.optional(),
  action: z.string().max(100).optional().openapi({ example: 'payment.create' }),
  from: strictDate().optional(),
  to: strictDate().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const AuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actorUserId: z.string().nullable(),
  actorRole: z.string().nullable(),
  channel: z.enum(AUDIT_CHANNELS),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  outcome: z.enum(['success', 'failure']),
  requestId: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});
export const AuditListResponse = z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() });
export type AuditListResponse = z.infer<typeof AuditListResponse>;

const route = createRoute({
  method: 'get',
  path: '/api/admin/audit',
  tags: ['admin'],
  summary: 'The audit log, newest first (administrators only)',
  security: bearerSecurity,
  request: { query: AuditQuery },
  responses: { 200: { description: 'A page of entries', content: { 'application/json': { schema: AuditListResponse } } }, ...adminErrorResponses },
});

export const registerListAudit = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.audit.list(c.req.valid('query')), 200));
