/**
 * Telegram's MarkdownV2 rules, as the Bot API enforces them, so the fake refuses what the real API would refuse
 * ("can't parse entities: Character '.' is reserved…"). Returns the plain text (for the 4096-character limit and
 * for tests to read) or the error description Telegram would give.
 *
 * Rules (core.telegram.org/bots/api#markdownv2-style): any character 1–126 may be escaped with `\`; outside
 * entities `_ * [ ] ( ) ~ ` > # + - = | { } . !` must be escaped; inside `code`/`pre` only ` and \ need escaping;
 * inside a link's (url) only ) and \ do; `>` at the start of a line opens a block quote.
 */
const RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));

export function parseMarkdownV2(text: string): { ok: true; plain: string } | { ok: false; description: string } {
  const open: string[] = [];
  let plain = '';
  let i = 0;
  const fail = (description: string) => ({ ok: false as const, description: `Bad Request: can't parse entities: ${description}` });
  const byteOffset = (index: number) => Buffer.byteLength(text.slice(0, index));

  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined || next.charCodeAt(0) > 126) return fail(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      plain += next;
      i += 2;
      continue;
    }
    if (ch === '`') {
      const fence = text.startsWith('```', i);
      const end = findClosing(text, i + (fence ? 3 : 1), fence ? '```' : '`');
      if (end < 0) return fail(`Can't find end of ${fence ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(i)}`);
      let body = unescapeCode(text.slice(i + (fence ? 3 : 1), end));
      if (fence) body = body.replace(/^[^\n`]*\n/, (line) => (/^\w*\n$/.test(line) ? '' : line)); // language tag
      plain += body;
      i = end + (fence ? 3 : 1);
      continue;
    }
    if (ch === '*' || ch === '~' || (ch === '_' && text[i + 1] !== '_')) {
      toggle(open, ch);
      i += 1;
      continue;
    }
    if (ch === '_' || (ch === '|' && text[i + 1] === '|')) {
      toggle(open, ch + ch);
      i += 2;
      continue;
    }
    if (ch === '[') {
      open.push('[');
      i += 1;
      continue;
    }
    if (ch === ']' && open[open.length - 1] === '[') {
      open.pop();
      if (text[i + 1] !== '(') return fail(`Character ']' is reserved and must be escaped with the preceding '\\'`);
      const close = findClosing(text, i + 2, ')');
      if (close < 0) return fail(`Can't find end of a URL at byte offset ${byteOffset(i + 2)}`);
      i = close + 1;
      continue;
    }
    if (ch === '>' && (i === 0 || text[i - 1] === '\n')) {
      i += 1;
      continue;
    }
    if (RESERVED.has(ch)) return fail(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    plain += ch;
    i += 1;
  }
  if (open.length) {
    const names: Record<string, string> = { '*': 'Bold', _: 'Italic', __: 'Underline', '~': 'Strikethrough', '||': 'Spoiler', '[': 'TextUrl' };
    return fail(`Can't find end of ${names[open[open.length - 1]]} entity at byte offset ${byteOffset(text.length)}`);
  }
  return { ok: true, plain };
}

function toggle(open: string[], marker: string): void {
  if (open[open.length - 1] === marker) open.pop();
  else open.push(marker);
}

/** Index of the next unescaped `closing`, skipping `\x` pairs. */
function findClosing(text: string, from: number, closing: string): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\') {
      j++;
      continue;
    }
    if (text.startsWith(closing, j)) return j;
  }
  return -1;
}

function unescapeCode(body: string): string {
  return body.replace(/\\([\\`])/g, '$1');
}
