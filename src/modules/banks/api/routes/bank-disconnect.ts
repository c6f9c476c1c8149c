import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { BankAccountIdParams } from '../schemas.js';

const route = createRoute({
  method: 'delete',
  path: '/api/bank/disconnect/{accountId}',
  tags: ['banks'],
  summary: 'Disconnect an account: consent revoked at the bank and here, scheduled syncs stopped; history kept unless purge=true',
  security: bearerSecurity,
  request: { params: BankAccountIdParams, query: z.object({ purge: z.enum(['true', 'false']).default('false').openapi({ description: 'true also deletes its transactions' }) }) },
  responses: {
    200: { description: 'Disconnected', content: { 'application/json': { schema: z.object({ accountId: z.string(), status: z.literal('disconnected'), purgedTransactions: z.number().int() }) } } },
    ...commonErrorResponses,
  },
});

export const registerBankDisconnect = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.banks.disconnect(c.var.actor, c.req.valid('param').accountId, { purge: c.req.valid('query').purge === 'true' }), 200));
