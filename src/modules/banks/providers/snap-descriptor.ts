/**
 * What every bank's provider descriptor shares: real SNAP credentials from BANK_<CODE>_*, or (outside production)
 * the SNAP simulator paired by name in sandbox/registry.ts, whose settings have the same shape. Either way the
 * adapter is one SnapClient on the bank's profile, and the bank's public key becomes the webhook secret its
 * notifications are verified with.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../../config/env.js';
import { defineProvider, type ProviderDescriptor } from '../../contract.js';
import { bankEnabled } from '../config.js';
import { SnapClient, type SnapCredentials } from './snap/client.js';
import type { BankCode, SnapBankProfile } from './snap/types.js';

export interface SnapBankSettings {
  baseUrl: string;
  credentials: SnapCredentials;
  /** PEM of the bank's public key its notifications are signed with; without it, its notifications are refused. */
  bankPublicKey?: string;
  timeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
}

/** The webhook secret name a bank's notifications are verified with: `bankBcaPublicKey`, `bankBriPublicKey`… */
export const notificationKeyName = (code: BankCode) => `bank${code.charAt(0)}${code.slice(1).toLowerCase()}PublicKey`;

/** The descriptor name (and simulator name) of a bank: its code in lower case. */
export const providerName = (code: BankCode) => code.toLowerCase();

export function snapBankDescriptor(profile: SnapBankProfile): ProviderDescriptor<SnapBankSettings, SnapClient> {
  const code = profile.code;
  const variable = (part: string) => `BANK_${code}_${part}` as const;
  return defineProvider<SnapBankSettings, SnapClient>({
    name: providerName(code),
    capability: 'banks',
    enabled: (config) => bankEnabled(config, code),
    fromConfig: (config: Config) => {
      const clientKey = config[variable('CLIENT_ID') as `BANK_${BankCode}_CLIENT_ID`];
      if (!clientKey) return undefined;
      return {
        // The config check makes the four credential variables come together.
        baseUrl: config[variable('BASE_URL') as `BANK_${BankCode}_BASE_URL`]!,
        credentials: {
          clientKey,
          clientSecret: config[variable('CLIENT_SECRET') as `BANK_${BankCode}_CLIENT_SECRET`]!,
          privateKey: config[variable('PRIVATE_KEY') as `BANK_${BankCode}_PRIVATE_KEY`]!,
        },
        bankPublicKey: config[variable('PUBLIC_KEY') as `BANK_${BankCode}_PUBLIC_KEY`],
      };
    },
    credentialVariable: variable('CLIENT_ID'),
    create: (settings, { logger, metrics }) =>
      new SnapClient({
        profile,
        baseUrl: settings.baseUrl,
        credentials: settings.credentials,
        timeoutMs: settings.timeoutMs,
        retries: settings.retries,
        retryDelayMs: settings.retryDelayMs,
        onCall: ({ operation, outcome }) => metrics.providerCalls.inc({ provider: `bank-${code.toLowerCase()}`, operation, result: outcome }),
        logger,
      }),
    webhookSecretNames: [notificationKeyName(code)],
    // No public key: a key nobody has, so a "notification" from this bank can never verify.
    webhookSecrets: (settings) => ({ [notificationKeyName(code)]: settings.bankPublicKey ?? randomBytes(32).toString('hex') }),
    describe: (settings) => `${profile.name} (SNAP BI): ${settings.baseUrl}`,
  });
}
