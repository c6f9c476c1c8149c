/**
 * Every model, bound to one mongoose connection (no global mongoose), so tests and the app can hold several.
 */
import type { Connection } from 'mongoose';
import { apiKeyModel } from './api-key.js';
import { auditEntryModel } from './audit-entry.js';
import { notificationModel } from './notification.js';
import { paymentBatchModel } from '../../modules/payments/models/payment-batch.js';
import { paymentModel } from '../../modules/payments/models/payment.js';
import { recurringPaymentModel } from '../../modules/payments/models/recurring-payment.js';
import { rateLimitWindowModel } from './rate-limit-window.js';
import { userModel } from './user.js';
import { webhookEventModel } from './webhook-event.js';

export function createModels(conn: Connection) {
  return {
    User: userModel(conn),
    ApiKey: apiKeyModel(conn),
    AuditEntry: auditEntryModel(conn),
    RateLimitWindow: rateLimitWindowModel(conn),
    Payment: paymentModel(conn),
    PaymentBatch: paymentBatchModel(conn),
    RecurringPayment: recurringPaymentModel(conn),
    WebhookEvent: webhookEventModel(conn),
    Notification: notificationModel(conn),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Builds every declared index (unique ones above all) before the app takes traffic. */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
}
