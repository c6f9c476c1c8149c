import { ConfigError } from '../../../config/schema-parts.js';
import { defineProvider } from '../../contract.js';
import { createXenditProvider, type XenditOptions } from './xendit.js';

export interface XenditSettings extends XenditOptions {
  /** The account's callback verification token (Xendit dashboard → Callbacks). */
  callbackToken: string;
}

/** Xendit: real when XENDIT_SECRET_KEY (and its callback token) are set, else the simulator. */
export const xenditDescriptor = defineProvider({
  name: 'xendit',
  capability: 'payments',
  enabled: (config) => config.PAYMENT_PROVIDERS.includes('xendit'),
  fromConfig: (config): XenditSettings | undefined => {
    if (!config.XENDIT_SECRET_KEY) return undefined;
    // The config schema refuses this already; a Config built by hand must not reach a hub that cannot verify callbacks.
    if (!config.XENDIT_CALLBACK_TOKEN) {
      throw new ConfigError([{ variable: 'XENDIT_CALLBACK_TOKEN', message: 'is required with XENDIT_SECRET_KEY (Xendit callbacks could not be verified)' }]);
    }
    return { secretKey: config.XENDIT_SECRET_KEY, callbackToken: config.XENDIT_CALLBACK_TOKEN, baseUrl: config.XENDIT_BASE_URL ?? 'https://api.xendit.co' };
  },
  credentialVariable: 'XENDIT_SECRET_KEY',
  create: (settings: XenditSettings, { config, logger }) => createXenditProvider({ ...settings, logger, breakerResetTimeoutMs: config.PAYMENT_PROVIDER_BREAKER_RESET_MS }),
  webhookSecretNames: ['xenditCallbackToken'],
  webhookSecrets: (settings: XenditSettings) => ({ xenditCallbackToken: settings.callbackToken }),
  describe: (settings: XenditSettings) => `Xendit:           ${settings.baseUrl}`,
});
