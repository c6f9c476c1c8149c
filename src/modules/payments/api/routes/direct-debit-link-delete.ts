import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { LinkedAccountSchema } from '../schemas-direct-debit.js';

const route = createRoute({
  method: 'delete',
  path: '/api/payment/direct-debit/links/{id}',
  tags: ['payments'],
  summary: 'Unlink a direct-debit account at the provider; payments can no longer debit it',
  security: bearerSecurity,
  request: { params: z.object({ id: ObjectIdParam }) },
  responses: { 200: { description: 'The link, unlinked', content: { 'application/json': { schema: LinkedAccountSchema } } }, ...commonErrorResponses },
});

export const registerUnlinkDirectDebitAccount = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.directDebit.unlink(c.var.actor, c.req.valid('param').id), 200));
