/**
 * The bag of services the composition root builds once and hands to every adapter (routes, bots, webhooks, jobs).
 */
import type { Metrics } from '../lib/metrics.js';
import type { AuditService } from './audit.js';
import type { RateLimiter } from './rate-limiter.js';
import type { NotificationService } from './notifications.js';
import type { UserService } from './users.js';
import type { WebhookInbox } from './webhook-inbox.js';

export interface HealthProbe {
  /** True when the database answers a ping within a short timeout. */
  databaseReachable(): Promise<boolean>;
}

/**
 * The core services. Each capability module adds its own with `declare module` (see src/modules/payments/services/index.ts),
 * so adapters see one typed bag without the core naming any capability.
 */
export interface Services {
  users: UserService;
  audit: AuditService;
  rateLimiter: RateLimiter;
  health: HealthProbe;
  metrics: Metrics;
  notifications: NotificationService;
  webhookInbox: WebhookInbox;
  /** Wakes the inbox processor after a store or replay, so events apply at once rather than on the next poll. */
  webhookProcessor?: { kick(): void };
}
