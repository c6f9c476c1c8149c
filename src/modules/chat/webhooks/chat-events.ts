/**
 * Applies a stored chat update: runs the command core and sends the replies. Telegram updates are re-parsed here
 * (the bot name is needed to tell our commands from other bots'); Slack requests were parsed at intake.
 */
import type { SlackInbound } from '../../../../bots/slack/requests.js';
import type { Logger } from '../../../lib/logger.js';
import type { Services } from '../../../services/registry.js';
import type { InboxHandler } from '../../../services/webhook-inbox.js';
import { chatRuntime } from '../bots/runtime.js';

export function chatEventHandler(services: Services, logger?: Logger): InboxHandler {
  return async (event) => {
    const normalized = event.normalized as { platform: 'telegram' | 'slack'; body: unknown };
    const runtime = chatRuntime(services, logger);
    const outcome = normalized.platform === 'telegram' ? await runtime.handleTelegram(normalized.body) : await runtime.handleSlack(normalized.body as SlackInbound);
    return { status: outcome.startsWith('ignored') ? 'ignored' : 'applied', outcome };
  };
}
