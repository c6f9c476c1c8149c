/**
 * The pieces every part of the configuration is built from: the core schema (env.ts) and each capability module's
 * fragment (src/modules/<name>/config.ts). Kept apart from env.ts so a module's fragment can import them without
 * importing the module list that env.ts composes.
 */
import { z } from 'zod';

/** A blank value (`PORT=` copied from .env.example) means "unset, use the default", for every kind of variable. */
export const blankAsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Provider and callback hosts: only http(s); anything else (ftp:, javascript:, file:) is a mistake or an attack. */
export const optionalUrl = optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional());

/**
 * Decimal digits only. z.coerce.number() would read '' as 0, '0x50' as 80 and '1e3' as 1000, none of which
 * anyone means in an environment variable.
 */
export function wholeNumber(options: { min: number; max?: number; fallback: number }) {
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

/** A loopback port for a local simulator (SANDBOX_<NAME>_PORT); unset = its fixed default (any free port in tests). */
export const simulatorPort = optionalString.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n > 65_535) {
    ctx.addIssue({ code: 'custom', message: 'must be a port number from 0 to 65535 (0 = any free port)' });
    return z.NEVER;
  }
  return n;
});

/**
 * True for exactly 32 bytes in canonical base64. Node's decoder silently skips characters that are not base64,
 * so a key with a typo or a stray character would decode to some other key; re-encoding must give the input back.
 */
export function isBase64Key32(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === value;
}

export const KEY_FORMAT = 'must be exactly 32 bytes in standard base64 (openssl rand -base64 32)';

/** The shortest admin key accepted, from the environment or from DATA_DIR. */
export const ADMIN_API_KEY_MIN_LENGTH = 24;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}


/** What a capability module adds to the configuration: its variables, and checks that need several of them. */
export interface ConfigFragment<Shape extends z.ZodRawShape = z.ZodRawShape> {
  shape: Shape;
  /**
   * Cross-variable checks, run on the whole parsed configuration (core and every module). `issue` names the
   * variable; the message must never contain a value, which may be a secret.
   */
  check?(env: { NODE_ENV: string } & z.infer<z.ZodObject<Shape>>, issue: (variable: string, message: string) => void): void;
}

export const defineConfigFragment = <Shape extends z.ZodRawShape>(fragment: ConfigFragment<Shape>): ConfigFragment<Shape> => fragment;
