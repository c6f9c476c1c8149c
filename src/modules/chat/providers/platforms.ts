/**
 * The two chat platforms as outside parties: telegraf's Telegram Bot API client and Slack's Web API client,
 * pointed at the real hosts when tokens are configured, at the local fakes otherwise (sandbox/registry.ts).
 */
import { webApi } from '@slack/bolt';
import { Telegram } from 'telegraf';

export interface TelegramSettings {
  token: string;
  apiRoot: string;
  webhookSecret: string;
  /** Known up front for the fake; asked once with getMe for a real bot. */
  botUsername?: string;
}

export interface SlackSettings {
  botToken: string;
  signingSecret: string;
  apiUrl: string;
}

export interface TelegramPlatform {
  kind: 'telegram';
  client: Telegram;
  botUsername(): Promise<string>;
}

export interface SlackPlatform {
  kind: 'slack';
  client: webApi.WebClient;
}

export function createTelegramPlatform(settings: TelegramSettings): TelegramPlatform {
  const client = new Telegram(settings.token, { apiRoot: settings.apiRoot, webhookReply: false });
  let username: Promise<string> | undefined = settings.botUsername ? Promise.resolve(settings.botUsername) : undefined;
  return {
    kind: 'telegram',
    client,
    botUsername: () => {
      username ??= client.getMe().then((me) => me.username);
      // A failed lookup is not cached: the next update asks again.
      username.catch(() => (username = undefined));
      return username;
    },
  };
}

export function createSlackPlatform(settings: SlackSettings): SlackPlatform {
  // Rate limits are reported, not slept on inside the client: the inbox and the notification job own retries.
  const client = new webApi.WebClient(settings.botToken, { slackApiUrl: settings.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, timeout: 10_000 });
  return { kind: 'slack', client };
}
