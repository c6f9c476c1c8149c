import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../openapi-common.js';
import { UserResponse } from './users-me.js';

const route = createRoute({
  method: 'get',
  path: '/api/users/{id}',
  tags: ['users'],
  summary: 'A user by id: yourself, or anyone for an administrator (others are 404)',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: { 200: { description: 'The user', content: { 'application/json': { schema: UserResponse } } }, ...commonErrorResponses },
});

export const registerGetUser = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.users.getUser(c.var.actor, c.req.valid('param').id), 200));
