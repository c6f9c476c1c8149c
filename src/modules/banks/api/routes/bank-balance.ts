import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { BankAccountIdParams } from '../schemas.js';

const BalanceSchema = z.object({
  accountId: z.string(),
  currency: z.string(),
  balanceMinor: z.number().int().nullable().openapi({ description: 'Minor units of currency (IDR: Rp150.000 = 15000000)' }),
  availableBalanceMinor: z.number().int().nullable(),
  balance: z.string().nullable().openapi({ example: '15000000.00' }),
  asOf: z.string().nullable().openapi({ description: 'When the bank stated this figure (just now when live), Asia/Jakarta' }),
  lastSyncedAt: z.string().nullable(),
  source: z.enum(['bank', 'stored']).openapi({ description: 'bank: asked just now (SNAP balance inquiry); stored: the last figure the hub kept' }),
  stale: z.boolean().openapi({ description: 'True when the bank could not be asked and this is the stored figure of `asOf`' }),
  staleReason: z.string().nullable().openapi({ example: 'no live answer from the bank (BRI did not answer within 2000 ms)' }),
});

const route = createRoute({
  method: 'get',
  path: '/api/bank/balance/{accountId}',
  tags: ['banks'],
  summary: 'The balance of one of your accounts, asked from the bank now',
  description:
    'A SNAP balance inquiry (service 11) to the bank; the answer also becomes the stored balance. When the bank is down, slow or refuses, the answer is still 200: the last stored figure with `stale: true`, `asOf` (when the bank stated it) and `staleReason`.',
  security: bearerSecurity,
  request: { params: BankAccountIdParams },
  responses: { 200: { description: 'Balance (live, or stored and marked stale)', content: { 'application/json': { schema: BalanceSchema } } }, ...commonErrorResponses },
});

export const registerBankBalance = (app: OpenAPIHono<HubEnv>) => app.openapi(route, async (c) => c.json(await c.var.services.banks.balance(c.var.actor, c.req.valid('param').accountId), 200));
