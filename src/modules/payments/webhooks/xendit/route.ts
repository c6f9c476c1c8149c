import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../api/hub-env.js';
import { handleIntake } from '../../../../../webhooks/intake.js';
import { normalizeXenditCallback } from './normalize.js';
import { verifyXenditCallbackToken } from './verify.js';

/** POST /webhooks/xendit: callbacks carrying the account's verification token in x-callback-token. */
export function registerXenditWebhook(app: OpenAPIHono<HubEnv>, options: { callbackToken: string }) {
  app.post('/webhooks/xendit', (c) =>
    handleIntake(c, {
      provider: 'xendit',
      kind: 'payment',
      verify: (_raw, headers) => verifyXenditCallbackToken(headers.get('x-callback-token'), options.callbackToken),
      normalize: normalizeXenditCallback,
    }),
  );
}
