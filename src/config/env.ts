/**
 * The one place that reads process.env. Parsed once at start; a bad value stops the process with a
 * message naming the variable. Everything else receives the typed Config.
 */
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const optionalUrl = optionalString.pipe(z.string().url().optional());

const port = z.coerce.number().int().min(0).max(65535);

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

const base64Key = optionalString.refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, {
  message: 'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
});

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: port.default(3000),
    HOST: z.string().default('0.0.0.0'),
    /** Where callbacks from providers (and the sandbox) reach this hub. Defaults to http://127.0.0.1:PORT. */
    PUBLIC_BASE_URL: optionalUrl,
    MONGODB_URI: optionalString,
    DATA_DIR: z.string().default('./data'),
    ADMIN_API_KEY: optionalString.refine((v) => v === undefined || v.length >= 24, { message: 'must be at least 24 characters' }),
    DATA_ENCRYPTION_KEY: base64Key,
    /** Comma-separated older keys still accepted for decryption while data is re-encrypted (rotation). */
    DATA_ENCRYPTION_PREVIOUS_KEYS: optionalString.refine(
      (v) => v === undefined || v.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32),
      { message: 'each key must be 32 bytes, base64-encoded' },
    ),
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
    SANDBOX_SETTLE_MS: z.coerce.number().int().min(0).default(3000),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Attempts before a webhook event that keeps failing is parked as dead (then replayable by an admin). */
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** First retry delay for a failing webhook event; doubles each attempt, capped at 10 minutes. */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1000),
    /** How often Agenda polls for due jobs, in milliseconds. */
    JOBS_POLL_MS: z.coerce.number().int().min(50).default(1000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.DATA_ENCRYPTION_KEY) ctx.addIssue({ code: 'custom', path: ['DATA_ENCRYPTION_KEY'], message: 'is required when NODE_ENV=production' });
    if (!env.MONGODB_URI) ctx.addIssue({ code: 'custom', path: ['MONGODB_URI'], message: 'is required when NODE_ENV=production' });
    if (!env.ADMIN_API_KEY) ctx.addIssue({ code: 'custom', path: ['ADMIN_API_KEY'], message: 'is required when NODE_ENV=production' });
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
