import { defineProvider } from '../../contract.js';
import { createTelegramPlatform, type TelegramSettings } from './platforms.js';

/** Telegram Bot API: real with TELEGRAM_BOT_TOKEN (+ TELEGRAM_WEBHOOK_SECRET), else the local fake Bot API. */
export const telegramDescriptor = defineProvider({
  name: 'telegram',
  capability: 'chat',
  // Chat is optional in production: without a token the bot is simply off (its webhook refuses everything).
  enabled: (config) => config.NODE_ENV !== 'production' || Boolean(config.TELEGRAM_BOT_TOKEN),
  fromConfig: (config): TelegramSettings | undefined =>
    config.TELEGRAM_BOT_TOKEN
      ? { token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT ?? 'https://api.telegram.org', webhookSecret: config.TELEGRAM_WEBHOOK_SECRET ?? '' }
      : undefined,
  credentialVariable: 'TELEGRAM_BOT_TOKEN',
  create: (settings: TelegramSettings) => createTelegramPlatform(settings),
  webhookSecretNames: ['telegramWebhookSecret'],
  webhookSecrets: (settings: TelegramSettings) => ({ telegramWebhookSecret: settings.webhookSecret }),
  describe: (settings: TelegramSettings) => `Telegram:         ${settings.apiRoot} (webhook POST /webhooks/telegram)`,
});
