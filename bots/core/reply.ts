/**
 * The reply model: what a command answers, independent of where it is shown. Text is always plain (never
 * pre-formatted Markdown): each adapter escapes and styles it in its own idiom, so no user-supplied string can
 * break a Telegram MarkdownV2 message or inject Slack mrkdwn.
 */
export type ReplyBlock =
  | { type: 'heading'; text: string }
  | { type: 'text'; text: string }
  /** Label/value pairs; `copy` marks values meant to be copied exactly (VA numbers, ids) → monospace. */
  | { type: 'fields'; fields: { label: string; value: string; copy?: boolean }[] }
  | { type: 'table'; columns: string[]; rows: string[][]; align?: ('left' | 'right')[] }
  | { type: 'buttons'; buttons: ReplyButton[] }
  | { type: 'image'; data: Buffer; filename: string; mimeType: string; caption?: string }
  | { type: 'file'; data: Buffer; filename: string; mimeType: string; caption?: string }
  | { type: 'link'; text: string; url: string };

export interface ReplyButton {
  label: string;
  /** Opaque token the platform sends back when pressed (≤ 64 bytes for Telegram's callback_data). */
  token: string;
  style?: 'primary' | 'danger';
}

export interface Reply {
  blocks: ReplyBlock[];
  /**
   * `private` replies carry the user's own data: in a group they go by direct message (Telegram) or as an
   * ephemeral message (Slack). Public replies (help, errors about syntax) may be answered in place.
   */
  visibility: 'private' | 'public';
  /** Replace the message whose button was pressed (confirmations) instead of sending a new one. */
  replaceOriginal?: boolean;
}

export const reply = {
  text(text: string, visibility: Reply['visibility'] = 'public'): Reply {
    return { blocks: [{ type: 'text', text }], visibility };
  },
  of(blocks: ReplyBlock[], visibility: Reply['visibility'] = 'private', extra: Partial<Pick<Reply, 'replaceOriginal'>> = {}): Reply {
    return { blocks, visibility, ...extra };
  },
};

/** A plain-text rendering (terminal client, notification fallbacks, Slack's notification `text`). */
export function replyToPlainText(r: Reply): string {
  const parts: string[] = [];
  for (const block of r.blocks) {
    switch (block.type) {
      case 'heading':
      case 'text':
        parts.push(block.text);
        break;
      case 'fields':
        parts.push(block.fields.map((f) => `${f.label}: ${f.value}`).join('\n'));
        break;
      case 'table':
        parts.push(formatTextTable(block.columns, block.rows, block.align));
        break;
      case 'buttons':
        parts.push(block.buttons.map((b) => `[${b.label}]`).join(' '));
        break;
      case 'image':
      case 'file':
        parts.push(`(${block.type === 'image' ? 'gambar' : 'berkas'}: ${block.filename})${block.caption ? ` ${block.caption}` : ''}`);
        break;
      case 'link':
        parts.push(`${block.text}: ${block.url}`);
        break;
    }
  }
  return parts.join('\n\n');
}

/** Monospace table with padded columns; used inside Telegram `pre` blocks, Slack code blocks and the terminal. */
export function formatTextTable(columns: string[], rows: string[][], align: ('left' | 'right')[] = []): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(columns.map((_, i) => r[i] ?? '')))].join('\n');
}
