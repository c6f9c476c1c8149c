/**
 * Per-user `enabledServices`: a market route whose service the user switched off answers 403 with how to switch it
 * on (ServiceDisabledError). One middleware over the path prefixes, registered before the routes, so no route can
 * forget the check. Settings and status stay reachable: they are how a user turns a service back on.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../http/hub-env.js';
import type { ExternalServiceName } from '../models/external-service-settings.js';

export const SERVICE_BY_PATH: Record<string, ExternalServiceName> = {
  '/api/external/currency': 'currency',
  '/api/external/stocks': 'stocks',
  '/api/external/portfolio': 'stocks',
  '/api/external/weather': 'weather',
  '/api/external/news': 'news',
};

export const registerServiceGuard = (app: OpenAPIHono<HubEnv>) => {
  for (const [prefix, service] of Object.entries(SERVICE_BY_PATH)) {
    const guard = async (c: { var: HubEnv['Variables'] }, next: () => Promise<void>) => {
      await c.var.services.marketSettings.requireEnabled(c.var.actor.userId, service);
      await next();
    };
    app.use(prefix, guard);
    app.use(`${prefix}/*`, guard);
  }
};
