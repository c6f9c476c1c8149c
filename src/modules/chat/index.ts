/**
 * Chat: Telegram and Slack (and the terminal client) over one command core in bots/. This module owns chat
 * identities and link codes, pending confirmations, notification delivery, the platform providers and their
 * webhooks; every capability brings its own commands (`commands` in its module), collected here by the root.
 */
import { menuCalls } from '../../../bots/telegram/menu.js';
import type { Services } from '../../services/registry.js';
import { defineModule } from '../contract.js';
import { chatRuntime } from './bots/runtime.js';
import { chatRoutes } from './api/routes/index.js';
import { chatCommands } from './bots/commands/index.js';
import { chatConfig } from './config.js';
import { chatNotifyJob } from './jobs/chat-notify.js';
import { chatPurgeJob } from './jobs/chat-purge.js';
import { chatModels } from './models/index.js';
import { slackDescriptor } from './providers/slack.descriptor.js';
import { telegramDescriptor } from './providers/telegram.descriptor.js';
import { createChatServices } from './services/index.js';
import { chatEventHandler } from './webhooks/chat-events.js';
import { slackWebhooks } from './webhooks/slack/intake.js';
import { telegramWebhook } from './webhooks/telegram/intake.js';
import { startTelegramPolling } from './webhooks/telegram/poller.js';

let polling: { stop(): Promise<void> } | undefined;

export const chatModule = defineModule({
  name: 'chat',
  config: chatConfig,
  models: chatModels,
  providers: [telegramDescriptor, slackDescriptor],
  services: createChatServices,
  routes: chatRoutes,
  webhooks: (secrets) => [telegramWebhook({ secret: secrets.telegramWebhookSecret! }), ...slackWebhooks({ signingSecret: secrets.slackSigningSecret! })],
  inboxHandlers: (services) => ({ chat: chatEventHandler(services) }),
  jobs: [chatNotifyJob, chatPurgeJob],
  commands: chatCommands,
  start: async (services) => {
    // Built now so two modules contributing the same command stop the start, not the first chat message.
    const runtime = chatRuntime(services);
    publishTelegramMenu(services, runtime.registry.visible());
    const telegram = services.chatPlatforms.telegram;
    if (telegram && services.chatSettings.telegramPolling) polling = startTelegramPolling(services, telegram.client, services.chatLogger);
  },
  stop: async () => {
    await polling?.stop();
    polling = undefined;
  },
});

/** The menu next to Telegram's input box; not awaited: a slow or unreachable Telegram must not hold the start. */
function publishTelegramMenu(services: Services, commands: Parameters<typeof menuCalls>[0]): void {
  const telegram = services.chatPlatforms.telegram;
  if (!telegram) return;
  void (async () => {
    for (const call of menuCalls(commands)) await telegram.client.setMyCommands(call.commands, call.language_code ? { language_code: call.language_code } : {});
  })().catch((err) => services.chatLogger.warn({ err }, 'could not publish the Telegram command menu'));
}
