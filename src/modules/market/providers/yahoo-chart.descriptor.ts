import { defineProvider } from '../../contract.js';
import { marketSourcesLive } from '../config.js';
import type { AdapterOptions } from './common.js';
import { createYahooChartProvider, yahooChartDescriptor } from './yahoo-chart.js';
import type { StockProvider } from './types.js';

/** yahooChart as a hub provider: the real public host when MARKET_DATA_SOURCES is live, else its simulator. */
export const yahooChartProvider = defineProvider<AdapterOptions, StockProvider>({
  name: 'yahoo-chart',
  capability: 'market',
  enabled: () => true,
  fromConfig: (config) => (marketSourcesLive(config) ? { baseUrl: yahooChartDescriptor.realBaseUrl } : undefined),
  credentialVariable: 'MARKET_DATA_SOURCES',
  create: (settings) => createYahooChartProvider(settings),
  webhookSecretNames: [],
  webhookSecrets: () => ({}),
  describe: (settings) => `${yahooChartDescriptor.title}: ${settings.baseUrl}`,
});
