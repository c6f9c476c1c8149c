/**
 * Telegram Update → what the core understands. Commands are recognised by their bot_command entity at offset 0
 * (what Telegram clients send); `/cmd@other_bot` in a group is for another bot and is ignored. Plain text in a
 * group is ignored too (the bot only speaks when spoken to); in a private chat it gets a hint.
 */
import { z } from 'zod';
import type { ChatOrigin } from '../core/command.js';

const user = z.object({ id: z.number().int(), is_bot: z.boolean().optional(), first_name: z.string().optional(), username: z.string().optional(), language_code: z.string().optional() });
const chat = z.object({ id: z.number().int(), type: z.enum(['private', 'group', 'supergroup', 'channel']) });
const entity = z.object({ type: z.string(), offset: z.number().int(), length: z.number().int() });
const message = z.object({
  message_id: z.number().int(),
  from: user.optional(),
  chat,
  date: z.number().int(),
  text: z.string().optional(),
  entities: z.array(entity).optional(),
  caption: z.string().optional(),
  document: z.object({ file_id: z.string(), file_unique_id: z.string().optional(), file_name: z.string().optional(), mime_type: z.string().optional(), file_size: z.number().int().optional() }).optional(),
});
export const telegramUpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: user,
      message: z.object({ message_id: z.number().int(), chat }).loose().optional(),
      data: z.string().optional(),
    })
    .optional(),
});

export type TelegramInbound =
  | { kind: 'text'; updateId: number; origin: ChatOrigin; text: string; messageId: number }
  | { kind: 'button'; updateId: number; origin: ChatOrigin; token: string; callbackQueryId: string; messageId?: number }
  | { kind: 'document'; updateId: number; origin: ChatOrigin; fileId: string; fileName: string; mimeType?: string; fileSize?: number; caption?: string; messageId: number }
  | { kind: 'ignored'; updateId: number; reason: string };

/** Throws a ZodError for a malformed update (the intake answers 400); unsupported kinds come back as `ignored`. */
export function parseTelegramUpdate(body: unknown, botUsername: string): TelegramInbound {
  const update = telegramUpdateSchema.parse(body);
  const updateId = update.update_id;
  if (update.callback_query) {
    const q = update.callback_query;
    const chatInfo = q.message?.chat;
    const origin = originOf(q.from, chatInfo ?? { id: q.from.id, type: 'private' });
    if (q.data === undefined) return { kind: 'ignored', updateId, reason: 'callback without data' };
    return { kind: 'button', updateId, origin, token: q.data, callbackQueryId: q.id, messageId: q.message?.message_id };
  }
  const m = update.message;
  if (!m || !m.from) return { kind: 'ignored', updateId, reason: 'not a message from a user' };
  if (m.from.is_bot) return { kind: 'ignored', updateId, reason: 'from a bot' };
  const origin = originOf(m.from, m.chat);
  if (m.chat.type === 'channel') return { kind: 'ignored', updateId, reason: 'channel post' };

  if (m.document) {
    return { kind: 'document', updateId, origin, fileId: m.document.file_id, fileName: m.document.file_name ?? 'file', mimeType: m.document.mime_type, fileSize: m.document.file_size, caption: m.caption, messageId: m.message_id };
  }
  if (m.text === undefined) return { kind: 'ignored', updateId, reason: 'no text' };
  const first = m.entities?.[0];
  if (first && first.type === 'bot_command' && first.offset === 0) {
    const commandWord = m.text.slice(0, first.length);
    const at = commandWord.indexOf('@');
    if (at >= 0 && commandWord.slice(at + 1).toLowerCase() !== botUsername.toLowerCase()) return { kind: 'ignored', updateId, reason: 'command for another bot' };
    const text = (at >= 0 ? commandWord.slice(0, at) : commandWord) + m.text.slice(first.length);
    return { kind: 'text', updateId, origin, text, messageId: m.message_id };
  }
  if (origin.isGroup) return { kind: 'ignored', updateId, reason: 'group chatter' };
  return { kind: 'text', updateId, origin, text: m.text, messageId: m.message_id };
}

function originOf(from: z.infer<typeof user>, c: { id: number; type: string }): ChatOrigin {
  return {
    channel: 'telegram',
    externalUserId: String(from.id),
    chatId: String(c.id),
    isGroup: c.type !== 'private',
    displayName: from.username ? `@${from.username}` : from.first_name,
    languageHint: from.language_code,
  };
}
