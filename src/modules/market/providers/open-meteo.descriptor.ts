import { defineProvider } from '../../contract.js';
import { marketSourcesLive } from '../config.js';
import type { AdapterOptions } from './common.js';
import { createOpenMeteoProvider, openMeteoDescriptor } from './open-meteo.js';
import type { WeatherProvider } from './types.js';

/** openMeteo as a hub provider: the real public host when MARKET_DATA_SOURCES is live, else its simulator. */
export const openMeteoProvider = defineProvider<AdapterOptions, WeatherProvider>({
  name: 'open-meteo',
  capability: 'market',
  enabled: () => true,
  fromConfig: (config) => (marketSourcesLive(config) ? { baseUrl: openMeteoDescriptor.realBaseUrl } : undefined),
  credentialVariable: 'MARKET_DATA_SOURCES',
  create: (settings) => createOpenMeteoProvider(settings),
  webhookSecretNames: [],
  webhookSecrets: () => ({}),
  describe: (settings) => `${openMeteoDescriptor.title}: ${settings.baseUrl}`,
});
