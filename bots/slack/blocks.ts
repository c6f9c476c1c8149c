/**
 * Reply model → Slack Block Kit. Private replies are ephemeral (only the asker sees them, even in a channel);
 * text is escaped for mrkdwn (&, <, >) so user input cannot ping @channel or forge links; tables are code blocks;
 * buttons carry the confirmation token as their value. Images and files cannot ride in a message payload, so
 * they come back as uploads for the Web API (files.uploadV2).
 */
import { formatTextTable, replyToPlainText, type Reply, type ReplyBlock } from '../core/reply.js';

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

export interface SlackUpload {
  filename: string;
  data: Buffer;
  title: string;
  mimeType: string;
}

const SECTION_LIMIT = 3000;
const MAX_BLOCKS = 50;

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderSlack(reply: Reply): { message: SlackMessage; uploads: SlackUpload[] } {
  const blocks: Record<string, unknown>[] = [];
  const uploads: SlackUpload[] = [];
  reply.blocks.forEach((block, index) => {
    if (block.type === 'image' || block.type === 'file') uploads.push({ filename: block.filename, data: block.data, title: block.caption ?? block.filename, mimeType: block.mimeType });
    else blocks.push(...renderBlock(block, index));
  });
  const text = replyToPlainText({ ...reply, blocks: reply.blocks.filter((b) => b.type !== 'buttons') }).slice(0, 3000) || ' ';
  return {
    message: {
      text,
      blocks: blocks.slice(0, MAX_BLOCKS),
      response_type: reply.visibility === 'private' ? 'ephemeral' : 'in_channel',
      ...(reply.replaceOriginal ? { replace_original: true } : {}),
    },
    uploads,
  };
}

function renderBlock(block: Exclude<ReplyBlock, { type: 'image' | 'file' }>, index: number): Record<string, unknown>[] {
  switch (block.type) {
    case 'heading':
      return [{ type: 'header', text: { type: 'plain_text', text: block.text.slice(0, 150), emoji: true } }];
    case 'text':
      return splitSections(block.text).map(section);
    case 'fields':
      return chunk(block.fields, 10).map((group) => ({
        type: 'section',
        fields: group.map((f) => ({ type: 'mrkdwn', text: `*${escapeMrkdwn(f.label)}*\n${f.copy ? '`' + escapeMrkdwn(f.value).replace(/`/g, "'") + '`' : escapeMrkdwn(f.value)}`.slice(0, 2000) })),
      }));
    case 'table': {
      const [header, rule, ...rows] = formatTextTable(block.columns, block.rows, block.align).split('\n');
      const parts: string[][] = [];
      let current: string[] = [];
      for (const row of rows) {
        if ([header, rule, ...current, row].join('\n').length + 8 > SECTION_LIMIT) {
          parts.push(current);
          current = [];
        }
        current.push(row);
      }
      parts.push(current);
      return parts.map((p) => section('```' + escapeMrkdwn([header, rule, ...p].join('\n')).replace(/```/g, "'''") + '```'));
    }
    case 'link':
      return [section(`<${block.url.replace(/[<>|]/g, encodeURIComponent)}|${escapeMrkdwn(block.text).replace(/\|/g, '¦')}>`)];
    case 'buttons':
      return [
        {
          type: 'actions',
          block_id: `sw_actions_${index}`,
          elements: block.buttons.map((b, i) => ({
            type: 'button',
            action_id: `sw_button_${i}`,
            text: { type: 'plain_text', text: b.label.slice(0, 75), emoji: true },
            value: b.token,
            ...(b.style ? { style: b.style } : {}),
          })),
        },
      ];
  }
}

function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Escaped sections under Slack's 3000-character limit, never cutting an escape like `&amp;` in two. */
function splitSections(raw: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of raw) {
    const piece = escapeMrkdwn(ch);
    if (current.length + piece.length > SECTION_LIMIT) {
      out.push(current);
      current = '';
    }
    current += piece;
  }
  if (current || !out.length) out.push(current || ' ');
  return out;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
