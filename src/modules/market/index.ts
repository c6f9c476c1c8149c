/**
 * Market data: exchange rates with conversion (ECB via Frankfurter, open.er-api.com as fallback), IDX quotes and a
 * portfolio, weather and the seasonal spending analysis, financial news, and the health of every source. Each
 * source is a provider with a simulator; answers go through a MongoDB cache shared by hub processes, so a source
 * that is down yields cached answers marked stale, never a 500.
 */
import { defineModule } from '../contract.js';
import { marketRoutes } from './api/routes/index.js';
import { marketChatCommands } from './bots/commands/index.js';
import { marketConfig } from './config.js';
import { marketCachePruneJob } from './jobs/market-cache-prune.js';
import { marketRatesRefreshJob } from './jobs/market-rates-refresh.js';
import { marketModels } from './models/index.js';
import { frankfurterProvider } from './providers/frankfurter.descriptor.js';
import { openErApiProvider } from './providers/open-er-api.descriptor.js';
import { openMeteoProvider } from './providers/open-meteo.descriptor.js';
import { rssNewsProvider } from './providers/rss-news.descriptor.js';
import { yahooChartProvider } from './providers/yahoo-chart.descriptor.js';
import { createMarketServices } from './services/index.js';

export const marketModule = defineModule({
  name: 'market',
  config: marketConfig,
  models: marketModels,
  providers: [frankfurterProvider, openErApiProvider, yahooChartProvider, openMeteoProvider, rssNewsProvider],
  services: createMarketServices,
  routes: marketRoutes,
  jobs: [marketRatesRefreshJob, marketCachePruneJob],
  commands: marketChatCommands,
  // Each source's breaker keeps rolling-window timers; shut them so a stopped hub leaves nothing running.
  stop: async (services) => services.marketSources.shutdown(),
});
