/**
 * The REST surface: the core routes (ops, users, notifications, admin) registered here, one file each under routes/,
 * and each capability module's routes and webhooks passed in as extensions by the composition root.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Services } from '../services/registry.js';
import { createApp } from './create-app.js';
import { errorResponse } from '../http/errors.js';
import type { HubEnv } from '../http/hub-env.js';
import { requireAdmin, requireApiKey } from './middleware/auth.js';
import { rateLimitPerKey } from './middleware/rate-limit.js';
import { requestContext } from './middleware/request-context.js';
import { registerListAudit } from './routes/admin-audit-list.js';
import { registerListWebhookEvents } from './routes/admin-webhooks-list.js';
import { registerReplayWebhookEvent } from './routes/admin-webhooks-replay.js';
import { registerListNotifications } from './routes/notifications-list.js';
import { registerDocs } from './routes/ops-docs.js';
import { registerHealth } from './routes/ops-health.js';
import { registerMetrics } from './routes/ops-metrics.js';
import { registerReady } from './routes/ops-ready.js';
import { registerCreateUser } from './routes/users-create.js';
import { registerGetUser } from './routes/users-get.js';
import { registerGetMe } from './routes/users-me.js';

export interface HttpAppDeps {
  services: Services;
  logger: Logger;
  rateLimitPerMinute: number;
  /** The capability modules' routes and webhook intakes: same middleware, error handling and OpenAPI document. */
  extensions?: ((app: OpenAPIHono<HubEnv>) => void)[];
}

const JSON_BODY_LIMIT = 1024 * 1024;

export function buildHttpApp(deps: HttpAppDeps): OpenAPIHono<HubEnv> {
  const app = createApp();
  app.use('*', requestContext({ services: deps.services, logger: deps.logger, metrics: deps.services.metrics }));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: JSON_BODY_LIMIT,
      onError: (c) => {
        // The unread rest of the body would otherwise be read as the next request on a keep-alive connection (and
        // the connection reset): close it, as the webhook 413 does.
        c.header('Connection', 'close');
        throw new AppError('PAYLOAD_TOO_LARGE', `request body is larger than ${JSON_BODY_LIMIT} bytes`);
      },
    }),
  );
  app.use('/api/*', requireApiKey, rateLimitPerKey(deps.rateLimitPerMinute));
  app.use('/api/admin/*', requireAdmin);

  // ops
  registerHealth(app);
  registerReady(app);
  registerMetrics(app);
  registerDocs(app);

  // users
  registerCreateUser(app);
  registerGetMe(app);
  registerGetUser(app);

  // notifications
  registerListNotifications(app);

  // admin
  registerListAudit(app);
  registerListWebhookEvents(app);
  registerReplayWebhookEvent(app);

  for (const extend of deps.extensions ?? []) extend(app);

  app.notFound((c) => errorResponse(c, new AppError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`)));
  return app;
}
