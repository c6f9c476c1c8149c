import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply, type ReplyBlock } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { displayMoney, groupDecimal, marketReply, staleNote } from './chat-format.js';

/** /portfolio: the user's IDX holdings valued at the latest prices (private: it is their money). */
export const portfolioCommand = defineCommand<Record<string, never>, Services>({
  name: 'portfolio',
  aliases: ['portofolio'],
  description: { id: 'Nilai portofolio saham Anda', en: 'Your stock portfolio value' },
  args: z.object({}),
  example: '/portfolio',
  async run(ctx) {
    return marketReply(ctx, 'stocks', '/portfolio', async () => {
      const language = ctx.locale.language;
      const money = (minor: number) => displayMoney(minor, 'IDR', language);
      const signed = (minor: number) => `${minor >= 0 ? '+' : ''}${money(minor)}`;
      const v = await ctx.services.marketPortfolio.valuation(ctx.user!.userId);
      if (!v.holdings.length) {
        return reply.of([{ type: 'text', text: ctx.say({ id: 'Portofolio masih kosong. Tambahkan saham lewat PUT /api/external/portfolio/BBCA {"lots": 10, "averagePrice": "9000"}.', en: 'Your portfolio is empty. Add a holding with PUT /api/external/portfolio/BBCA {"lots": 10, "averagePrice": "9000"}.' }) }]);
      }
      const blocks: ReplyBlock[] = [
        { type: 'heading', text: ctx.say({ id: 'Portofolio Anda', en: 'Your portfolio' }) },
        {
          type: 'table',
          columns: [ctx.say({ id: 'Kode', en: 'Ticker' }), 'Lot', ctx.say({ id: 'Nilai', en: 'Value' }), ctx.say({ id: 'Untung/rugi', en: 'Gain/loss' })],
          align: ['left', 'right', 'right', 'right'],
          rows: v.holdings.map((h) => [h.ticker, String(h.lots), money(h.valueMinor), `${signed(h.gainLossMinor)} (${groupDecimal(h.gainLossPercent, language)}%)`]),
        },
        {
          type: 'fields',
          fields: [
            { label: ctx.say({ id: 'Total nilai', en: 'Total value' }), value: money(v.totals.valueMinor) },
            { label: ctx.say({ id: 'Modal', en: 'Cost' }), value: money(v.totals.costMinor) },
            { label: ctx.say({ id: 'Untung/rugi', en: 'Gain/loss' }), value: `${signed(v.totals.gainLossMinor)} (${groupDecimal(v.totals.gainLossPercent, language)}%)` },
            { label: ctx.say({ id: 'Perubahan hari ini', en: "Today's change" }), value: signed(v.totals.dayChangeMinor) },
          ],
        },
      ];
      const stale = v.holdings.find((h) => h.sourceError) ?? v.holdings.find((h) => h.stale);
      const note = stale ? staleNote(ctx, stale) : undefined;
      if (note) blocks.push({ type: 'text', text: note });
      return reply.of(blocks, 'private');
    });
  },
});
