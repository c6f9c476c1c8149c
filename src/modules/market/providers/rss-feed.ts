/**
 * Financial news from public RSS 2.0 feeds (no key), one source per feed so one feed that is down neither trips
 * the others' breakers nor hides their news. Items: channel/item{title, link, guid, pubDate (RFC 822),
 * description}. Feed availability is not guaranteed (reference §f), hence the cache in front of every feed.
 * Deduplication across feeds is the news service's job; this adapter reads one feed faithfully.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badData, type SourceResponse } from './source-client.js';
import { clientFor, type AdapterOptions } from './common.js';
import type { NewsFeed, NewsItem, NewsProvider, SourceDescriptor } from './types.js';
import { toJakartaIso } from '../../../lib/time.js';

/** Indonesian market news first, then international; URLs from public feed lists (reference §f). */
export const NEWS_FEEDS: readonly NewsFeed[] = [
  { id: 'cnbc-indonesia-market', title: 'CNBC Indonesia — Market', language: 'id', url: 'https://www.cnbcindonesia.com/market/rss' },
  { id: 'kompas-ekonomi', title: 'Kompas.com — Ekonomi', language: 'id', url: 'https://rss.kompas.com/kompascom/ekonomi' },
  { id: 'detik-finance', title: 'detikFinance', language: 'id', url: 'https://rss.detik.com/index.php/finance' },
  { id: 'antara-ekonomi', title: 'ANTARA — Ekonomi', language: 'id', url: 'https://www.antaranews.com/rss/ekonomi.xml' },
  { id: 'marketwatch-top', title: 'MarketWatch — Top Stories', language: 'en', url: 'https://feeds.content.dowjones.io/public/rss/mw_topstories' },
  { id: 'yahoo-finance', title: 'Yahoo Finance — News', language: 'en', url: 'https://finance.yahoo.com/news/rssindex' },
];

export function rssDescriptor(feed: NewsFeed): SourceDescriptor {
  return {
    id: `rss:${feed.id}`,
    kind: 'news',
    title: feed.title,
    realBaseUrl: new URL(feed.url).origin,
    ttlMs: 10 * 60_000,
    staleWhileRevalidateMs: 2 * 60 * 60_000,
    timeoutMs: 6000,
    attribution: `Headlines: ${feed.title}`,
  };
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: true });

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Feeds put HTML (often entity-escaped, often in CDATA) into titles and descriptions: reduce to plain text. */
export function plainText(html: string): string {
  const decode = (s: string) =>
    s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
      if (entity[0] === '#') {
        const code = entity[1].toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[entity.toLowerCase()] ?? whole;
    });
  // Decode first so escaped tags (&lt;p&gt;) are stripped too, then decode what the tags wrapped.
  return decode(decode(html).replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (typeof node === 'object' && '#text' in (node as Record<string, unknown>)) return String((node as Record<string, unknown>)['#text']);
  return '';
}

export interface RssOptions extends AdapterOptions {
  /** Replaces the feed URL's origin, keeping its path (the sandbox serves every feed's path). */
  origin?: string;
}

export function createRssFeedProvider(feed: NewsFeed, options: RssOptions = {}): NewsProvider {
  const descriptor = rssDescriptor(feed);
  const client = clientFor(descriptor, options);
  const real = new URL(feed.url);
  const url = options.origin ? new URL(real.pathname + real.search, options.origin) : real;

  const read = (response: SourceResponse): NewsItem[] => {
    if (response.status !== 200) throw badData(descriptor.id, `HTTP ${response.status}`);
    if (XMLValidator.validate(response.text) !== true) throw badData(descriptor.id, 'not well-formed XML');
    const doc = parser.parse(response.text) as { rss?: { channel?: { item?: unknown } } };
    const channel = doc.rss?.channel;
    if (!channel) throw badData(descriptor.id, 'not an RSS 2.0 document');
    const rawItems = channel.item === undefined ? [] : Array.isArray(channel.item) ? channel.item : [channel.item];
    const items: NewsItem[] = [];
    for (const raw of rawItems as Record<string, unknown>[]) {
      const title = plainText(text(raw.title));
      const link = text(raw.link).trim();
      if (!title || !/^https?:\/\//.test(link)) continue; // an item without a title or a link is nothing to show
      const guid = text(raw.guid).trim();
      const published = Date.parse(text(raw.pubDate));
      items.push({
        title,
        link,
        ...(guid ? { guid } : {}),
        publishedAt: Number.isFinite(published) ? toJakartaIso(new Date(published)) : null,
        summary: plainText(text(raw.description)).slice(0, 400),
        feed: feed.id,
        feedTitle: feed.title,
        language: feed.language,
      });
    }
    return items;
  };

  return { descriptor, client, feed, items: () => client.get(url, read, 'application/rss+xml, application/xml;q=0.9, text/xml;q=0.8') };
}
