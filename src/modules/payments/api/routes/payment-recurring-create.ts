import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { RecurringRequestSchema } from '../../services/recurring-service.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';

export const RecurringSchema = z
  .object({
    id: z.string(),
    status: z.enum(['active', 'cancelled', 'completed']),
    payment: z.record(z.string(), z.unknown()),
    recurrence: z.record(z.string(), z.unknown()),
    description: z.string().openapi({ example: 'monthly on day 1 at 09:00 WIB' }),
    startAt: z.string(),
    endAt: z.string().nullable(),
    maxRuns: z.number().int().nullable(),
    runsMade: z.number().int(),
    nextRunAt: z.string().nullable(),
    upcoming: z.array(z.string()),
    retry: z.object({ maxRetries: z.number().int(), baseDelayMs: z.number().int() }),
    lastRun: z.object({ index: z.number().int(), paymentId: z.string().nullable(), status: z.string(), at: z.string(), error: z.string().nullable() }).nullable(),
    createdAt: z.string(),
  })
  .openapi('RecurringPayment');

const route = createRoute({
  method: 'post',
  path: '/api/payment/recurring',
  tags: ['payments'],
  summary: 'Schedule a payment that repeats daily, weekly, monthly or on a cron schedule (Asia/Jakarta)',
  security: bearerSecurity,
  request: {
    headers: z.object({ 'idempotency-key': z.string().min(8).max(128).optional() }),
    body: { required: true, content: { 'application/json': { schema: RecurringRequestSchema } } },
  },
  responses: {
    201: { description: 'Scheduled', content: { 'application/json': { schema: RecurringSchema } } },
    409: errorResponse('Idempotency-Key reused with a different request'),
    ...commonErrorResponses,
  },
});

export const registerCreateRecurringPayment = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) =>
    c.json(await c.var.services.recurringPayments.create(c.var.actor, c.req.valid('json'), c.req.valid('header')['idempotency-key']), 201),
  );
