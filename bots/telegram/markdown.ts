/** MarkdownV2 escaping (core.telegram.org/bots/api#markdownv2-style). Every user or data string goes through here. */
const SPECIAL = /[_*[\]()~`>#+\-=|{}.!\\]/g;

export function escapeMarkdownV2(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

/** Inside `code` and ```pre``` only ` and \ are special. */
export function escapeCode(text: string): string {
  return text.replace(/[`\\]/g, (c) => `\\${c}`);
}

/** Inside the (url) of a link only ) and \ are special. */
export function escapeLinkUrl(url: string): string {
  return url.replace(/[)\\]/g, (c) => `\\${c}`);
}

export const md = {
  bold: (text: string) => `*${escapeMarkdownV2(text)}*`,
  code: (text: string) => `\`${escapeCode(text)}\``,
  pre: (text: string) => `\`\`\`\n${escapeCode(text)}\n\`\`\``,
  link: (text: string, url: string) => `[${escapeMarkdownV2(text)}](${escapeLinkUrl(url)})`,
};
