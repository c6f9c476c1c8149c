/**
 * Part of the composition root: for each provider in PAYMENT_PROVIDERS, the real adapter when its credentials are
 * configured, otherwise (never in production) the local simulator from sandbox/ on a loopback port, with secrets
 * made up for this run. A provider left out of PAYMENT_PROVIDERS is not registered at all.
 */
import { randomBytes } from 'node:crypto';
import { startMidtransSandbox, type MidtransSandbox } from '../../sandbox/midtrans/index.js';
import { startXenditSandbox, type XenditSandbox } from '../../sandbox/xendit/index.js';
import { ConfigError, type Config } from '../config/env.js';
import type { Logger } from '../lib/logger.js';
import { createMidtransProvider } from '../modules/payments/providers/midtrans.js';
import type { PaymentProvider, PaymentProviderName } from '../modules/payments/providers/types.js';
import { createXenditProvider } from '../modules/payments/providers/xendit.js';

export interface PaymentProviderSetup {
  providers: Map<PaymentProviderName, PaymentProvider>;
  webhookSecrets: { midtransServerKey: string; xenditCallbackToken: string };
  sandboxes: { midtrans?: MidtransSandbox; xendit?: XenditSandbox };
  /** Tells the simulators where the hub listens, once it does. */
  setHubUrl(url: string): void;
  stop(): Promise<void>;
}

/**
 * The simulators settle every charge by themselves, so a production hub that fell back to one would record
 * fake payments as paid. The config schema already refuses this; this is the last line before one starts.
 */
function refuseSimulatorInProduction(config: Config, provider: PaymentProviderName, variable: string): void {
  if (config.NODE_ENV === 'production') {
    throw new ConfigError([{ variable, message: `is required when NODE_ENV=production: the ${provider} simulator never runs in production (or leave ${provider} out of PAYMENT_PROVIDERS)` }]);
  }
}

/** What a disabled provider's webhooks are checked against: a secret nobody has, so each is refused (401). */
const unguessableSecret = () => randomBytes(32).toString('hex');

export async function setUpPaymentProviders(config: Config, logger: Logger): Promise<PaymentProviderSetup> {
  const providers = new Map<PaymentProviderName, PaymentProvider>();
  const sandboxes: PaymentProviderSetup['sandboxes'] = {};
  const log = (msg: string, data?: object) => logger.debug({ sandbox: true, ...data }, msg);
  const enabled = new Set(config.PAYMENT_PROVIDERS);

  let midtransServerKey = unguessableSecret();
  if (!enabled.has('midtrans')) {
    logger.info('midtrans is not in PAYMENT_PROVIDERS: its methods are unavailable and its webhooks are refused');
  } else if (config.MIDTRANS_SERVER_KEY) {
    midtransServerKey = config.MIDTRANS_SERVER_KEY;
    const baseUrl = config.MIDTRANS_BASE_URL ?? (midtransServerKey.startsWith('SB-') ? 'https://api.sandbox.midtrans.com' : 'https://api.midtrans.com');
    providers.set('midtrans', createMidtransProvider({ serverKey: midtransServerKey, baseUrl }));
  } else {
    refuseSimulatorInProduction(config, 'midtrans', 'MIDTRANS_SERVER_KEY');
    midtransServerKey = `SB-Mid-server-local-${randomBytes(12).toString('hex')}`;
    sandboxes.midtrans = await startMidtransSandbox({ serverKey: midtransServerKey, settleMs: config.SANDBOX_SETTLE_MS, log });
    providers.set('midtrans', createMidtransProvider({ serverKey: midtransServerKey, baseUrl: sandboxes.midtrans.url, timeoutMs: 5000 }));
  }

  let xenditCallbackToken = unguessableSecret();
  try {
    if (!enabled.has('xendit')) {
      logger.info('xendit is not in PAYMENT_PROVIDERS: its methods are unavailable and its webhooks are refused');
    } else if (config.XENDIT_SECRET_KEY) {
      if (!config.XENDIT_CALLBACK_TOKEN) throw new ConfigError([{ variable: 'XENDIT_CALLBACK_TOKEN', message: 'is required with XENDIT_SECRET_KEY (Xendit callbacks could not be verified)' }]);
      xenditCallbackToken = config.XENDIT_CALLBACK_TOKEN;
      providers.set('xendit', createXenditProvider({ secretKey: config.XENDIT_SECRET_KEY, baseUrl: config.XENDIT_BASE_URL ?? 'https://api.xendit.co' }));
    } else {
      refuseSimulatorInProduction(config, 'xendit', 'XENDIT_SECRET_KEY');
      const secretKey = `xnd_development_local_${randomBytes(12).toString('hex')}`;
      xenditCallbackToken = randomBytes(24).toString('hex');
      sandboxes.xendit = await startXenditSandbox({ secretKey, callbackToken: xenditCallbackToken, settleMs: config.SANDBOX_SETTLE_MS, log });
      providers.set('xendit', createXenditProvider({ secretKey, baseUrl: sandboxes.xendit.url, timeoutMs: 5000 }));
    }
  } catch (err) {
    // Do not leave the Midtrans simulator listening behind a failed start.
    await sandboxes.midtrans?.stop();
    throw err;
  }

  return {
    providers,
    webhookSecrets: { midtransServerKey, xenditCallbackToken },
    sandboxes,
    setHubUrl(url) {
      sandboxes.midtrans?.setNotificationUrl(`${url}/webhooks/midtrans`);
      sandboxes.xendit?.setCallbackUrl(`${url}/webhooks/xendit`);
    },
    async stop() {
      await sandboxes.midtrans?.stop();
      await sandboxes.xendit?.stop();
    },
  };
}
