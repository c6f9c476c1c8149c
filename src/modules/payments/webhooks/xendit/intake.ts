import type { WebhookIntake } from '../../../../../webhooks/intake.js';
import { normalizeXenditCallback, normalizeXenditLinkCallback } from './normalize.js';
import { verifyXenditCallbackToken } from './verify.js';

/** POST /webhooks/xendit: callbacks carrying the account's verification token in x-callback-token. */
export function xenditWebhook(options: { callbackToken: string }): WebhookIntake {
  return {
    provider: 'xendit',
    kind: 'payment',
    path: '/webhooks/xendit',
    verify: ({ headers }) => verifyXenditCallbackToken(headers.get('x-callback-token'), options.callbackToken),
    // Direct-debit link callbacks share the URL and the token with payment callbacks.
    normalize: (body) => normalizeXenditLinkCallback(body) ?? normalizeXenditCallback(body),
  };
}
