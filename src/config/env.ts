/**
 * The one place that reads process.env. Parsed once at start; a bad value stops the process with a
 * message naming the variable. Everything else receives the typed Config.
 */
import { z } from 'zod';
import { PAYMENT_PROVIDERS, type PaymentProviderName } from '../modules/payments/providers/types.js';
// The method catalog is plain data; checking PAYMENT_ROUTING against it here makes a typo a start-up error
// that names the variable, before any database or provider is touched.
import { parseRouting } from '../modules/payments/services/methods.js';

/** A blank value (`PORT=` copied from .env.example) means "unset, use the default", for every kind of variable. */
const blankAsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Provider and callback hosts: only http(s); anything else (ftp:, javascript:, file:) is a mistake or an attack. */
const optionalUrl = optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional());

/**
 * Decimal digits only. z.coerce.number() would read '' as 0, '0x50' as 80 and '1e3' as 1000, none of which
 * anyone means in an environment variable.
 */
function wholeNumber(options: { min: number; max?: number; fallback: number }) {
  const { min, max = Number.MAX_SAFE_INTEGER, fallback } = options;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw?.trim() ?? '';
      if (value === '') return fallback;
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n)) {
        ctx.addIssue({ code: 'custom', message: 'must be a whole number in decimal digits' });
        return z.NEVER;
      }
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

const BANK_CODES = ['BCA', 'MANDIRI', 'BNI', 'BRI', 'CIMB', 'DANAMON'] as const;
export type BankCode = (typeof BANK_CODES)[number];

const bankFields = Object.fromEntries(
  BANK_CODES.flatMap((code) => [
    [`BANK_${code}_BASE_URL`, optionalUrl],
    [`BANK_${code}_CLIENT_ID`, optionalString],
    [`BANK_${code}_CLIENT_SECRET`, optionalString],
    [`BANK_${code}_PRIVATE_KEY`, optionalString],
    [`BANK_${code}_PUBLIC_KEY`, optionalString],
  ]),
) as Record<`BANK_${BankCode}_${'BASE_URL' | 'CLIENT_ID' | 'CLIENT_SECRET' | 'PRIVATE_KEY' | 'PUBLIC_KEY'}`, typeof optionalString>;

/**
 * True for exactly 32 bytes in canonical base64. Node's decoder silently skips characters that are not base64,
 * so a key with a typo or a stray character would decode to some other key; re-encoding must give the input back.
 */
export function isBase64Key32(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === value;
}

const KEY_FORMAT = 'must be exactly 32 bytes in standard base64 (openssl rand -base64 32)';

const base64Key = optionalString.refine((v) => v === undefined || isBase64Key32(v), { message: KEY_FORMAT });

/** The shortest admin key accepted, from the environment or from DATA_DIR. */
export const ADMIN_API_KEY_MIN_LENGTH = 24;

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

export const EnvSchema = z
  .object({
    NODE_ENV: z.preprocess(blankAsUnset, z.enum(['development', 'production', 'test']).default('development')),
    PORT: wholeNumber({ min: 0, max: 65535, fallback: 3000 }),
    HOST: z.preprocess(blankAsUnset, z.string().trim().default('0.0.0.0')),
    /** Where callbacks from providers (and the sandbox) reach this hub. Defaults to http://127.0.0.1:PORT. */
    PUBLIC_BASE_URL: optionalUrl,
    MONGODB_URI: optionalString,
    DATA_DIR: z.preprocess(blankAsUnset, z.string().trim().default('./data')),
    ADMIN_API_KEY: optionalString.refine((v) => v === undefined || v.length >= ADMIN_API_KEY_MIN_LENGTH, {
      message: `must be at least ${ADMIN_API_KEY_MIN_LENGTH} characters`,
    }),
    DATA_ENCRYPTION_KEY: base64Key,
    /** Comma-separated older keys still accepted for decryption while data is re-encrypted (rotation). */
    DATA_ENCRYPTION_PREVIOUS_KEYS: optionalString.refine((v) => v === undefined || v.split(',').every((k) => isBase64Key32(k.trim())), {
      message: `each key ${KEY_FORMAT}`,
    }),
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
    TELEGRAM_BOT_TOKEN: optionalString,
    TELEGRAM_WEBHOOK_SECRET: optionalString,
    TELEGRAM_API_ROOT: optionalUrl,
    SLACK_BOT_TOKEN: optionalString,
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_API_URL: optionalUrl,
    ...bankFields,
    SANDBOX_SETTLE_MS: wholeNumber({ min: 0, fallback: 3000 }),
    RATE_LIMIT_PER_MINUTE: wholeNumber({ min: 1, fallback: 120 }),
    LOG_LEVEL: z.preprocess(blankAsUnset, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    /** Attempts before a webhook event that keeps failing is parked as dead (then replayable by an admin). */
    WEBHOOK_MAX_ATTEMPTS: wholeNumber({ min: 1, max: 50, fallback: 8 }),
    /** First retry delay for a failing webhook event; doubles each attempt, capped at 10 minutes. */
    WEBHOOK_RETRY_BASE_MS: wholeNumber({ min: 10, fallback: 1000 }),
    /** How often Agenda polls for due jobs, in milliseconds. */
    JOBS_POLL_MS: wholeNumber({ min: 50, fallback: 1000 }),
  })
  .superRefine((env, ctx) => {
    const enabled = new Set(env.PAYMENT_PROVIDERS);
    if (env.XENDIT_SECRET_KEY && enabled.has('xendit') && !env.XENDIT_CALLBACK_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['XENDIT_CALLBACK_TOKEN'], message: 'is required with XENDIT_SECRET_KEY (Xendit callbacks could not be verified)' });
    }
    if (env.PAYMENT_ROUTING) {
      try {
        for (const [method, provider] of parseRouting(env.PAYMENT_ROUTING)) {
          if (!enabled.has(provider)) ctx.addIssue({ code: 'custom', path: ['PAYMENT_ROUTING'], message: `routes ${method} to ${provider}, which is not in PAYMENT_PROVIDERS` });
        }
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['PAYMENT_ROUTING'], message: (err as Error).message.replace(/^PAYMENT_ROUTING:\s*/, '') });
      }
    }

    if (env.NODE_ENV !== 'production') return;
    const required = (variable: keyof typeof env) => ctx.addIssue({ code: 'custom', path: [variable], message: 'is required when NODE_ENV=production' });
    if (!env.DATA_ENCRYPTION_KEY) required('DATA_ENCRYPTION_KEY');
    if (!env.MONGODB_URI) required('MONGODB_URI');
    if (!env.ADMIN_API_KEY) required('ADMIN_API_KEY');
    // Without keys a provider would be the local simulator, which "pays" every charge by itself.
    const unconfigured = 'is required when NODE_ENV=production for a provider in PAYMENT_PROVIDERS (the local simulator never runs in production); set it, or leave the provider out of PAYMENT_PROVIDERS';
    if (enabled.has('midtrans') && !env.MIDTRANS_SERVER_KEY) ctx.addIssue({ code: 'custom', path: ['MIDTRANS_SERVER_KEY'], message: unconfigured });
    if (enabled.has('xendit') && !env.XENDIT_SECRET_KEY) ctx.addIssue({ code: 'custom', path: ['XENDIT_SECRET_KEY'], message: unconfigured });
  });

export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // Values are deliberately left out of the message: a bad value may be a secret.
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(env)'), message: i.message })));
  }
  return parsed.data;
}

export function publicBaseUrl(config: Config, boundPort: number): string {
  return config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${boundPort}`;
}

export { BANK_CODES };
