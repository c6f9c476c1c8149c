/**
 * The one place that reads process.env. Parsed once at start; a bad value stops the process with a
 * message naming the variable. Everything else receives the typed Config.
 *
 * The schema is the core variables below plus each capability module's fragment (src/modules/<name>/config.ts),
 * composed from the module list, so a capability brings its own variables without editing this file.
 */
import { z } from 'zod';
import { hubModules } from '../modules/index.js';
import {
  ADMIN_API_KEY_MIN_LENGTH,
  ConfigError,
  KEY_FORMAT,
  blankAsUnset,
  isBase64Key32,
  optionalString,
  optionalUrl,
  wholeNumber,
  type ConfigFragment,
} from './schema-parts.js';

export { ADMIN_API_KEY_MIN_LENGTH, ConfigError, isBase64Key32 } from './schema-parts.js';

const base64Key = optionalString.refine((v) => v === undefined || isBase64Key32(v), { message: KEY_FORMAT });

const coreShape = {
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
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_WEBHOOK_SECRET: optionalString,
  TELEGRAM_API_ROOT: optionalUrl,
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: optionalUrl,
  /** Simulators complete a payment (or any outside action a person would take) this long after it starts; 0 = only by hand. */
  SANDBOX_SETTLE_MS: wholeNumber({ min: 0, fallback: 3000 }),
  /** How long provider adapters wait for a local simulator before calling it unanswered (tests of lost answers shorten it). */
  SANDBOX_PROVIDER_TIMEOUT_MS: wholeNumber({ min: 100, max: 60_000, fallback: 5000 }),
  RATE_LIMIT_PER_MINUTE: wholeNumber({ min: 1, fallback: 120 }),
  LOG_LEVEL: z.preprocess(blankAsUnset, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  /** Attempts before a webhook event that keeps failing is parked as dead (then replayable by an admin). */
  WEBHOOK_MAX_ATTEMPTS: wholeNumber({ min: 1, max: 50, fallback: 8 }),
  /** First retry delay for a failing webhook event; doubles each attempt, capped at 10 minutes. */
  WEBHOOK_RETRY_BASE_MS: wholeNumber({ min: 10, fallback: 1000 }),
  /** How often Agenda polls for due jobs, in milliseconds. */
  JOBS_POLL_MS: wholeNumber({ min: 50, fallback: 1000 }),
  /** mongodb-memory-server's own settings (DESIGN §3: how the embedded database is found). */
  MONGOMS_SYSTEM_BINARY: optionalString,
  MONGOMS_VERSION: optionalString,
  MONGOMS_ALLOW_DOWNLOAD: optionalString,
  CI: optionalString,
};

const CoreSchema = z.object(coreShape);
export type CoreConfig = z.infer<typeof CoreSchema>;

/**
 * The modules' variables, typed: each module's config.ts adds its own with `declare module` (the runtime schema
 * below is composed from the module list; the type cannot be, since modules' own types refer to Config).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleConfig {}

export type Config = CoreConfig & ModuleConfig;

const fragments: ConfigFragment[] = (hubModules as readonly { config?: ConfigFragment }[]).flatMap((m) => (m.config ? [m.config] : []));

export const EnvSchema = z
  .object({ ...coreShape, ...(Object.assign({}, ...fragments.map((f) => f.shape)) as z.ZodRawShape) })
  .superRefine((env, ctx) => {
    const issue = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
    if (env.NODE_ENV === 'production') {
      if (!env.DATA_ENCRYPTION_KEY) issue('DATA_ENCRYPTION_KEY', 'is required when NODE_ENV=production');
      if (!env.MONGODB_URI) issue('MONGODB_URI', 'is required when NODE_ENV=production');
      if (!env.ADMIN_API_KEY) issue('ADMIN_API_KEY', 'is required when NODE_ENV=production');
    }
    for (const fragment of fragments) fragment.check?.(env as never, issue);
  });

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // Values are deliberately left out of the message: a bad value may be a secret.
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(env)'), message: i.message })));
  }
  return parsed.data as Config;
}

export function publicBaseUrl(config: Config, boundPort: number): string {
  return config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${boundPort}`;
}

