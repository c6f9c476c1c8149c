import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../api/hub-env.js';
import { handleIntake } from '../../../../../webhooks/intake.js';
import { normalizeMidtransNotification } from './normalize.js';
import { verifyMidtransSignature } from './verify.js';

/** POST /webhooks/midtrans: HTTP notifications, signed with SHA-512 over order_id + status_code + gross_amount + server key. */
export function registerMidtransWebhook(app: OpenAPIHono<HubEnv>, options: { serverKey: string }) {
  app.post('/webhooks/midtrans', (c) =>
    handleIntake(c, {
      provider: 'midtrans',
      kind: 'payment',
      // The signature lives inside the JSON body, so a body that does not parse cannot be verified.
      verify: (_raw, _headers, parsed) => typeof parsed === 'object' && parsed !== null && verifyMidtransSignature(parsed as Record<string, unknown>, options.serverKey),
      normalize: normalizeMidtransNotification,
    }),
  );
}
