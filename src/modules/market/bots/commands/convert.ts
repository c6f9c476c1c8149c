import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply, type ReplyBlock } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { chatDateArg, decimalAmountArg, displayMoney, groupDecimal, marketReply, staleNote } from './chat-format.js';

/**
 * The chat core glues "IDR" to a number after it (so "IDR 150.000" is one amount); for /convert that number is
 * the date ("… USD IDR 05/01/2024" arrives as to="IDR05/01/2024"), so split it back.
 */
function ungluedDate(values: unknown): unknown {
  const v = values as Record<string, string | undefined>;
  const glued = v.date === undefined && v.to ? /^(idr)(\d.*)$/i.exec(v.to) : null;
  return glued ? { ...v, to: glued[1], date: glued[2] } : values;
}

/**
 * /convert <amount> <from> <to> [date]: `100 USD IDR`, `1,5jt IDR SGD`, `250 EUR IDR 05/01/2024`. The amount is read
 * like every chat amount; it is converted at the day's reference rate (or the working day before) and rounded once
 * to the target currency's own minor unit.
 */
export const convertCommand = defineCommand<{ amount: string; from: string; to: string; date?: string }, Services>({
  name: 'convert',
  aliases: ['konversi'],
  description: { id: 'Konversi mata uang (kurs hari ini atau tanggal tertentu)', en: "Convert currencies (today's or a past date's rate)" },
  params: [
    { name: 'amount', label: { id: 'jumlah', en: 'amount' } },
    { name: 'from', label: { id: 'dari', en: 'from' } },
    { name: 'to', label: { id: 'ke', en: 'to' } },
    { name: 'date', label: { id: 'tanggal', en: 'date' }, optional: true },
  ],
  args: z.preprocess(
    ungluedDate,
    z.object({ amount: decimalAmountArg(), from: z.string({ error: 'required' }).max(10), to: z.string({ error: 'required' }).max(10), date: chatDateArg() }),
  ),
  example: '/convert 100 USD IDR',
  async run(ctx) {
    const { amount, from, to, date } = ctx.args;
    return marketReply(ctx, 'currency', '/convert 100 USD IDR', async () => {
      const answer = await ctx.services.marketRates.convert(amount, from, to, date);
      const language = ctx.locale.language;
      const blocks: ReplyBlock[] = [
        { type: 'heading', text: `${displayMoney(answer.from.amountMinor, answer.from.currency, language)} = ${displayMoney(answer.to.amountMinor, answer.to.currency, language)}` },
        {
          type: 'fields',
          fields: [
            { label: ctx.say({ id: 'Kurs', en: 'Rate' }), value: `1 ${answer.from.currency} = ${groupDecimal(answer.rate, language)} ${answer.to.currency}` },
            { label: ctx.say({ id: 'Tanggal kurs', en: 'Rate date' }), value: answer.date },
            { label: ctx.say({ id: 'Sumber', en: 'Source' }), value: answer.attribution ?? answer.source },
          ],
        },
      ];
      if (date && date !== answer.date) {
        blocks.push({ type: 'text', text: ctx.say({ id: 'Tidak ada kurs pada {asked} (libur/akhir pekan): memakai kurs {used}.', en: 'No rates on {asked} (holiday or weekend): used those of {used}.' }, { asked: date, used: answer.date }) });
      }
      const note = staleNote(ctx, answer);
      if (note) blocks.push({ type: 'text', text: note });
      return reply.of(blocks, 'public');
    });
  },
});
