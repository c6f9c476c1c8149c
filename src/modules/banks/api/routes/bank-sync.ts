import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { AppError } from '../../../../lib/errors.js';
import { BankAccountIdParams, SyncRunSchema } from '../schemas.js';
import { syncRunJson } from '../sync-run-json.js';

const route = createRoute({
  method: 'post',
  path: '/api/bank/sync/{accountId}',
  tags: ['banks'],
  summary: 'Sync one account now: its statement since the last sync (with an overlap) and its balance',
  security: bearerSecurity,
  request: { params: BankAccountIdParams },
  responses: {
    200: { description: 'The run: fetched, new, duplicates, errors', content: { 'application/json': { schema: SyncRunSchema } } },
    409: errorResponse('A sync of this account is running, it is disconnected, or its consent ended at the bank (details.run is then the recorded run)'),
    503: errorResponse('The bank failed or did not answer; details.run is the recorded run'),
    ...commonErrorResponses,
  },
});

export const registerBankSync = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const run = syncRunJson(await c.var.services.banks.sync(c.var.actor, c.req.valid('param').accountId));
    // Consent that ended at the bank is the holder's to renew (connect again), not an outage to retry.
    if (run.status === 'failed' && run.error?.code === 'CONFLICT') throw new AppError('CONFLICT', `the sync failed: ${run.error.message}`, { details: { run } });
    if (run.status === 'failed') throw new AppError('PROVIDER_UNAVAILABLE', `the sync failed: ${run.error?.message ?? 'the bank did not answer'}`, { details: { run }, retryable: true });
    return c.json(run, 200);
  });
