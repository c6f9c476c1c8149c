/**
 * Part of the composition root: real provider adapters when credentials are configured, otherwise the local
 * simulators from sandbox/ (started here, on loopback ports) with secrets made up for this run.
 */
import { randomBytes } from 'node:crypto';
import { startMidtransSandbox, type MidtransSandbox } from '../../sandbox/midtrans/index.js';
import { startXenditSandbox, type XenditSandbox } from '../../sandbox/xendit/index.js';
import type { Config } from '../config/env.js';
import type { Logger } from '../lib/logger.js';
import { createMidtransProvider } from '../providers/payments/midtrans.js';
import type { PaymentProvider, PaymentProviderName } from '../providers/payments/types.js';
import { createXenditProvider } from '../providers/payments/xendit.js';

export interface PaymentProviderSetup {
  providers: Map<PaymentProviderName, PaymentProvider>;
  webhookSecrets: { midtransServerKey: string; xenditCallbackToken: string };
  sandboxes: { midtrans?: MidtransSandbox; xendit?: XenditSandbox };
  /** Tells the simulators where the hub listens, once it does. */
  setHubUrl(url: string): void;
  stop(): Promise<void>;
}

export async function setUpPaymentProviders(config: Config, logger: Logger): Promise<PaymentProviderSetup> {
  const providers = new Map<PaymentProviderName, PaymentProvider>();
  const sandboxes: PaymentProviderSetup['sandboxes'] = {};
  const log = (msg: string, data?: object) => logger.debug({ sandbox: true, ...data }, msg);

  let midtransServerKey: string;
  if (config.MIDTRANS_SERVER_KEY) {
    midtransServerKey = config.MIDTRANS_SERVER_KEY;
    const baseUrl = config.MIDTRANS_BASE_URL ?? (midtransServerKey.startsWith('SB-') ? 'https://api.sandbox.midtrans.com' : 'https://api.midtrans.com');
    providers.set('midtrans', createMidtransProvider({ serverKey: midtransServerKey, baseUrl }));
  } else {
    midtransServerKey = `SB-Mid-server-local-${randomBytes(12).toString('hex')}`;
    sandboxes.midtrans = await startMidtransSandbox({ serverKey: midtransServerKey, settleMs: config.SANDBOX_SETTLE_MS, log });
    providers.set('midtrans', createMidtransProvider({ serverKey: midtransServerKey, baseUrl: sandboxes.midtrans.url, timeoutMs: 5000 }));
  }

  let xenditCallbackToken: string;
  if (config.XENDIT_SECRET_KEY) {
    if (!config.XENDIT_CALLBACK_TOKEN) throw new Error('XENDIT_CALLBACK_TOKEN is required when XENDIT_SECRET_KEY is set (callbacks could not be verified)');
    xenditCallbackToken = config.XENDIT_CALLBACK_TOKEN;
    providers.set('xendit', createXenditProvider({ secretKey: config.XENDIT_SECRET_KEY, baseUrl: config.XENDIT_BASE_URL ?? 'https://api.xendit.co' }));
  } else {
    const secretKey = `xnd_development_local_${randomBytes(12).toString('hex')}`;
    xenditCallbackToken = randomBytes(24).toString('hex');
    sandboxes.xendit = await startXenditSandbox({ secretKey, callbackToken: xenditCallbackToken, settleMs: config.SANDBOX_SETTLE_MS, log });
    providers.set('xendit', createXenditProvider({ secretKey, baseUrl: sandboxes.xendit.url, timeoutMs: 5000 }));
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
