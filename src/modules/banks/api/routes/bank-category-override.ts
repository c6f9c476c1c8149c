import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses, errorResponse } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { CATEGORIES } from '../../../ledger/services/categorize.js';

const Body = z.object({
  match: z.string().trim().min(2).max(80).openapi({ example: 'kopi kenangan', description: 'Text a description contains (case, spacing and punctuation ignored)' }),
  category: z.enum(CATEGORIES),
});

const route = createRoute({
  method: 'put',
  path: '/api/bank/category-overrides',
  tags: ['banks'],
  summary: 'Your own category rule: descriptions containing match get category, ahead of the built-in rules; applied to new and existing transactions',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: Body } } } },
  responses: {
    200: { description: 'Saved; how many of your transactions changed category', content: { 'application/json': { schema: z.object({ match: z.string(), category: z.string(), recategorized: z.number().int() }) } } },
    ...commonErrorResponses,
  },
});

export const registerBankCategoryOverride = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.banks.setCategoryOverride(c.var.actor, c.req.valid('json')), 200));
