import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import { LinkedAccountSchema } from '../schemas-direct-debit.js';

const StartLinkSchema = z
  .object({
    method: z.enum(['direct_debit_bri', 'direct_debit_mandiri']),
    mobileNumber: z.string().regex(/^(\+?62|0)8\d{7,12}$/, 'must be an Indonesian mobile number (08…, 628… or +628…)').optional().openapi({ description: 'BRI: the number registered with the card; the OTP goes there' }),
    cardLastFour: z.string().regex(/^\d{4}$/, 'must be 4 digits').optional(),
    cardExpiry: z.string().regex(/^(0[1-9]|1[0-2])\/\d{2}$/, 'must be MM/YY').optional(),
    email: z.email().optional(),
    returnUrl: z.url({ protocol: /^https?$/ }).optional().openapi({ description: "Mandiri: where the bank's page sends the account holder back" }),
    name: z.string().min(1).max(50).optional(),
  })
  .strict();

const route = createRoute({
  method: 'post',
  path: '/api/payment/direct-debit/links',
  tags: ['payments'],
  summary: 'Start linking a bank account for direct debit (BRI: then confirm the OTP; Mandiri: then approve on the bank page)',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: StartLinkSchema } } } },
  responses: {
    201: { description: 'The link, pending until the account holder confirms it', content: { 'application/json': { schema: LinkedAccountSchema } } },
    503: errorResponse('Direct debit is not available (its provider is not configured)'),
    ...commonErrorResponses,
  },
});

export const registerStartDirectDebitLink = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.directDebit.startLink(c.var.actor, c.req.valid('json')), 201));
