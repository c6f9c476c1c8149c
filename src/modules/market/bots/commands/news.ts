import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { formatDateTime } from '../../../../../bots/core/locale.js';
import { reply, type ReplyBlock } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { IDX_TICKER } from '../../providers/yahoo-chart.js';
import { marketReply } from './chat-format.js';

/**
 * /news [keyword|ticker]: the latest financial news from the Indonesian and international feeds, deduplicated. A
 * word in capitals that looks like an IDX code (`BBCA`) filters by ticker; anything else is a keyword search.
 */
export const newsCommand = defineCommand<{ query?: string }, Services>({
  name: 'news',
  aliases: ['berita'],
  description: { id: 'Berita keuangan terbaru', en: 'Latest financial news' },
  params: [{ name: 'query', label: { id: 'kata-kunci|kode-saham', en: 'keyword|ticker' }, optional: true, rest: true }],
  args: z.object({ query: z.string().max(100).optional() }),
  example: '/news BBCA',
  async run(ctx) {
    return marketReply(ctx, 'news', '/news BBCA', async () => {
      const query = ctx.args.query?.trim();
      const byTicker = query !== undefined && query === query.toUpperCase() && IDX_TICKER.test(query);
      const answer = await ctx.services.marketNews.news({ ...(byTicker ? { ticker: query } : query ? { q: query } : {}), limit: 5 });
      if (!answer.items.length) {
        return reply.text(ctx.say({ id: 'Tidak ada berita untuk "{query}". Coba kata lain, mis. /news suku bunga', en: 'No news for "{query}". Try another word, e.g. /news inflation' }, { query: query ?? '' }));
      }
      const blocks: ReplyBlock[] = [{ type: 'heading', text: query ? ctx.say({ id: 'Berita: {query}', en: 'News: {query}' }, { query }) : ctx.say({ id: 'Berita keuangan terbaru', en: 'Latest financial news' }) }];
      for (const item of answer.items) {
        const when = item.publishedAt ? ` · ${formatDateTime(new Date(item.publishedAt), ctx.locale)}` : '';
        blocks.push({ type: 'link', text: `${item.title} (${item.feedTitle}${when})`, url: item.link });
      }
      const down = answer.feeds.filter((f) => !f.ok).map((f) => f.title);
      if (down.length) blocks.push({ type: 'text', text: ctx.say({ id: '⚠ Tidak terbaru dari: {feeds} (memakai simpanan bila ada).', en: '⚠ Not current from: {feeds} (cached where available).' }, { feeds: down.join(', ') }) });
      return reply.of(blocks, 'public');
    });
  },
});
