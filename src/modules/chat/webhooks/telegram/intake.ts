/**
 * POST /webhooks/telegram: the secret-token header checked in constant time, the update stored in the inbox keyed
 * by its update_id (Telegram redelivers until it gets a 2xx, so a retry is a duplicate with no second effect),
 * then an empty 200. The command runs in the inbox processor (chat-events.ts).
 */
import { isValidTelegramSecret } from '../../../../../bots/telegram/secret.js';
import { telegramUpdateSchema } from '../../../../../bots/telegram/updates.js';
import type { IntakeEvent, WebhookIntake } from '../../../../../webhooks/intake.js';
import { AppError } from '../../../../lib/errors.js';

export interface ChatIntakeEvent extends IntakeEvent {
  platform: 'telegram' | 'slack';
  /** Slack: which of the three endpoints it came to. */
  source?: 'commands' | 'interactions' | 'events';
  body: unknown;
}

export function telegramWebhook(options: { secret: string }): WebhookIntake<ChatIntakeEvent> {
  return {
    provider: 'telegram',
    kind: 'chat',
    path: '/webhooks/telegram',
    verify: ({ headers }) => isValidTelegramSecret(headers.get('x-telegram-bot-api-secret-token'), options.secret),
    normalize(parsed) {
      const result = telegramUpdateSchema.safeParse(parsed);
      if (!result.success) throw new AppError('BAD_REQUEST', 'not a Telegram update', { details: { issues: result.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message })) } });
      return { eventKey: `update:${result.data.update_id}`, platform: 'telegram', body: parsed };
    },
    // An empty 200: a JSON body with a "method" field would be taken by Telegram as a reply to send.
    acknowledge: (c) => c.body(null, 200),
  };
}
