import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { USER_ROLES } from '../../db/models/user.js';
import type { HubEnv } from '../../http/hub-env.js';
import { adminErrorResponses, bearerSecurity } from '../openapi-common.js';

export const CreateUserRequest = z.object({
  name: z.string().trim().min(1).max(120).openapi({ example: 'Siti Rahayu' }),
  role: z.enum(USER_ROLES).optional().openapi({ description: 'Defaults to user' }),
});
export const CreateUserResponse = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  createdAt: z.string(),
  apiKey: z.string().openapi({ description: 'Shown once; only its hash is stored' }),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;
export type CreateUserResponse = z.infer<typeof CreateUserResponse>;

const route = createRoute({
  method: 'post',
  path: '/api/users',
  tags: ['users'],
  summary: 'Create a user and their first API key (administrators only)',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: CreateUserRequest } } } },
  responses: { 201: { description: 'Created', content: { 'application/json': { schema: CreateUserResponse } } }, ...adminErrorResponses },
});

export const registerCreateUser = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { user, apiKey } = await c.var.services.users.createUser(c.var.actor, c.req.valid('json'));
    return c.json({ ...user, apiKey }, 201);
  });
