import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { BankAccountIdParams } from '../schemas.js';

const BalanceSchema = z.object({
  accountId: z.string(),
  currency: z.string(),
  balanceMinor: z.number().int().nullable(),
  availableBalanceMinor: z.number().int().nullable(),
  balance: z.string().nullable().openapi({ example: '15000000.00' }),
  asOf: z.string().nullable().openapi({ description: 'When the bank stated it (last sync or notification), Asia/Jakarta' }),
  lastSyncedAt: z.string().nullable(),
});

const route = createRoute({
  method: 'get',
  path: '/api/bank/balance/{accountId}',
  tags: ['banks'],
  summary: 'The balance of one of your accounts as the bank last stated it',
  security: bearerSecurity,
  request: { params: BankAccountIdParams },
  responses: { 200: { description: 'Balance', content: { 'application/json': { schema: BalanceSchema } } }, ...commonErrorResponses },
});

export const registerBankBalance = (app: OpenAPIHono<HubEnv>) => app.openapi(route, async (c) => c.json(await c.var.services.banks.balance(c.var.actor, c.req.valid('param').accountId), 200));
