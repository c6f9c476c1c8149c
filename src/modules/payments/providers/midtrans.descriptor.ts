import { defineProvider } from '../../contract.js';
import { createMidtransProvider, type MidtransOptions } from './midtrans.js';

/** Midtrans Core API: real when MIDTRANS_SERVER_KEY is set (host by key prefix unless MIDTRANS_BASE_URL), else the simulator. */
export const midtransDescriptor = defineProvider({
  name: 'midtrans',
  capability: 'payments',
  enabled: (config) => config.PAYMENT_PROVIDERS.includes('midtrans'),
  fromConfig: (config): MidtransOptions | undefined =>
    config.MIDTRANS_SERVER_KEY
      ? {
          serverKey: config.MIDTRANS_SERVER_KEY,
          baseUrl: config.MIDTRANS_BASE_URL ?? (config.MIDTRANS_SERVER_KEY.startsWith('SB-') ? 'https://api.sandbox.midtrans.com' : 'https://api.midtrans.com'),
        }
      : undefined,
  credentialVariable: 'MIDTRANS_SERVER_KEY',
  create: (settings: MidtransOptions, { config, logger }) => createMidtransProvider({ ...settings, logger, breakerResetTimeoutMs: config.PAYMENT_PROVIDER_BREAKER_RESET_MS }),
  // Midtrans signs its notifications with the server key itself.
  webhookSecretNames: ['midtransServerKey'],
  webhookSecrets: (settings: MidtransOptions) => ({ midtransServerKey: settings.serverKey }),
  describe: (settings: MidtransOptions) => `Midtrans:         ${settings.baseUrl}`,
});
