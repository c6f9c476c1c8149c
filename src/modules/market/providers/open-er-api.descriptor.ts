import { defineProvider } from '../../contract.js';
import { marketSourcesLive } from '../config.js';
import type { AdapterOptions } from './common.js';
import { createOpenErApiProvider, openErApiDescriptor } from './open-er-api.js';
import type { RatesProvider } from './types.js';

/** openErApi as a hub provider: the real public host when MARKET_DATA_SOURCES is live, else its simulator. */
export const openErApiProvider = defineProvider<AdapterOptions, RatesProvider>({
  name: 'open-er-api',
  capability: 'market',
  enabled: () => true,
  fromConfig: (config) => (marketSourcesLive(config) ? { baseUrl: openErApiDescriptor.realBaseUrl } : undefined),
  credentialVariable: 'MARKET_DATA_SOURCES',
  create: (settings) => createOpenErApiProvider(settings),
  webhookSecretNames: [],
  webhookSecrets: () => ({}),
  describe: (settings) => `${openErApiDescriptor.title}: ${settings.baseUrl}`,
});
