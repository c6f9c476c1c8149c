/**
 * Financial news from the RSS feeds, each through the cache (a feed that is down shows its last items, marked
 * stale), merged, deduplicated and filtered. The same story arrives twice in many ways: a portal syndicating
 * another's piece under a re-punctuated title, a feed repeating an item with tracking parameters on the link, a
 * guid reused. One story is kept, with the other feeds listed in `alsoIn`.
 */
import { validationFailed } from '../../../lib/errors.js';
import { SourceUnavailableError } from '../errors.js';
import type { NewsItem, NewsProvider } from '../providers/types.js';
import type { MarketCache } from './market-cache.js';
import { normaliseTicker } from './stocks-service.js';

export interface NewsQuery {
  /** Words that must all appear in the title or summary (accents and case ignored). */
  q?: string;
  /** An IDX ticker mentioned as a word (BBCA, not "BBCAX"). */
  ticker?: string;
  language?: 'id' | 'en';
  limit?: number;
}

export interface NewsStory extends NewsItem {
  alsoIn: string[];
}

export interface NewsAnswer {
  items: NewsStory[];
  feeds: { feed: string; title: string; ok: boolean; stale: boolean; ageSeconds: number | null; error?: string }[];
  stale: boolean;
}

const TRACKING = /^(utm_|fbclid$|gclid$|ref$|ref_src$|cmpid$)/i;

export function normaliseLink(link: string): string {
  try {
    const url = new URL(link);
    for (const name of [...url.searchParams.keys()]) if (TRACKING.test(name)) url.searchParams.delete(name);
    url.hash = '';
    const path = url.pathname.replace(/\/+$/, '');
    return `${url.hostname.toLowerCase().replace(/^www\./, '')}${path}${url.search}`;
  } catch {
    return link.trim();
  }
}

export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    // "0,8%" and "0,8 persen" are the same figure in Indonesian headlines.
    .replace(/\s*%/g, ' persen')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function dedupe(items: NewsItem[]): NewsStory[] {
  const kept: NewsStory[] = [];
  const seen = new Map<string, NewsStory>();
  for (const item of items) {
    const keys = [`link:${normaliseLink(item.link)}`, `title:${normaliseTitle(item.title)}`, ...(item.guid ? [`guid:${item.feed}:${item.guid}`] : [])];
    const existing = keys.map((k) => seen.get(k)).find(Boolean);
    if (existing) {
      if (existing.feed !== item.feed && !existing.alsoIn.includes(item.feedTitle)) existing.alsoIn.push(item.feedTitle);
      for (const k of keys) seen.set(k, existing);
      continue;
    }
    const story: NewsStory = { ...item, alsoIn: [] };
    kept.push(story);
    for (const k of keys) seen.set(k, story);
  }
  return kept;
}

export class NewsService {
  constructor(private readonly deps: { feeds: NewsProvider[]; cache: MarketCache }) {}

  async news(query: NewsQuery = {}): Promise<NewsAnswer> {
    const limit = query.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw validationFailed([{ field: 'limit', reason: 'a whole number from 1 to 100' }]);
    const ticker = query.ticker ? normaliseTicker(query.ticker, 'ticker') : undefined;
    const words = query.q ? normaliseTitle(query.q).split(' ').filter(Boolean) : [];
    const feeds = this.deps.feeds.filter((f) => !query.language || f.feed.language === query.language);

    const results = await Promise.allSettled(
      feeds.map((provider) =>
        this.deps.cache.get(`news:${provider.feed.id}`, provider.descriptor, async () => ({ value: await provider.items(), source: provider.descriptor.id })),
      ),
    );
    const all: NewsItem[] = [];
    const status: NewsAnswer['feeds'] = [];
    results.forEach((result, i) => {
      const feed = feeds[i].feed;
      if (result.status === 'fulfilled') {
        all.push(...result.value.value);
        status.push({ feed: feed.id, title: feed.title, ok: !result.value.sourceError, stale: result.value.stale, ageSeconds: result.value.ageSeconds, ...(result.value.sourceError ? { error: result.value.sourceError } : {}) });
      } else {
        status.push({ feed: feed.id, title: feed.title, ok: false, stale: false, ageSeconds: null, error: (result.reason as Error).message });
      }
    });
    if (feeds.length && results.every((r) => r.status === 'rejected')) {
      throw new SourceUnavailableError('news', 'no news feed could be read and none is cached', 'down');
    }
    // Newest first before deduplicating, so the kept copy of a story is its most recent telling.
    // By instant, not by text: items cached before publishedAt was written in Jakarta time end in Z.
    const at = (item: { publishedAt: string | null }) => (item.publishedAt ? Date.parse(item.publishedAt) : 0) || 0;
    all.sort((a, b) => at(b) - at(a));
    let stories = dedupe(all);
    if (ticker) {
      const pattern = new RegExp(`(^|[^A-Z0-9])${ticker}([^A-Z0-9]|$)`);
      stories = stories.filter((s) => pattern.test(s.title) || pattern.test(s.summary));
    }
    if (words.length) {
      stories = stories.filter((s) => {
        const text = ` ${normaliseTitle(`${s.title} ${s.summary}`)} `;
        return words.every((w) => text.includes(w));
      });
    }
    return { items: stories.slice(0, limit), feeds: status, stale: status.some((f) => f.stale) };
  }
}
