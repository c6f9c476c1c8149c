import { defineProvider } from '../../contract.js';
import { marketSourcesLive } from '../config.js';
import { NEWS_FEEDS, createRssFeedProvider, type RssOptions } from './rss-feed.js';
import type { NewsProvider } from './types.js';

/**
 * The news feeds as one hub provider whose adapter is one NewsProvider per feed (each with its own breaker):
 * the real feed URLs when MARKET_DATA_SOURCES is live, else the RSS simulator serving every feed's path.
 */
export const rssNewsProvider = defineProvider<RssOptions, NewsProvider[]>({
  name: 'rss-news',
  capability: 'market',
  enabled: () => true,
  fromConfig: (config) => (marketSourcesLive(config) ? {} : undefined),
  credentialVariable: 'MARKET_DATA_SOURCES',
  create: (settings) => NEWS_FEEDS.map((feed) => createRssFeedProvider(feed, settings)),
  webhookSecretNames: [],
  webhookSecrets: () => ({}),
  describe: () => `News: ${NEWS_FEEDS.length} public RSS feeds`,
});
