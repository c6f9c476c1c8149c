import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { StatusResponse } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/external/status',
  tags: ['market'],
  summary: 'Health of each market data source: up/degraded/down, last success, error rate, latency percentiles, breaker',
  security: bearerSecurity,
  responses: { 200: { description: 'One entry per source, as seen by this hub process', content: { 'application/json': { schema: StatusResponse } } }, ...commonErrorResponses },
});

export const registerMarketStatus = (app: OpenAPIHono<HubEnv>) => app.openapi(route, async (c) => c.json({ sources: c.var.services.marketStatus.snapshot() }, 200));
