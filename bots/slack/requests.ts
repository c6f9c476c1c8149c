/**
 * What Slack POSTs to the hub → what the core understands. One slash command `/sw <command> …` carries every
 * command; button presses arrive as `block_actions` interactions; direct messages and mentions as events.
 * Each comes with the key that makes a Slack retry a duplicate: the event_id for events, the trigger_id for
 * commands and interactions (Slack mints one per user action).
 */
import { z } from 'zod';
import type { ChatOrigin } from '../core/command.js';

export type SlackInbound =
  | { kind: 'command'; dedupeKey: string; origin: ChatOrigin; text: string; responseUrl: string }
  | { kind: 'button'; dedupeKey: string; origin: ChatOrigin; token: string; responseUrl?: string; messageTs?: string; ephemeral?: boolean }
  | { kind: 'message'; dedupeKey: string; origin: ChatOrigin; text: string }
  | { kind: 'file'; dedupeKey: string; origin: ChatOrigin; fileId: string }
  | { kind: 'url_verification'; challenge: string }
  | { kind: 'ignored'; dedupeKey?: string; reason: string };

const slashCommand = z.object({
  command: z.string(),
  text: z.string().default(''),
  team_id: z.string().min(1),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().min(1),
  channel_name: z.string().optional(),
  response_url: z.url(),
  trigger_id: z.string().min(1),
});

const interaction = z.looseObject({
  type: z.string(),
  trigger_id: z.string().optional(),
  user: z.looseObject({ id: z.string(), team_id: z.string().optional(), username: z.string().optional() }),
  team: z.looseObject({ id: z.string() }).nullable().optional(),
  channel: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
  container: z.looseObject({ message_ts: z.string().optional(), channel_id: z.string().optional(), is_ephemeral: z.boolean().optional() }).optional(),
  response_url: z.string().optional(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })).optional(),
});

const eventEnvelope = z.looseObject({
  type: z.string(),
  challenge: z.string().optional(),
  team_id: z.string().optional(),
  event_id: z.string().optional(),
  event: z.looseObject({ type: z.string(), user: z.string().optional(), user_id: z.string().optional(), bot_id: z.string().optional(), subtype: z.string().optional(), text: z.string().optional(), channel: z.string().optional(), channel_id: z.string().optional(), channel_type: z.string().optional(), file_id: z.string().optional() }).optional(),
});

/**
 * Slack sends message and command text with `&`, `<` and `>` escaped as HTML entities, and links and mentions in
 * angle brackets (`<https://x.id|x.id>`, `<@U123>`). Commands read what the user typed: links become their label
 * (or URL), mentions are dropped, and the three entities are decoded (`&amp;` last, so a typed "&lt;" stays one).
 */
export function slackPlainText(text: string): string {
  return text
    .replace(/<[@#!][^>]*>/g, '')
    .replace(/<((?:https?|mailto|tel):[^|>]*)(?:\|([^>]*))?>/g, (_whole, url: string, label?: string) => label || url)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Slack channel ids: D… is a direct message with the bot; C…/G… are channels and group conversations. */
export function isSlackGroup(channelId: string, channelName?: string): boolean {
  return !(channelId.startsWith('D') || channelName === 'directmessage');
}

export function slackOrigin(teamId: string, userId: string, channelId: string, channelName?: string, displayName?: string): ChatOrigin {
  return { channel: 'slack', externalUserId: `${teamId}:${userId}`, chatId: channelId, isGroup: isSlackGroup(channelId, channelName), displayName };
}

/** `/sw pay 150rb qris` arrives as command=/sw text="pay 150rb qris". Throws ZodError when malformed. */
export function parseSlashCommand(form: URLSearchParams): SlackInbound {
  const body = slashCommand.parse(Object.fromEntries(form));
  const words = slackPlainText(body.text).trim().replace(/^\//, '');
  return {
    kind: 'command',
    dedupeKey: `trigger:${body.trigger_id}`,
    origin: slackOrigin(body.team_id, body.user_id, body.channel_id, body.channel_name, body.user_name),
    text: `/${words || 'help'}`,
    responseUrl: body.response_url,
  };
}

export function parseInteraction(form: URLSearchParams): SlackInbound {
  const raw = form.get('payload');
  if (raw === null) throw new z.ZodError([{ code: 'custom', path: ['payload'], message: 'missing payload', input: undefined }]);
  const body = interaction.parse(JSON.parse(raw));
  const teamId = body.team?.id ?? body.user.team_id ?? '';
  const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
  const action = body.actions?.[0];
  const key = body.trigger_id ? `trigger:${body.trigger_id}` : `action:${action?.action_ts ?? ''}:${body.user.id}`;
  if (body.type !== 'block_actions' || !action?.value) return { kind: 'ignored', dedupeKey: key, reason: `interaction ${body.type}` };
  return {
    kind: 'button',
    dedupeKey: key,
    origin: slackOrigin(teamId, body.user.id, channelId, body.channel?.name, body.user.username),
    token: action.value,
    responseUrl: body.response_url,
    messageTs: body.container?.message_ts,
    ephemeral: body.container?.is_ephemeral,
  };
}

export function parseEvent(json: unknown): SlackInbound {
  const body = eventEnvelope.parse(json);
  if (body.type === 'url_verification') return { kind: 'url_verification', challenge: body.challenge ?? '' };
  if (body.type !== 'event_callback' || !body.event || !body.event_id) return { kind: 'ignored', reason: `envelope ${body.type}` };
  const dedupeKey = `event:${body.event_id}`;
  const e = body.event;
  if (e.bot_id || e.subtype) {
    // A file posted in a DM arrives twice: as this message (subtype file_share) and as file_shared, which is the
    // one handled, so the message must not be read as a command too.
    return { kind: 'ignored', dedupeKey, reason: e.subtype === 'file_share' ? 'file message (handled by file_shared)' : 'bot or edited message' };
  }
  const teamId = body.team_id ?? '';
  if (e.type === 'file_shared' && e.file_id && e.user_id) {
    return { kind: 'file', dedupeKey, origin: slackOrigin(teamId, e.user_id, e.channel_id ?? ''), fileId: e.file_id };
  }
  if ((e.type === 'app_mention' || (e.type === 'message' && e.channel_type === 'im')) && e.user && e.text !== undefined) {
    // "<@U0BOT> pay 150rb qris" → "/pay 150rb qris"; a DM may be typed with or without the slash.
    const words = slackPlainText(e.text).trim().replace(/^\//, '');
    return { kind: 'message', dedupeKey, origin: slackOrigin(teamId, e.user, e.channel ?? ''), text: `/${words || 'help'}` };
  }
  return { kind: 'ignored', dedupeKey, reason: `event ${e.type}` };
}
