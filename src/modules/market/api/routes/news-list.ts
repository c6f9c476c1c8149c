import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { NewsQuery, NewsResponse } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/news',
  tags: ['market'],
  summary: 'Financial news from Indonesian and international RSS feeds, deduplicated, by keyword, ticker or language',
  security: bearerSecurity,
  request: { query: NewsQuery },
  responses: { 200: { description: 'Stories newest first, and how each feed fared', content: { 'application/json': { schema: NewsResponse } } }, ...commonErrorResponses },
});

export const registerNews = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.marketNews.news(c.req.valid('query')), 200));
