import type { WebhookIntake } from '../../../../../webhooks/intake.js';
import { normalizeMidtransNotification } from './normalize.js';
import { verifyMidtransSignature } from './verify.js';

/** POST /webhooks/midtrans: HTTP notifications, signed with SHA-512 over order_id + status_code + gross_amount + server key. */
export function midtransWebhook(options: { serverKey: string }): WebhookIntake {
  return {
    provider: 'midtrans',
    kind: 'payment',
    path: '/webhooks/midtrans',
    // The signature lives inside the JSON body, so a body that does not parse cannot be verified.
    verify: ({ parsed }) => typeof parsed === 'object' && parsed !== null && verifyMidtransSignature(parsed as Record<string, unknown>, options.serverKey),
    normalize: normalizeMidtransNotification,
  };
}
