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
  rules: z
    .record(
      z.string(),
      z.object({
        refund: z.object({ allowed: z.boolean(), partial: z.boolean(), rule: z.string() }),
        cancelPending: z.object({ allowed: z.boolean(), rule: z.string(), instead: z.array(z.string()).optional() }),
      }),
    )
    .openapi({ description: "Per provider: whether a payment by this method can be refunded (and in part), and whether a pending one can be cancelled, as that provider's rules say" }),
});

const route = createRoute({
  method: 'get',
  path: '/api/payment/methods',
  tags: ['payments'],
  summary: "Payment methods with their providers, amount limits, indicative fees and each provider's refund and cancel rules",
  security: bearerSecurity,
  responses: { 200: { description: 'Methods', content: { 'application/json': { schema: z.object({ methods: z.array(MethodSchema) }) } } }, ...commonErrorResponses },
});

export const registerListPaymentMethods = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, (c) => c.json({ methods: PAYMENT_METHOD_CATALOG.map((m) => ({ ...m, fee: { ...m.fee }, requires: m.requires ?? [] })) }, 200));
