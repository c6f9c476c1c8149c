import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { USER_ROLES } from '../../db/models/user.js';
import type { HubEnv } from '../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../openapi-common.js';

export const UserResponse = z.object({ id: z.string(), name: z.string(), role: z.enum(USER_ROLES), createdAt: z.string() }).openapi('User');

const route = createRoute({
  method: 'get',
  path: '/api/users/me',
  tags: ['users'],
  summary: 'The user this API key belongs to',
  security: bearerSecurity,
  responses: { 200: { description: 'The caller', content: { 'application/json': { schema: UserResponse } } }, ...commonErrorResponses },
});

export const registerGetMe = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.users.getUser(c.var.actor, c.var.actor.userId), 200));
