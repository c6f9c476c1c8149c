import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { daySchema } from '../day.js';

const filter = z
  .object({
    from: daySchema.optional(),
    to: daySchema.optional(),
    accountId: ObjectIdParam.optional(),
    category: z.string().min(1).max(60).optional(),
    source: z.enum(['sync', 'notification', 'import', 'manual']).optional(),
    type: z.enum(['credit', 'debit']).optional(),
    descriptionContains: z.string().min(1).max(100).optional(),
    importJobId: ObjectIdParam.optional(),
    tag: z.string().min(1).max(40).optional(),
  })
  .strict();
const target = { dryRun: z.boolean().default(false), ids: z.array(ObjectIdParam).min(1).max(10_000).optional(), filter: filter.optional() };
const tags = z.array(z.string().trim().min(1).max(40)).min(1).max(20);
const body = z.discriminatedUnion('action', [
  z.object({ action: z.literal('recategorize'), category: z.string().trim().min(1).max(60), ...target }),
  z.object({ action: z.literal('tag'), tags, ...target }),
  z.object({ action: z.literal('untag'), tags, ...target }),
  z.object({ action: z.literal('delete'), ...target }),
]);

const route = createRoute({
  method: 'post',
  path: '/api/data/bulk',
  tags: ['data'],
  summary: 'Recategorise, tag, untag or delete many of your transactions by ids or filter; dryRun: true counts first',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: body } } } },
  responses: {
    200: { description: 'What matched and what changed', content: { 'application/json': { schema: z.object({ action: z.string(), dryRun: z.boolean(), matched: z.number().int(), changed: z.number().int() }) } } },
    ...commonErrorResponses,
  },
});

export const registerDataBulk = (app: OpenAPIHono<HubEnv>) => app.openapi(route, async (c) => c.json(await c.var.services.dataBulk.apply(c.var.actor, c.req.valid('json')), 200));
