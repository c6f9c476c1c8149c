import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { daySchema } from '../day.js';

export const EntryView = z
  .object({
    id: z.string(),
    accountId: z.string(),
    date: z.string(),
    type: z.enum(['expense', 'income']),
    amountMinor: z.number().int(),
    amount: z.string(),
    currency: z.string(),
    description: z.string(),
    category: z.string(),
    tags: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi('ManualEntry');

const body = z.object({
  type: z.enum(['expense', 'income']),
  amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).openapi({ example: 2500000, description: 'Positive, in minor units (Rp25.000 = 2500000)' }),
  currency: z.string().regex(/^[A-Z]{3}$/).default('IDR'),
  description: z.string().trim().min(1).max(200).openapi({ example: 'kopi' }),
  date: daySchema.optional(),
  category: z.string().trim().min(1).max(60).optional(),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
});

const route = createRoute({
  method: 'post',
  path: '/api/data/entries',
  tags: ['data'],
  summary: 'Record cash spending or income by hand (lands in the ledger on your cash account)',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: body } } } },
  responses: { 201: { description: 'Recorded', content: { 'application/json': { schema: EntryView } } }, ...commonErrorResponses },
});

export const registerDataEntriesCreate = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.manualEntries.create(c.var.actor, c.req.valid('json')), 201));
