/** The reply model as terminal text: headings underlined, tables aligned, buttons numbered, images saved to files. */
import { formatTextTable } from '../core/reply.js';

export interface JsonBlock {
  type: string;
  text?: string;
  fields?: { label: string; value: string; copy?: boolean }[];
  columns?: string[];
  rows?: string[][];
  align?: ('left' | 'right')[];
  buttons?: { label: string; token: string }[];
  url?: string;
  filename?: string;
  caption?: string;
  dataBase64?: string;
}

export interface JsonReply {
  visibility: 'private' | 'public';
  replaceOriginal?: boolean;
  blocks: JsonBlock[];
}

export interface Rendered {
  text: string;
  /** Tokens of the buttons, in the order they are numbered. */
  buttons: string[];
  files: { filename: string; data: Buffer }[];
}

export function renderTerminal(replies: JsonReply[], firstButton = 1): Rendered {
  const lines: string[] = [];
  const buttons: string[] = [];
  const files: Rendered['files'] = [];
  for (const r of replies) {
    for (const b of r.blocks) {
      switch (b.type) {
        case 'heading':
          lines.push(`\x1b[1m${b.text}\x1b[0m`);
          break;
        case 'text':
          lines.push(b.text ?? '');
          break;
        case 'fields':
          for (const f of b.fields ?? []) lines.push(`  ${f.label}: ${f.copy ? `\x1b[36m${f.value}\x1b[0m` : f.value}`);
          break;
        case 'table':
          lines.push(formatTextTable(b.columns ?? [], b.rows ?? [], b.align));
          break;
        case 'link':
          lines.push(`${b.text}: ${b.url}`);
          break;
        case 'buttons':
          lines.push(
            (b.buttons ?? [])
              .map((button) => {
                buttons.push(button.token);
                return `[${firstButton + buttons.length - 1}] ${button.label}`;
              })
              .join('   '),
          );
          break;
        case 'image':
        case 'file':
          files.push({ filename: b.filename ?? 'file', data: Buffer.from(b.dataBase64 ?? '', 'base64') });
          lines.push(`(${b.type === 'image' ? 'gambar' : 'berkas'} ${b.filename})${b.caption ? ` ${b.caption}` : ''}`);
          break;
      }
    }
    lines.push('');
  }
  return { text: lines.join('\n'), buttons, files };
}
