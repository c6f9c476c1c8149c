/**
 * Chat's variables (TELEGRAM_*, SLACK_*) are in the core schema already; what chat adds is the rule that a bot
 * token without its webhook secret is refused at start, since every incoming update would then be refused.
 */
import { z } from 'zod';
import { defineConfigFragment } from '../../config/schema-parts.js';

export const chatConfig = defineConfigFragment({
  shape: {
    /** Long polling (getUpdates) instead of the webhook: for a local bot with no public HTTPS URL. */
    TELEGRAM_POLLING: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  },
  check(env, issue) {
    const e = env as unknown as Record<string, string | undefined>;
    if (e.TELEGRAM_BOT_TOKEN && !e.TELEGRAM_WEBHOOK_SECRET && !env.TELEGRAM_POLLING) issue('TELEGRAM_WEBHOOK_SECRET', 'is required with TELEGRAM_BOT_TOKEN unless TELEGRAM_POLLING=true (1-256 of A-Z a-z 0-9 _ -; passed to setWebhook as secret_token)');
    if (e.TELEGRAM_WEBHOOK_SECRET && !/^[A-Za-z0-9_-]{1,256}$/.test(e.TELEGRAM_WEBHOOK_SECRET)) issue('TELEGRAM_WEBHOOK_SECRET', 'must be 1-256 of A-Z a-z 0-9 _ - (Telegram refuses other characters)');
    if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET) issue('SLACK_SIGNING_SECRET', 'is required with SLACK_BOT_TOKEN (Slack requests could not be verified)');
  },
});

export type ChatConfig = z.infer<z.ZodObject<typeof chatConfig.shape>>;

declare module '../../config/env.js' {
  interface ModuleConfig extends ChatConfig {}
}
