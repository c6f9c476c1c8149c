import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';

const ProviderSchema = z.object({
  code: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  mode: z.enum(['live', 'sandbox', 'off']).openapi({ description: 'live: the bank itself; sandbox: the local SNAP simulator; off: not offered on this hub' }),
  consent: z.enum(['otp', 'redirect']),
  statementWindowDays: z.number().int(),
  coverage: z.object({ accountTypes: z.string(), retailAlternative: z.string(), sources: z.string() }),
});

const route = createRoute({
  method: 'get',
  path: '/api/bank/providers',
  tags: ['banks'],
  summary: 'The banks you can connect over SNAP BI, whether each is live or simulated, and what its API covers',
  security: bearerSecurity,
  responses: { 200: { description: 'The six SNAP banks', content: { 'application/json': { schema: z.object({ providers: z.array(ProviderSchema) }) } } }, ...commonErrorResponses },
});

export const registerBankProviders = (app: OpenAPIHono<HubEnv>) => app.openapi(route, (c) => c.json({ providers: c.var.services.banks.providers() }, 200));
