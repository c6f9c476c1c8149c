import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { TransactionQuerySchema } from '../../services/bank-service.js';
import { BankAccountIdParams, BankTransactionSchema } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/bank/transactions/{accountId}',
  tags: ['banks'],
  summary: 'Transactions of one account, newest first: from/to (a date is a whole Jakarta day), type, minAmount/maxAmount (magnitude, minor units), text, category; cursor pages',
  security: bearerSecurity,
  request: { params: BankAccountIdParams, query: TransactionQuerySchema },
  responses: {
    200: { description: 'A page of transactions', content: { 'application/json': { schema: z.object({ accountId: z.string(), transactions: z.array(BankTransactionSchema), nextCursor: z.string().nullable() }) } } },
    ...commonErrorResponses,
  },
});

export const registerBankTransactions = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.banks.transactions(c.var.actor, c.req.valid('param').accountId, c.req.valid('query')), 200));
