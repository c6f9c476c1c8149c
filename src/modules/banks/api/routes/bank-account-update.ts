import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { BankAccountIdParams, BankAccountSchema, SyncFrequencySchema } from '../schemas.js';

const Body = z
  .object({ name: z.string().trim().min(1).max(80).optional(), syncFrequency: SyncFrequencySchema.optional() })
  .refine((b) => b.name !== undefined || b.syncFrequency !== undefined, { message: 'give name or syncFrequency' });

const route = createRoute({
  method: 'patch',
  path: '/api/bank/accounts/{accountId}',
  tags: ['banks'],
  summary: 'Rename an account or change how often it syncs (the schedule moves with it)',
  security: bearerSecurity,
  request: { params: BankAccountIdParams, body: { required: true, content: { 'application/json': { schema: Body } } } },
  responses: {
    200: { description: 'The account and its next scheduled sync', content: { 'application/json': { schema: z.object({ account: BankAccountSchema, nextSyncAt: z.string().nullable() }) } } },
    409: errorResponse('The account is disconnected'),
    ...commonErrorResponses,
  },
});

export const registerBankAccountUpdate = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.banks.update(c.var.actor, c.req.valid('param').accountId, c.req.valid('json')), 200));
