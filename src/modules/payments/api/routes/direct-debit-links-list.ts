import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { LinkedAccountSchema } from '../schemas-direct-debit.js';

const route = createRoute({
  method: 'get',
  path: '/api/payment/direct-debit/links',
  tags: ['payments'],
  summary: "The user's linked direct-debit accounts (pending ones are checked with the provider again)",
  security: bearerSecurity,
  responses: { 200: { description: 'Links, newest first', content: { 'application/json': { schema: z.object({ links: z.array(LinkedAccountSchema) }) } } }, ...commonErrorResponses },
});

export const registerListDirectDebitLinks = (app: OpenAPIHono<HubEnv>) => app.openapi(route, async (c) => c.json({ links: await c.var.services.directDebit.list(c.var.actor) }, 200));
