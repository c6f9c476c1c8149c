/**
 * How market data reads in chat, shared by the market commands: money and rates grouped the way the reader's
 * language groups them, a note when an answer came from cache because its source is down, dates typed the
 * Indonesian way, and the friendly refusals (switched-off service, unknown currency, ticker or city) that name what
 * was typed and say what to type instead.
 */
import { z } from 'zod';
import { AmountParseError, parseRupiahToMinor } from '../../../../../bots/core/amount.js';
import type { CommandContext } from '../../../../../bots/core/command.js';
import type { Language, Localized } from '../../../../../bots/core/locale.js';
import { reply, type Reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { ServiceDisabledError, UnknownCityError, UnknownCurrencyError, UnknownTickerError } from '../../errors.js';
import type { ExternalServiceName } from '../../models/external-service-settings.js';
import { formatMinor } from '../../services/currencies.js';

type Ctx = Pick<CommandContext<unknown, Services>, 'say' | 'locale' | 'user' | 'services'>;

/** "1234567.5" → "1.234.567,5" (id) or "1,234,567.5" (en). */
export function groupDecimal(decimal: string, language: Language): string {
  const negative = decimal.startsWith('-');
  const [whole, fraction] = decimal.replace(/^-/, '').split('.');
  const [group, point] = language === 'id' ? ['.', ','] : [',', '.'];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? '-' : ''}${grouped}${fraction ? `${point}${fraction}` : ''}`;
}

/** Minor units of any ISO currency with its own decimals: Rp1.550.000,00 · USD 100,00 · JPY 15.000 (id). */
export function displayMoney(amountMinor: number | bigint, currency: string, language: Language): string {
  const text = groupDecimal(formatMinor(amountMinor, currency), language);
  const negative = text.startsWith('-');
  const body = text.replace(/^-/, '');
  return `${negative ? '-' : ''}${currency === 'IDR' ? `Rp${body}` : `${currency} ${body}`}`;
}

/** "5 menit lalu" / "5 minutes ago". */
export function ageText(ageSeconds: number, language: Language): string {
  const [n, unit] =
    ageSeconds < 90 ? [Math.max(1, Math.round(ageSeconds)), language === 'id' ? 'detik' : 'seconds']
    : ageSeconds < 90 * 60 ? [Math.round(ageSeconds / 60), language === 'id' ? 'menit' : 'minutes']
    : ageSeconds < 36 * 3600 ? [Math.round(ageSeconds / 3600), language === 'id' ? 'jam' : 'hours']
    : [Math.round(ageSeconds / 86_400), language === 'id' ? 'hari' : 'days'];
  return language === 'id' ? `${n} ${unit} lalu` : `${n} ${unit} ago`;
}

/**
 * A line saying the answer is from cache, with its age; undefined for fresh answers. Only an answer whose source
 * just failed (`sourceError`) says the source cannot be reached: one past its time to live but within
 * stale-while-revalidate comes from a source that is fine and is being refreshed right now.
 */
export function staleNote(ctx: Pick<Ctx, 'say' | 'locale'>, answer: { stale: boolean; ageSeconds: number; sourceError?: string }): string | undefined {
  if (!answer.stale) return undefined;
  const age = ageText(answer.ageSeconds, ctx.locale.language);
  if (!answer.sourceError) {
    return ctx.say({ id: '⚠ Data tersimpan dari {age}; sedang diperbarui.', en: '⚠ Cached data from {age}; it is being refreshed.' }, { age });
  }
  return ctx.say({ id: '⚠ Data tersimpan dari {age}: sumbernya sedang tidak bisa dihubungi.', en: '⚠ Cached data from {age}: the source cannot be reached right now.' }, { age });
}

/** The Indonesian word /market takes for each service (`/market nyala saham`). */
const SERVICE_CHAT_WORD: Record<ExternalServiceName, string> = { currency: 'kurs', stocks: 'saham', weather: 'cuaca', news: 'berita' };

export const SERVICE_WORDS: Record<ExternalServiceName, Localized> = {
  currency: { id: 'kurs mata uang', en: 'exchange rates' },
  stocks: { id: 'saham', en: 'stocks' },
  weather: { id: 'cuaca', en: 'weather' },
  news: { id: 'berita', en: 'news' },
};

/**
 * Runs a market command for a linked user: refuses politely when the user switched the service off, and turns an
 * unknown currency, ticker or city into a reply that names it and shows what to type. Anything else goes to the
 * engine's own error mapping (a source down without cache → "try again later").
 */
export async function marketReply(ctx: Ctx, service: ExternalServiceName, example: string, run: () => Promise<Reply | Reply[]>): Promise<Reply | Reply[]> {
  try {
    await ctx.services.marketSettings.requireEnabled(ctx.user!.userId, service);
    return await run();
  } catch (err) {
    const friendly = marketRefusal(ctx, err, example);
    if (friendly) return reply.text(friendly);
    throw err;
  }
}

/** The friendly chat answer to a market refusal (switched-off service, unknown currency, ticker or city), if it is one. */
export function marketRefusal(ctx: Pick<Ctx, 'say'>, err: unknown, example: string): string | undefined {
  if (err instanceof ServiceDisabledError) {
    const service = err.service as ExternalServiceName;
    return ctx.say(
      {
        id: 'Layanan {service} dimatikan di pengaturan Anda. Untuk menyalakannya: /market nyala {word} (atau PUT /api/external/settings dengan "enabledServices" berisi "{name}").',
        en: 'The {service} service is switched off in your settings. To switch it on: /market on {name} (or PUT /api/external/settings with "enabledServices" including "{name}").',
      },
      { service: ctx.say(SERVICE_WORDS[service] ?? { id: service, en: service }), name: service, word: SERVICE_CHAT_WORD[service] },
    );
  }
  if (err instanceof UnknownCurrencyError) {
    return ctx.say(
      { id: 'Mata uang "{code}" tidak dikenal. Tulis kode ISO 4217 tiga huruf, mis. USD, EUR, SGD, JPY. Contoh: {example}', en: 'Unknown currency "{code}". Write a three-letter ISO 4217 code, e.g. USD, EUR, SGD, JPY. Example: {example}' },
      { code: err.currency.trim().toUpperCase(), example },
    );
  }
  if (err instanceof UnknownTickerError) {
    return ctx.say(
      { id: 'Saham "{ticker}" tidak ditemukan di BEI. Tulis kode saham empat huruf, mis. BBCA, TLKM, BBRI. Contoh: {example}', en: 'No IDX stock called "{ticker}". Write a four-letter IDX code, e.g. BBCA, TLKM, BBRI. Example: {example}' },
      { ticker: err.ticker.trim().toUpperCase(), example },
    );
  }
  if (err instanceof UnknownCityError) {
    return ctx.say(
      { id: 'Kota "{city}" tidak ditemukan. Tulis nama kota, mis. Bandung atau Surabaya. Contoh: {example}', en: 'No place called "{city}" was found. Write a city name, e.g. Bandung or Surabaya. Example: {example}' },
      { city: err.city, example },
    );
  }
  return undefined;
}

/**
 * An amount typed as people type them (`100`, `1.500`, `1,5jt`, `250rb`, `Rp 150.000`, `12,50`) → a plain decimal
 * string in major units ("1500000", "12.5") for any currency. The chat core's rupiah parser does the reading (it
 * yields hundredths); the currency's own minor unit is applied later, so "12,5 JPY" is refused naming JPY's decimals.
 */
export function decimalAmountArg() {
  return z.string({ error: 'required' }).transform((value, ctx) => {
    try {
      const hundredths = BigInt(parseRupiahToMinor(value));
      const whole = hundredths / 100n;
      const fraction = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '');
      return fraction ? `${whole}.${fraction}` : String(whole);
    } catch (err) {
      if (!(err instanceof AmountParseError)) throw err;
      // The core's rupiah wording would be wrong for other currencies.
      ctx.addIssue({ code: 'custom', message: err.reason === 'too_many_decimals' ? 'amount.not_a_number' : `amount.${err.reason}` });
      return z.NEVER;
    }
  });
}

/** A date typed as `2024-01-05`, `05/01/2024` or `5-1-2024` (day first, as in Indonesia) → 'YYYY-MM-DD'. */
export function chatDateArg() {
  return z
    .string()
    .transform((value, ctx) => {
      const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
      const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dmy ? [dmy[3], dmy[2].padStart(2, '0'), dmy[1].padStart(2, '0')] : [];
      const date = y ? `${y}-${m}-${d}` : '';
      if (!date || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
        ctx.addIssue({ code: 'custom', message: 'YYYY-MM-DD / DD/MM/YYYY (2024-01-05)' });
        return z.NEVER;
      }
      return date;
    })
    .optional();
}
