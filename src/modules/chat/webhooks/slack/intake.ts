/**
 * Slack's three request URLs: /webhooks/slack/commands (slash command `/sw`), /interactions (buttons) and /events
 * (DMs, mentions, files). Each is verified with the v0 signature and a 5-minute window, stored in the inbox keyed
 * by the interaction's trigger or the event_id (Slack retries events it thinks were lost), and acknowledged with an
 * empty 200 within milliseconds; the answer follows through response_url or the Web API from the inbox processor.
 */
import { parseEvent, parseInteraction, parseSlashCommand, type SlackInbound } from '../../../../../bots/slack/requests.js';
import { verifySlackSignature } from '../../../../../bots/slack/signature.js';
import type { WebhookIntake, WebhookRequest } from '../../../../../webhooks/intake.js';
import { AppError } from '../../../../lib/errors.js';
import type { ChatIntakeEvent } from '../telegram/intake.js';

type Source = 'commands' | 'interactions' | 'events';

export function slackWebhooks(options: { signingSecret: string; now?: () => Date }): WebhookIntake<ChatIntakeEvent>[] {
  return (['commands', 'interactions', 'events'] as const).map((source) => slackIntake(source, options));
}

function slackIntake(source: Source, options: { signingSecret: string; now?: () => Date }): WebhookIntake<ChatIntakeEvent> {
  return {
    provider: 'slack',
    kind: 'chat',
    path: `/webhooks/slack/${source}`,
    body: source === 'events' ? 'json' : 'text',
    verify: ({ raw, headers }: WebhookRequest) =>
      verifySlackSignature({
        signingSecret: options.signingSecret,
        rawBody: raw,
        timestamp: headers.get('x-slack-request-timestamp'),
        signature: headers.get('x-slack-signature'),
        nowSeconds: options.now ? Math.floor(options.now().getTime() / 1000) : undefined,
      }).ok,
    normalize(parsed, request) {
      const inbound = parse(source, parsed, request.raw);
      if (inbound.kind === 'url_verification') return { eventKey: `url_verification:${inbound.challenge.slice(0, 100)}`, platform: 'slack', source, body: inbound };
      const key = inbound.dedupeKey ?? `unkeyed:${source}:${request.headers.get('x-slack-request-timestamp')}:${request.raw.length}`;
      return { eventKey: key, platform: 'slack', source, body: inbound };
    },
    acknowledge: (c, { event }) => {
      const inbound = event.body as SlackInbound;
      if (inbound.kind === 'url_verification') return c.json({ challenge: inbound.challenge }, 200);
      return c.body(null, 200);
    },
  };
}

function parse(source: Source, parsed: unknown, raw: string): SlackInbound {
  try {
    if (source === 'events') return parseEvent(parsed);
    const form = new URLSearchParams(raw);
    return source === 'commands' ? parseSlashCommand(form) : parseInteraction(form);
  } catch (err) {
    throw new AppError('BAD_REQUEST', `not a Slack ${source} request`, { cause: err });
  }
}
