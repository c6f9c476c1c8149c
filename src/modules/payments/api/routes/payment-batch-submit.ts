import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { BATCH_MAX_ITEMS, PaymentRequestSchema } from '../../services/schemas.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import { IdempotencyKeyHeader } from '../schemas.js';

export const BatchSchema = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'processing', 'completed']),
    total: z.number().int(),
    counts: z.record(z.string(), z.number().int()),
    items: z.array(
      z.object({ index: z.number().int(), method: z.string(), amountMinor: z.number().int(), paymentId: z.string().nullable(), status: z.string(), failureReason: z.string().nullable() }),
    ),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('PaymentBatch');

const route = createRoute({
  method: 'post',
  path: '/api/payment/batch',
  tags: ['payments'],
  summary: `Submit up to ${BATCH_MAX_ITEMS} payments at once; they are made in the background`,
  security: bearerSecurity,
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: z.object({ items: z.array(PaymentRequestSchema).min(1).max(BATCH_MAX_ITEMS) }) } } },
  },
  responses: {
    202: { description: 'Accepted; follow it at GET /api/payment/batch/{id}', content: { 'application/json': { schema: BatchSchema } } },
    200: { description: 'Replay of an earlier batch with the same Idempotency-Key', content: { 'application/json': { schema: BatchSchema } } },
    409: errorResponse('Idempotency-Key reused with a different batch'),
    ...commonErrorResponses,
  },
});

export const registerSubmitPaymentBatch = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { batch, replayed } = await c.var.services.paymentBatches.submit(c.var.actor, c.req.valid('json').items, c.req.valid('header')['idempotency-key']);
    return c.json(batch, replayed ? 200 : 202);
  });
