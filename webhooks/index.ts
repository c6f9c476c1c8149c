/**
 * Every webhook intake, mounted in one place, and the handlers the inbox processor applies events with.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../src/api/hub-env.js';
import type { Services } from '../src/services/registry.js';
import { registerMidtransWebhook } from '../src/modules/payments/webhooks/midtrans/route.js';
import { paymentEventHandler } from '../src/modules/payments/webhooks/payment-events.js';
import { registerXenditWebhook } from '../src/modules/payments/webhooks/xendit/route.js';

export interface WebhookSecrets {
  midtransServerKey: string;
  xenditCallbackToken: string;
}

export function registerWebhooks(app: OpenAPIHono<HubEnv>, secrets: WebhookSecrets): void {
  registerMidtransWebhook(app, { serverKey: secrets.midtransServerKey });
  registerXenditWebhook(app, { callbackToken: secrets.xenditCallbackToken });
}

export function registerInboxHandlers(services: Services): void {
  services.webhookInbox.registerHandler('payment', paymentEventHandler(services.payments));
}
