/**
 * The bag of services the composition root builds once and hands to every adapter (routes, bots, webhooks, jobs).
 */
import type { Metrics } from '../lib/metrics.js';
import type { AuditService } from './audit.js';
import type { RateLimiter } from './rate-limiter.js';
import type { NotificationService } from './notifications.js';
import type { PaymentBatchService } from '../modules/payments/services/batch-service.js';
import type { PaymentQueries } from '../modules/payments/services/payment-queries.js';
import type { PaymentService } from '../modules/payments/services/payment-service.js';
import type { RecurringPaymentService } from '../modules/payments/services/recurring-service.js';
import type { UserService } from './users.js';
import type { WebhookInbox } from './webhook-inbox.js';

export interface HealthProbe {
  /** True when the database answers a ping within a short timeout. */
  databaseReachable(): Promise<boolean>;
}

export interface Services {
  users: UserService;
  audit: AuditService;
  rateLimiter: RateLimiter;
  health: HealthProbe;
  metrics: Metrics;
  notifications: NotificationService;
  payments: PaymentService;
  paymentQueries: PaymentQueries;
  paymentBatches: PaymentBatchService;
  recurringPayments: RecurringPaymentService;
  webhookInbox: WebhookInbox;
  /** Wakes the inbox processor after a store or replay, so events apply at once rather than on the next poll. */
  webhookProcessor?: { kick(): void };
}
