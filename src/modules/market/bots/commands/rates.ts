import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply, type ReplyBlock } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { groupDecimal, marketReply, staleNote } from './chat-format.js';

/** The currencies people in Indonesia ask about most; the REST route gives every one. */
const POPULAR = ['USD', 'EUR', 'SGD', 'JPY', 'CNY', 'AUD', 'MYR', 'SAR', 'GBP', 'IDR'];

/** /rates [base]: today's rates of the popular currencies against `base` (default: the user's home currency). */
export const ratesCommand = defineCommand<{ base?: string }, Services>({
  name: 'rates',
  aliases: ['kurs'],
  description: { id: 'Kurs mata uang hari ini', en: "Today's exchange rates" },
  params: [{ name: 'base', label: { id: 'mata-uang', en: 'currency' }, optional: true }],
  args: z.object({ base: z.string().max(10).optional() }),
  example: '/rates USD',
  async run(ctx) {
    return marketReply(ctx, 'currency', '/rates USD', async () => {
      const base = ctx.args.base ?? (await ctx.services.marketSettings.get(ctx.user!.userId)).homeCurrency;
      const upper = base.toUpperCase();
      // Against IDR people think "one dollar is Rp16.000", so show what one unit of each costs in the base.
      const symbols = POPULAR.filter((c) => c !== upper);
      const answer = await ctx.services.marketRates.rates(upper, symbols);
      const rows = symbols.map((code) => {
        const perBase = Number(answer.rates[code]);
        const inBase = perBase ? 1 / perBase : 0;
        return [`1 ${code}`, `${groupDecimal(trim(inBase), ctx.locale.language)} ${answer.base}`];
      });
      const blocks: ReplyBlock[] = [
        { type: 'heading', text: ctx.say({ id: 'Kurs terhadap {base} · {date}', en: 'Rates against {base} · {date}' }, { base: answer.base, date: answer.date }) },
        { type: 'table', columns: [ctx.say({ id: 'Mata uang', en: 'Currency' }), answer.base], rows, align: ['left', 'right'] },
        { type: 'text', text: `${ctx.say({ id: 'Sumber', en: 'Source' })}: ${answer.attribution ?? answer.source}` },
      ];
      const note = staleNote(ctx, answer);
      if (note) blocks.push({ type: 'text', text: note });
      return reply.of(blocks, 'public');
    });
  },
});

/** Four significant decimals for small values, two for the rest: 16.245,12 IDR · 0,6523 EUR. */
function trim(value: number): string {
  const digits = value >= 100 ? 2 : value >= 1 ? 4 : 6;
  return value.toFixed(digits).replace(/(\.\d*?[1-9])0+$/, '$1').replace(/\.0+$/, '');
}
