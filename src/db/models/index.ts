/**
 * Every model, bound to one mongoose connection (no global mongoose), so tests and the app can hold several.
 */
import type { Connection } from 'mongoose';
import { apiKeyModel } from './api-key.js';
import { auditEntryModel } from './audit-entry.js';
import { notificationModel } from './notification.js';
import { rateLimitWindowModel } from './rate-limit-window.js';
import { userModel } from './user.js';
import { webhookEventModel } from './webhook-event.js';

function createCoreModels(conn: Connection) {
  return {
    User: userModel(conn),
    ApiKey: apiKeyModel(conn),
    AuditEntry: auditEntryModel(conn),
    RateLimitWindow: rateLimitWindowModel(conn),
    WebhookEvent: webhookEventModel(conn),
    Notification: notificationModel(conn),
  };
}

type CoreModels = ReturnType<typeof createCoreModels>;

/** Core models plus every module's (each module declares its own with `declare module`). */
export interface Models extends CoreModels {}

/** Binds the core models and each module's to one connection. */
export function createModels(conn: Connection, moduleModels: Record<string, (conn: Connection) => unknown>[] = []): Models {
  const models: Record<string, unknown> = { ...createCoreModels(conn) };
  for (const group of moduleModels) for (const [name, create] of Object.entries(group)) models[name] = create(conn);
  return models as unknown as Models;
}

/** Builds every declared index (unique ones above all) before the app takes traffic. */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models) as { createIndexes(): Promise<unknown> }[]) await model.createIndexes();
}
