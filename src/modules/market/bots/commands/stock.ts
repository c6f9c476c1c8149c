import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { formatDateTime } from '../../../../../bots/core/locale.js';
import { reply, type ReplyBlock } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { displayMoney, groupDecimal, marketReply, staleNote } from './chat-format.js';

/** /stock <ticker>: the latest IDX quote with the day's change; without a ticker, the user's watch list. */
export const stockCommand = defineCommand<{ ticker?: string }, Services>({
  name: 'stock',
  aliases: ['saham'],
  description: { id: 'Harga saham BEI', en: 'IDX stock price' },
  params: [{ name: 'ticker', label: { id: 'kode-saham', en: 'ticker' }, optional: true }],
  args: z.object({ ticker: z.string().max(12).optional() }),
  example: '/stock BBCA',
  async run(ctx) {
    return marketReply(ctx, 'stocks', '/stock BBCA', async () => {
      const language = ctx.locale.language;
      const tickers = ctx.args.ticker ? [ctx.args.ticker] : (await ctx.services.marketSettings.get(ctx.user!.userId)).watchList;
      if (!tickers.length) return reply.text(ctx.say({ id: 'Tulis kode saham, mis. /stock BBCA', en: 'Write a ticker, e.g. /stock BBCA' }));
      const quotes = await ctx.services.marketStocks.quotes(tickers, 'ticker');
      const change = (q: (typeof quotes)[number]) => `${q.changeMinor >= 0 ? '+' : ''}${displayMoney(q.changeMinor, q.currency, language)} (${q.changeMinor >= 0 ? '+' : ''}${groupDecimal(q.changePercent, language)}%)`;
      const blocks: ReplyBlock[] = [];
      if (quotes.length === 1) {
        const q = quotes[0];
        blocks.push(
          { type: 'heading', text: `${q.ticker}${q.name ? ` · ${q.name}` : ''}` },
          {
            type: 'fields',
            fields: [
              { label: ctx.say({ id: 'Harga', en: 'Price' }), value: displayMoney(q.priceMinor, q.currency, language) },
              { label: ctx.say({ id: 'Perubahan hari ini', en: "Today's change" }), value: change(q) },
              { label: ctx.say({ id: 'Penutupan kemarin', en: 'Previous close' }), value: displayMoney(q.previousCloseMinor, q.currency, language) },
              { label: ctx.say({ id: 'Waktu pasar', en: 'Market time' }), value: formatDateTime(new Date(q.marketTime), ctx.locale) },
            ],
          },
        );
      } else {
        blocks.push(
          { type: 'heading', text: ctx.say({ id: 'Daftar pantauan', en: 'Watch list' }) },
          {
            type: 'table',
            columns: [ctx.say({ id: 'Kode', en: 'Ticker' }), ctx.say({ id: 'Harga', en: 'Price' }), ctx.say({ id: 'Perubahan', en: 'Change' })],
            align: ['left', 'right', 'right'],
            rows: quotes.map((q) => [q.ticker, displayMoney(q.priceMinor, q.currency, language), change(q)]),
          },
        );
      }
      const stale = quotes.find((q) => q.sourceError) ?? quotes.find((q) => q.stale);
      const note = stale ? staleNote(ctx, stale) : undefined;
      if (note) blocks.push({ type: 'text', text: note });
      return reply.of(blocks, 'public');
    });
  },
});
