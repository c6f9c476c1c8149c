import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { PaymentRequestSchema } from '../../services/schemas.js';
import { withQrImage } from '../../services/views.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import { IdempotencyKeyHeader, PaymentSchema } from '../schemas.js';

const route = createRoute({
  method: 'post',
  path: '/api/payment/process',
  tags: ['payments'],
  summary: 'Make a payment (now, or at runAt). Requires an Idempotency-Key.',
  description:
    'Records the payment, charges it through the provider routed for the method, and returns what the payer needs next ' +
    '(VA number, QR string and PNG, deeplink, payment code). Repeating the same key and body returns the same payment without a second charge; ' +
    'the same key with a different body is 409.',
  security: bearerSecurity,
  request: { headers: IdempotencyKeyHeader, body: { required: true, content: { 'application/json': { schema: PaymentRequestSchema } } } },
  responses: {
    201: { description: 'Payment created (status pending, scheduled, or already final)', content: { 'application/json': { schema: PaymentSchema } } },
    200: { description: 'Replay of an earlier request with the same Idempotency-Key', content: { 'application/json': { schema: PaymentSchema } } },
    409: errorResponse('Idempotency-Key reused with a different body, or the first request is still in progress'),
    502: errorResponse('The provider refused the charge (the payment is recorded as failed)'),
    503: errorResponse('The provider did not answer; the payment is recorded and will be reconciled'),
    ...commonErrorResponses,
  },
});

export const registerProcessPayment = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { payment, replayed } = await c.var.services.payments.process(c.var.actor, c.req.valid('json'), c.req.valid('header')['idempotency-key']);
    c.header('Idempotent-Replayed', String(replayed));
    return c.json(await withQrImage(payment), replayed ? 200 : 201);
  });
