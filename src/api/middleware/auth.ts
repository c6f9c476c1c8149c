import { createMiddleware } from 'hono/factory';
import { AppError } from '../../lib/errors.js';
import type { HubEnv } from '../../http/hub-env.js';

/** Requires `Authorization: Bearer <api key>` and sets the actor. */
export const requireApiKey = createMiddleware<HubEnv>(async function requireApiKeyMiddleware(c, next) {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    c.header('WWW-Authenticate', 'Bearer');
    throw new AppError('UNAUTHORIZED', 'send your API key as "Authorization: Bearer <key>"');
  }
  const key = await c.var.services.users.authenticate(match[1]);
  if (!key) {
    c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    throw new AppError('UNAUTHORIZED', 'API key is not valid');
  }
  c.set('actor', { userId: key.userId, role: key.role, channel: 'api', requestId: c.var.requestId, apiKeyId: key.keyId });
  c.set('logger', c.var.logger.child({ userId: key.userId }));
  await next();
});

export const requireAdmin = createMiddleware<HubEnv>(async function requireAdminMiddleware(c, next) {
  if (c.var.actor?.role !== 'admin') throw new AppError('FORBIDDEN', 'this operation needs an administrator key');
  await next();
});
