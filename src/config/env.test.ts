import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

describe('loadConfig', () => {
  it('starts with no configuration at all', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATA_DIR).toBe('./data');
    expect(config.SANDBOX_SETTLE_MS).toBe(3000);
  });

  it('names the variable that is wrong and never echoes its value', () => {
    try {
      loadConfig({ PORT: 'eighty', DATA_ENCRYPTION_KEY: 'c2hvcnQ=' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).toMatch(/PORT:/);
      expect(message).toMatch(/DATA_ENCRYPTION_KEY: must be exactly 32 bytes/);
      expect(message).not.toContain('c2hvcnQ=');
    }
  });

  it('requires real secrets and a real database in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATA_ENCRYPTION_KEY: is required[\s\S]*MONGODB_URI: is required/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ MIDTRANS_SERVER_KEY: '  ' }).MIDTRANS_SERVER_KEY).toBeUndefined();
  });
});

const KEY = Buffer.alloc(32, 7).toString('base64');
const PRODUCTION = { NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/x?replicaSet=rs0', DATA_ENCRYPTION_KEY: KEY, ADMIN_API_KEY: 'a'.repeat(32) };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
  }
}

describe('numbers', () => {
  it('reads blank as unset (the default), as for strings', () => {
    const config = loadConfig({ PORT: '', SANDBOX_SETTLE_MS: ' ', RATE_LIMIT_PER_MINUTE: '', JOBS_POLL_MS: '' });
    expect(config.PORT).toBe(3000);
    expect(config.SANDBOX_SETTLE_MS).toBe(3000);
    expect(config.RATE_LIMIT_PER_MINUTE).toBe(120);
    expect(config.JOBS_POLL_MS).toBe(1000);
  });

  it('takes plain decimal digits only', () => {
    expect(loadConfig({ PORT: '8080', SANDBOX_SETTLE_MS: '0' })).toMatchObject({ PORT: 8080, SANDBOX_SETTLE_MS: 0 });
    expect(loadConfig({ PORT: '0' }).PORT).toBe(0);
    for (const bad of ['0x50', '1e3', '-1', '12.5', '80 80', 'Infinity', '99999999999999999999']) {
      expect(problemsOf({ PORT: bad }), bad).toEqual([expect.stringMatching(/^PORT: must be/)]);
      expect(problemsOf({ RATE_LIMIT_PER_MINUTE: bad }), bad).toEqual([expect.stringMatching(/^RATE_LIMIT_PER_MINUTE: must be/)]);
    }
    expect(problemsOf({ PORT: '65536' })).toEqual(['PORT: must be between 0 and 65535']);
    expect(problemsOf({ WEBHOOK_MAX_ATTEMPTS: '0' })).toEqual(['WEBHOOK_MAX_ATTEMPTS: must be between 1 and 50']);
  });

  it('reads a blank NODE_ENV, LOG_LEVEL, HOST or DATA_DIR as its default', () => {
    expect(loadConfig({ NODE_ENV: '', LOG_LEVEL: '', HOST: ' ', DATA_DIR: '' })).toMatchObject({ NODE_ENV: 'development', LOG_LEVEL: 'info', HOST: '0.0.0.0', DATA_DIR: './data' });
  });
});

