/**
 * The payment capability's variables: which providers are on, their credentials and hosts, and method routing.
 */
import { z } from 'zod';
import { defineConfigFragment, optionalString, optionalUrl, simulatorPort, wholeNumber } from '../../config/schema-parts.js';
import { PAYMENT_PROVIDERS, type PaymentProviderName } from './providers/types.js';
// The method catalog is plain data; checking PAYMENT_ROUTING against it here makes a typo a start-up error
// that names the variable, before any database or provider is touched.
import { parseRouting } from './services/methods.js';

const paymentProviders = optionalString.transform((v, ctx) => {
  if (v === undefined) return [...PAYMENT_PROVIDERS];
  const names = v.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((n) => !(PAYMENT_PROVIDERS as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) {
    ctx.addIssue({ code: 'custom', message: `must list one or more of ${PAYMENT_PROVIDERS.join(', ')}, comma-separated` });
    return z.NEVER;
  }
  return [...new Set(names)] as PaymentProviderName[];
});

export const paymentsConfig = defineConfigFragment({
  shape: {
    /**
     * The payment providers this hub uses (default both). In production each one listed needs its keys: the
     * local simulators settle payments by themselves and must never stand in for a real provider.
     */
    PAYMENT_PROVIDERS: paymentProviders,
    MIDTRANS_SERVER_KEY: optionalString,
    MIDTRANS_BASE_URL: optionalUrl,
    XENDIT_SECRET_KEY: optionalString,
    XENDIT_CALLBACK_TOKEN: optionalString,
    XENDIT_BASE_URL: optionalUrl,
    /** method=provider pairs overriding the default routing, e.g. "qris=xendit,ovo=xendit". */
    PAYMENT_ROUTING: optionalString,
    /**
     * Where the local simulators listen when a provider has no keys (default 3901 and 3902), so a developer can
     * point midtrans-client, xendit-node or curl at a base URL that stays the same across restarts.
     */
    SANDBOX_MIDTRANS_PORT: simulatorPort,
    SANDBOX_XENDIT_PORT: simulatorPort,
    /**
     * How long a payment provider's circuit breaker, once opened by an outage, refuses calls before letting one
     * through to see whether the provider is back (default 15 s). Tests of an outage set it short so they wait on
     * the recovery, not on the default.
     */
    PAYMENT_PROVIDER_BREAKER_RESET_MS: wholeNumber({ min: 100, max: 600_000, fallback: 15_000 }),
    /**
     * Test-only: the process kills itself right after writing a charge claim, before calling the provider, so a
     * test can show a second process resolving the abandoned claim. Refused in production.
     */
    PAYMENT_TEST_EXIT_AFTER_CLAIM: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  },
  check(env, issue) {
    const enabled = new Set(env.PAYMENT_PROVIDERS);
    if (env.XENDIT_SECRET_KEY && enabled.has('xendit') && !env.XENDIT_CALLBACK_TOKEN) {
      issue('XENDIT_CALLBACK_TOKEN', 'is required with XENDIT_SECRET_KEY (Xendit callbacks could not be verified)');
    }
    if (env.PAYMENT_ROUTING) {
      try {
        for (const [method, provider] of parseRouting(env.PAYMENT_ROUTING)) {
          if (!enabled.has(provider)) issue('PAYMENT_ROUTING', `routes ${method} to ${provider}, which is not in PAYMENT_PROVIDERS`);
        }
      } catch (err) {
        issue('PAYMENT_ROUTING', (err as Error).message.replace(/^PAYMENT_ROUTING:\s*/, ''));
      }
    }
    if (env.NODE_ENV !== 'production') return;
    if (env.PAYMENT_TEST_EXIT_AFTER_CLAIM) issue('PAYMENT_TEST_EXIT_AFTER_CLAIM', 'is a test hook and cannot be true when NODE_ENV=production');
    // Without keys a provider would be the local simulator, which "pays" every charge by itself.
    const unconfigured =
      'is required when NODE_ENV=production for a provider in PAYMENT_PROVIDERS (the local simulator never runs in production); set it, or leave the provider out of PAYMENT_PROVIDERS';
    if (enabled.has('midtrans') && !env.MIDTRANS_SERVER_KEY) issue('MIDTRANS_SERVER_KEY', unconfigured);
    if (enabled.has('xendit') && !env.XENDIT_SECRET_KEY) issue('XENDIT_SECRET_KEY', unconfigured);
  },
});

export type PaymentsConfig = z.infer<z.ZodObject<typeof paymentsConfig.shape>>;

declare module '../../config/env.js' {
  interface ModuleConfig extends PaymentsConfig {}
}
