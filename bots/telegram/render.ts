/**
 * Reply model → Telegram API calls. Text blocks become one MarkdownV2 message (split before 4096 characters),
 * tables a monospace `pre` block that lines up on a phone, copyable values (VA numbers) `code` so a tap copies
 * them, buttons an inline keyboard, images sendPhoto and files sendDocument. Private replies asked in a group go
 * to the user's private chat, with a short public note in the group.
 */
import { formatTextTable, type Reply, type ReplyBlock, type ReplyButton } from '../core/reply.js';
import { escapeMarkdownV2, md } from './markdown.js';

export type InlineKeyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

export type TelegramCall =
  | { method: 'sendMessage'; chat_id: string; text: string; parse_mode: 'MarkdownV2'; reply_markup?: InlineKeyboard; link_preview_options?: { is_disabled: boolean } }
  | { method: 'editMessageText'; chat_id: string; message_id: number; text: string; parse_mode: 'MarkdownV2'; reply_markup?: InlineKeyboard }
  | { method: 'sendPhoto'; chat_id: string; photo: { source: Buffer; filename: string }; caption?: string; parse_mode?: 'MarkdownV2'; reply_markup?: InlineKeyboard }
  | { method: 'sendDocument'; chat_id: string; document: { source: Buffer; filename: string }; caption?: string; parse_mode?: 'MarkdownV2'; reply_markup?: InlineKeyboard };

export interface TelegramTarget {
  chatId: string;
  /** The sender's user id: their private chat with the bot has the same id. */
  userId: string;
  isGroup: boolean;
  /** The bot message whose button was pressed, for `replaceOriginal`. */
  originalMessageId?: number;
  /** Text for the group when a private reply was moved to a direct message. */
  movedNotice?: string;
}

const MESSAGE_LIMIT = 4000;

export function renderTelegram(reply: Reply, target: TelegramTarget): TelegramCall[] {
  const toPrivate = reply.visibility === 'private' && target.isGroup;
  const chatId = toPrivate ? target.userId : target.chatId;
  const calls: TelegramCall[] = [];

  const keyboard = inlineKeyboard(reply.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : [])));
  const chunks = chunkText(reply.blocks.flatMap(renderBlock));
  const media = reply.blocks.filter((b): b is Extract<ReplyBlock, { type: 'image' | 'file' }> => b.type === 'image' || b.type === 'file');

  chunks.forEach((text, i) => {
    const last = i === chunks.length - 1;
    const markup = last && !media.length ? keyboard : undefined;
    // Only the first chunk can replace the message the button sat on, and only in the same chat.
    if (i === 0 && reply.replaceOriginal && target.originalMessageId !== undefined && !toPrivate) {
      calls.push({ method: 'editMessageText', chat_id: chatId, message_id: target.originalMessageId, text, parse_mode: 'MarkdownV2', ...(markup ? { reply_markup: markup } : {}) });
    } else {
      calls.push({ method: 'sendMessage', chat_id: chatId, text, parse_mode: 'MarkdownV2', link_preview_options: { is_disabled: true }, ...(markup ? { reply_markup: markup } : {}) });
    }
  });

  media.forEach((block, i) => {
    const markup = i === media.length - 1 ? keyboard : undefined;
    const caption = block.caption ? { caption: escapeMarkdownV2(block.caption.slice(0, 1000)), parse_mode: 'MarkdownV2' as const } : {};
    const file = { source: block.data, filename: block.filename };
    if (block.type === 'image') calls.push({ method: 'sendPhoto', chat_id: chatId, photo: file, ...caption, ...(markup ? { reply_markup: markup } : {}) });
    else calls.push({ method: 'sendDocument', chat_id: chatId, document: file, ...caption, ...(markup ? { reply_markup: markup } : {}) });
  });
  // The group hears "sent to you directly" only once it is true: calls run in order and stop at the first failure,
  // so a DM Telegram refuses (the user never pressed Start) leaves the group without a false notice.
  if (toPrivate && target.movedNotice) calls.push({ method: 'sendMessage', chat_id: target.chatId, text: escapeMarkdownV2(target.movedNotice), parse_mode: 'MarkdownV2' });
  return calls;
}

/** One block → message parts, each short enough for one message (long text and tables are split by lines). */
function renderBlock(block: ReplyBlock): string[] {
  switch (block.type) {
    case 'heading':
      return [md.bold(block.text.slice(0, 256))];
    case 'text':
      return splitLines(block.text, (lines) => escapeMarkdownV2(lines));
    case 'fields':
      return [block.fields.map((f) => `${escapeMarkdownV2(f.label)}: ${f.copy ? md.code(f.value) : escapeMarkdownV2(f.value)}`).join('\n')];
    case 'table': {
      // Each part repeats the header so a continued table still reads on its own.
      const [header, rule, ...rows] = formatTextTable(block.columns, block.rows, block.align).split('\n');
      return splitLines(rows.join('\n'), (lines) => md.pre([header, rule, lines].join('\n')));
    }
    case 'link':
      return [md.link(block.text, block.url)];
    case 'buttons':
    case 'image':
    case 'file':
      return [];
  }
}

/** Groups raw lines so that each rendered group fits a message; a single overlong line is cut. */
function splitLines(raw: string, render: (lines: string) => string): string[] {
  const parts: string[] = [];
  let group: string[] = [];
  for (const line of raw.split('\n')) {
    const candidate = [...group, line];
    if (group.length && render(candidate.join('\n')).length > MESSAGE_LIMIT) {
      parts.push(render(group.join('\n')));
      group = [line];
    } else group = candidate;
    while (render(group.join('\n')).length > MESSAGE_LIMIT && group.length === 1) {
      const cut = Math.floor(MESSAGE_LIMIT / 2);
      parts.push(render(group[0].slice(0, cut)));
      group = [group[0].slice(cut)];
    }
  }
  if (group.length) parts.push(render(group.join('\n')));
  return parts;
}

/** Two buttons a row reads well on a phone (Confirm | Cancel). */
function inlineKeyboard(buttons: ReplyButton[]): InlineKeyboard | undefined {
  if (!buttons.length) return undefined;
  const rows: { text: string; callback_data: string }[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2).map((b) => ({ text: (b.style === 'primary' ? '✅ ' : b.style === 'danger' ? '⛔ ' : '') + b.label, callback_data: b.token })));
  return { inline_keyboard: rows };
}

/** Joins rendered blocks with blank lines, starting a new message before Telegram's 4096 limit. */
function chunkText(parts: string[]): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const part of parts) {
    if (current && current.length + 2 + part.length > MESSAGE_LIMIT) {
      chunks.push(current);
      current = part;
    } else current = current ? `${current}\n\n${part}` : part;
  }
  if (current) chunks.push(current);
  return chunks;
}
