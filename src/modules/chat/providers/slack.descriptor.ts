import { defineProvider } from '../../contract.js';
import { createSlackPlatform, type SlackSettings } from './platforms.js';

/** Slack: real with SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET, else the local fake Slack. */
export const slackDescriptor = defineProvider({
  name: 'slack',
  capability: 'chat',
  enabled: (config) => config.NODE_ENV !== 'production' || Boolean(config.SLACK_BOT_TOKEN),
  fromConfig: (config): SlackSettings | undefined =>
    config.SLACK_BOT_TOKEN ? { botToken: config.SLACK_BOT_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET ?? '', apiUrl: config.SLACK_API_URL ?? 'https://slack.com/api/' } : undefined,
  credentialVariable: 'SLACK_BOT_TOKEN',
  create: (settings: SlackSettings) => createSlackPlatform(settings),
  webhookSecretNames: ['slackSigningSecret'],
  webhookSecrets: (settings: SlackSettings) => ({ slackSigningSecret: settings.signingSecret }),
  describe: (settings: SlackSettings) => `Slack:            ${settings.apiUrl} (POST /webhooks/slack/commands|events|interactions)`,
});