describe('encryption keys', () => {
  it('accepts exactly 32 bytes of canonical base64', () => {
    expect(loadConfig({ DATA_ENCRYPTION_KEY: KEY }).DATA_ENCRYPTION_KEY).toBe(KEY);
  });

  it('refuses characters Node would silently skip, and wrong lengths', () => {
    // Both decode to 32 bytes with Buffer.from(…, 'base64'): the junk is skipped, not rejected.
    expect(Buffer.from(`${KEY.slice(0, 10)}!!${KEY.slice(10)}`, 'base64')).toHaveLength(32);
    for (const bad of [`${KEY.slice(0, 10)}!!${KEY.slice(10)}`, `${KEY.slice(0, 20)} ${KEY.slice(20)}`, Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64')]) {
      expect(problemsOf({ DATA_ENCRYPTION_KEY: bad })).toEqual([expect.stringMatching(/^DATA_ENCRYPTION_KEY: must be exactly 32 bytes/)]);
    }
    expect(problemsOf({ DATA_ENCRYPTION_PREVIOUS_KEYS: `${KEY},${KEY.slice(0, 10)}#${KEY.slice(10)}` })).toEqual([
      expect.stringMatching(/^DATA_ENCRYPTION_PREVIOUS_KEYS: each key must be exactly 32 bytes/),
    ]);
  });
});

describe('urls', () => {
  it('takes http and https only', () => {
    expect(loadConfig({ MIDTRANS_BASE_URL: 'https://api.sandbox.midtrans.com', XENDIT_BASE_URL: 'http://127.0.0.1:9000' })).toMatchObject({
      MIDTRANS_BASE_URL: 'https://api.sandbox.midtrans.com',
    });
    expect(problemsOf({ MIDTRANS_BASE_URL: 'ftp://api.midtrans.com' })).toEqual(['MIDTRANS_BASE_URL: must be an http:// or https:// URL']);
    expect(problemsOf({ XENDIT_BASE_URL: 'javascript:alert(1)' })).toEqual(['XENDIT_BASE_URL: must be an http:// or https:// URL']);
    expect(problemsOf({ PUBLIC_BASE_URL: 'file:///etc/passwd' })).toEqual(['PUBLIC_BASE_URL: must be an http:// or https:// URL']);
  });
});

describe('payment providers', () => {
  it('uses both providers by default and accepts a subset', () => {
    expect(loadConfig({}).PAYMENT_PROVIDERS).toEqual(['midtrans', 'xendit']);
    expect(loadConfig({ PAYMENT_PROVIDERS: ' Midtrans ' }).PAYMENT_PROVIDERS).toEqual(['midtrans']);
    expect(problemsOf({ PAYMENT_PROVIDERS: 'midtrans,stripe' })).toEqual([expect.stringMatching(/^PAYMENT_PROVIDERS: must list one or more of midtrans, xendit/)]);
    expect(problemsOf({ PAYMENT_PROVIDERS: ',' })).toEqual([expect.stringMatching(/^PAYMENT_PROVIDERS:/)]);
  });

  it('never lets production fall back to the self-settling simulators', () => {
    const problems = problemsOf(PRODUCTION);
    expect(problems).toEqual([expect.stringMatching(/^MIDTRANS_SERVER_KEY: is required when NODE_ENV=production/), expect.stringMatching(/^XENDIT_SECRET_KEY: is required when NODE_ENV=production/)]);
    expect(problemsOf({ ...PRODUCTION, MIDTRANS_SERVER_KEY: 'Mid-server-x' })).toEqual([expect.stringMatching(/^XENDIT_SECRET_KEY:/)]);
    // A provider left out on purpose needs no keys; the one kept does.
    expect(loadConfig({ ...PRODUCTION, PAYMENT_PROVIDERS: 'midtrans', MIDTRANS_SERVER_KEY: 'Mid-server-x' }).PAYMENT_PROVIDERS).toEqual(['midtrans']);
    expect(problemsOf({ ...PRODUCTION, PAYMENT_PROVIDERS: 'xendit' })).toEqual([expect.stringMatching(/^XENDIT_SECRET_KEY:/)]);
  });

  it('refuses the test-only hooks in production', () => {
    const keys = { ...PRODUCTION, MIDTRANS_SERVER_KEY: 'Mid-server-x', XENDIT_SECRET_KEY: 'xnd_x', XENDIT_CALLBACK_TOKEN: 'tok' };
    expect(problemsOf({ ...keys, PAYMENT_TEST_EXIT_AFTER_CLAIM: 'true' })).toEqual([expect.stringMatching(/^PAYMENT_TEST_EXIT_AFTER_CLAIM: is a test hook/)]);
    expect(loadConfig({ PAYMENT_TEST_EXIT_AFTER_CLAIM: 'true' }).PAYMENT_TEST_EXIT_AFTER_CLAIM).toBe(true);
    expect(loadConfig({}).PAYMENT_TEST_EXIT_AFTER_CLAIM).toBe(false);
  });

  it('requires the Xendit callback token with the Xendit secret key', () => {
    expect(problemsOf({ XENDIT_SECRET_KEY: 'xnd_development_x' })).toEqual([expect.stringMatching(/^XENDIT_CALLBACK_TOKEN: is required with XENDIT_SECRET_KEY/)]);
    expect(loadConfig({ XENDIT_SECRET_KEY: 'xnd_development_x', XENDIT_CALLBACK_TOKEN: 'tok' }).XENDIT_CALLBACK_TOKEN).toBe('tok');
  });

  it('checks PAYMENT_ROUTING against the method catalog and the enabled providers', () => {
    expect(loadConfig({ PAYMENT_ROUTING: 'qris=xendit, shopeepay=xendit' }).PAYMENT_ROUTING).toBe('qris=xendit, shopeepay=xendit');
    expect(problemsOf({ PAYMENT_ROUTING: 'bitcoin=xendit' })).toEqual(['PAYMENT_ROUTING: unknown method "bitcoin"']);
    expect(problemsOf({ PAYMENT_ROUTING: 'gopay=xendit' })).toEqual([expect.stringMatching(/^PAYMENT_ROUTING: xendit cannot take gopay/)]);
    expect(problemsOf({ PAYMENT_ROUTING: 'qris=xendit', PAYMENT_PROVIDERS: 'midtrans' })).toEqual(['PAYMENT_ROUTING: routes qris to xendit, which is not in PAYMENT_PROVIDERS']);
  });
});
