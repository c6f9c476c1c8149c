/**
 * Turns the words after a command into the object the command's zod schema validates. Words are split on spaces
 * (quotes keep a description together); an amount typed with a space ("Rp 150.000", "150 rb", "1,5 jt") is
 * glued back into one word first so it fills one parameter.
 */
import { z } from 'zod';
import { AmountParseError, parseRupiahToMinor } from './amount.js';
import type { CommandParam } from './command.js';
import type { Language, Localized } from './locale.js';

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|“([^”]*)”|(\S+)/g;
  for (const m of text.matchAll(pattern)) tokens.push(m[1] ?? m[2] ?? m[3]);
  return glueAmounts(tokens);
}

const AMOUNT_PREFIX = /^(rp\.?|idr)$/i;
const AMOUNT_SUFFIX = /^(rb|ribu|k|jt|juta|mio|miliar|milyar|triliun)$/i;
const NUMERIC = /^(rp\.?|idr)?\d[\d.,]*$/i;

function glueAmounts(tokens: string[]): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const previous = out[out.length - 1];
    if (previous !== undefined && AMOUNT_PREFIX.test(previous) && /^\d/.test(token)) out[out.length - 1] = `${previous}${token}`;
    else if (previous !== undefined && AMOUNT_SUFFIX.test(token) && NUMERIC.test(previous)) out[out.length - 1] = `${previous}${token}`;
    else out.push(token);
  }
  return out;
}

export type ArgIssue = { param: string; reason: string };

/** Maps words onto named params; too many words for a command without a `rest` param is an issue, not a silent drop. */
export function bindParams(tokens: string[], params: CommandParam[] = []): { values: Record<string, string | undefined>; extra: string[] } {
  const values: Record<string, string | undefined> = {};
  let i = 0;
  for (const param of params) {
    if (param.rest) {
      const rest = tokens.slice(i).join(' ');
      values[param.name] = rest.length ? rest : undefined;
      i = tokens.length;
    } else {
      values[param.name] = tokens[i];
      i++;
    }
  }
  return { values, extra: tokens.slice(i) };
}

/** Reasons commands' schemas can raise by key, so errors read naturally in both languages. */
export const ARG_REASONS: Record<string, Localized> = {
  'amount.empty': { id: 'jumlah wajib diisi, mis. 150rb', en: 'an amount is required, e.g. 150rb' },
  'amount.not_a_number': { id: 'bukan jumlah uang; tulis mis. 150rb, 1,5jt atau Rp 150.000', en: 'not an amount; write e.g. 150rb, 1,5jt or Rp 150.000' },
  'amount.ambiguous': { id: 'jumlah ambigu; tulis 1,5jt atau 1500rb', en: 'ambiguous amount; write 1,5jt or 1500rb' },
  'amount.too_many_decimals': { id: 'rupiah hanya punya 2 angka desimal', en: 'rupiah has only 2 decimals' },
  'amount.not_positive': { id: 'jumlah harus lebih dari 0', en: 'the amount must be more than 0' },
  'amount.too_large': { id: 'jumlah terlalu besar', en: 'the amount is too large' },
  required: { id: 'wajib diisi', en: 'required' },
  'choice.invalid': { id: 'pilihan tidak dikenal', en: 'not one of the choices' },
  'count.invalid': { id: 'harus angka 1–50', en: 'must be a number from 1 to 50' },
};

/** `key` or `key|detail` (the detail, e.g. the allowed choices, is appended after a colon). */
export function localizeReason(reason: string, language: Language): string {
  const [key, detail] = reason.split('|');
  const known = ARG_REASONS[key];
  if (!known) return reason;
  return detail ? `${known[language]}: ${detail}` : known[language];
}

/** A rupiah amount param → IDR minor units; errors carry a reason key from ARG_REASONS. */
export function amountArg() {
  return z.string({ error: 'required' }).transform((value, ctx) => {
    try {
      return parseRupiahToMinor(value);
    } catch (err) {
      if (!(err instanceof AmountParseError)) throw err;
      ctx.addIssue({ code: 'custom', message: `amount.${err.reason}` });
      return z.NEVER;
    }
  });
}

/** A choice among fixed words, case-insensitive, reported with the allowed values. */
export function choiceArg<const T extends readonly [string, ...string[]]>(choices: T) {
  return z
    .string({ error: 'required' })
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(choices, { error: `choice.invalid|${choices.join(', ')}` }));
}
