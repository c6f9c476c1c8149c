import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { PAYMENT_METHOD_CATALOG } from '../../services/methods.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';

const MethodSchema = z.object({
  method: z.string(),
  label: z.string(),
  category: z.string(),
  providers: z.array(z.string()),
  currency: z.string(),
  minAmountMinor: z.number().int(),
  maxAmountMinor: z.number().int(),
  fee: z.record(z.string(), z.unknown()),
  requires: z.array(z.string()),
});

const route = createRoute({
  method: 'get',
  path: '/api/payment/methods',
  tags: ['payments'],
  summary: 'Payment methods with their providers, amount limits and indicative fees',
  security: bearerSecurity,
  responses: { 200: { description: 'Methods', content: { 'application/json': { schema: z.object({ methods: z.array(MethodSchema) }) } } }, ...commonErrorResponses },
});

export const registerListPaymentMethods = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, (c) => c.json({ methods: PAYMENT_METHOD_CATALOG.map((m) => ({ ...m, fee: { ...m.fee }, requires: m.requires ?? [] })) }, 200));
