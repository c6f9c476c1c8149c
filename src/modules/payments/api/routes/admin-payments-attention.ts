import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { adminErrorResponses, bearerSecurity } from '../../../../api/openapi-common.js';
import { PaymentSchema } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/admin/payments/attention',
  tags: ['admin'],
  summary: 'Payments a person must look at: a charge claimed by a process that died, which the provider cannot show and would not deduplicate',
  security: bearerSecurity,
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: {
    200: { description: 'Newest first', content: { 'application/json': { schema: z.object({ payments: z.array(PaymentSchema) }) } } },
    ...adminErrorResponses,
  },
});

export const registerListPaymentsNeedingAttention = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json({ payments: await c.var.services.payments.needingAttention(c.req.valid('query').limit) }, 200));
