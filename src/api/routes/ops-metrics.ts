import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../http/hub-env.js';

/** Prometheus text exposition. Not in the OpenAPI document: it is not JSON and scrapers know it. */
export const registerMetrics = (app: OpenAPIHono<HubEnv>) =>
  app.get('/metrics', async (c) => {
    const registry = c.var.services.metrics.registry;
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
