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
      expect(message).toMatch(/DATA_ENCRYPTION_KEY: must be 32 bytes/);
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
