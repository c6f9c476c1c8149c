/**
 * The banks capability's variables: which banks are on (BANK_PROVIDERS) and, per bank, the SNAP BI partner
 * credentials the bank issued (BANK_<CODE>_BASE_URL, _CLIENT_ID, _CLIENT_SECRET, _PRIVATE_KEY, _PUBLIC_KEY).
 * A bank without credentials runs on the local SNAP simulator, never in production.
 */
import { z } from 'zod';
import { defineConfigFragment, optionalString, optionalUrl, simulatorPort } from '../../config/schema-parts.js';
import { BANK_CODES, type BankCode } from './providers/snap/types.js';

const CREDENTIAL_PARTS = ['BASE_URL', 'CLIENT_ID', 'CLIENT_SECRET', 'PRIVATE_KEY'] as const;
type BankVariable = `BANK_${BankCode}_${(typeof CREDENTIAL_PARTS)[number] | 'PUBLIC_KEY'}`;

/** PEM keys in one-line .env values carry their line breaks as "\n". */
const pem = optionalString.transform((v) => v?.replace(/\\n/g, '\n'));

const bankFields = Object.fromEntries(
  BANK_CODES.flatMap((code) => [
    [`BANK_${code}_BASE_URL`, optionalUrl],
    [`BANK_${code}_CLIENT_ID`, optionalString],
    [`BANK_${code}_CLIENT_SECRET`, optionalString],
    [`BANK_${code}_PRIVATE_KEY`, pem],
    [`BANK_${code}_PUBLIC_KEY`, pem],
  ]),
) as Record<BankVariable, typeof optionalString>;

const bankProviders = optionalString.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const names = v.split(',').map((n) => n.trim().toUpperCase()).filter(Boolean);
  const unknown = names.filter((n) => !(BANK_CODES as readonly string[]).includes(n));
  if (unknown.length) {
    ctx.addIssue({ code: 'custom', message: `must list banks among ${BANK_CODES.join(', ')}, comma-separated (unknown: ${unknown.join(', ')})` });
    return z.NEVER;
  }
  return [...new Set(names)] as BankCode[];
});

export const banksConfig = defineConfigFragment({
  shape: {
    /**
     * The banks users may connect. Unset: all six outside production (unconfigured ones on the simulator), and in
     * production only the banks whose credentials are set.
     */
    BANK_PROVIDERS: bankProviders,
    ...bankFields,
    /**
     * Where the SNAP BI bank simulators listen when a bank has no credentials (defaults 3903-3908), so a base URL
     * stays the same across restarts. The composition root finds each by the simulator's name (SANDBOX_<NAME>_PORT).
     */
    SANDBOX_BCA_PORT: simulatorPort,
    SANDBOX_MANDIRI_PORT: simulatorPort,
    SANDBOX_BNI_PORT: simulatorPort,
    SANDBOX_BRI_PORT: simulatorPort,
    SANDBOX_CIMB_PORT: simulatorPort,
    SANDBOX_DANAMON_PORT: simulatorPort,
  },
  check(env, issue) {
    for (const code of BANK_CODES) {
      const set = CREDENTIAL_PARTS.filter((part) => env[`BANK_${code}_${part}`] !== undefined);
      // Half a set of credentials is a typo, not a choice: the hub would quietly fall back to the simulator.
      if (set.length > 0 && set.length < CREDENTIAL_PARTS.length) {
        for (const part of CREDENTIAL_PARTS) if (!set.includes(part)) issue(`BANK_${code}_${part}`, `is required with the other BANK_${code}_* credentials`);
      }
    }
    if (env.NODE_ENV !== 'production') return;
    for (const code of env.BANK_PROVIDERS ?? []) {
      if (!env[`BANK_${code}_CLIENT_ID`]) {
        issue(`BANK_${code}_CLIENT_ID`, `is required when NODE_ENV=production for a bank in BANK_PROVIDERS (the local SNAP simulator never runs in production); set BANK_${code}_* or leave ${code} out`);
      }
    }
  },
});

export type BanksConfig = z.infer<z.ZodObject<typeof banksConfig.shape>>;

declare module '../../config/env.js' {
  interface ModuleConfig extends BanksConfig {}
}

/** Whether a bank is on for this run (see BANK_PROVIDERS). */
export function bankEnabled(config: BanksConfig & { NODE_ENV: string }, code: BankCode): boolean {
  if (config.BANK_PROVIDERS) return config.BANK_PROVIDERS.includes(code);
  return config.NODE_ENV !== 'production' || config[`BANK_${code}_CLIENT_ID`] !== undefined;
}
