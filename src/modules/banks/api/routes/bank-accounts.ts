import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { BankAccountSchema } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/bank/accounts',
  tags: ['banks'],
  summary: 'Your bank accounts (numbers masked), with their last known balances',
  security: bearerSecurity,
  responses: { 200: { description: 'Accounts, oldest connection first', content: { 'application/json': { schema: z.object({ accounts: z.array(BankAccountSchema) }) } } }, ...commonErrorResponses },
});

export const registerBankAccounts = (app: OpenAPIHono<HubEnv>) => app.openapi(route, async (c) => c.json({ accounts: await c.var.services.banks.accounts(c.var.actor) }, 200));
