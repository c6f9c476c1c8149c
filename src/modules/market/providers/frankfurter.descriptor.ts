import { defineProvider } from '../../contract.js';
import { marketSourcesLive } from '../config.js';
import type { AdapterOptions } from './common.js';
import { createFrankfurterProvider, frankfurterDescriptor } from './frankfurter.js';
import type { RatesProvider } from './types.js';

/** frankfurter as a hub provider: the real public host when MARKET_DATA_SOURCES is live, else its simulator. */
export const frankfurterProvider = defineProvider<AdapterOptions, RatesProvider>({
  name: 'frankfurter',
  capability: 'market',
  enabled: () => true,
  fromConfig: (config) => (marketSourcesLive(config) ? { baseUrl: frankfurterDescriptor.realBaseUrl } : undefined),
  credentialVariable: 'MARKET_DATA_SOURCES',
  create: (settings) => createFrankfurterProvider(settings),
  webhookSecretNames: [],
  webhookSecrets: () => ({}),
  describe: (settings) => `${frankfurterDescriptor.title}: ${settings.baseUrl}`,
});
