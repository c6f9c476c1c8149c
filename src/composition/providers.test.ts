import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../config/env.js';
import { createLogger } from '../lib/logger.js';
import { createMetrics } from '../lib/metrics.js';
import { banksModule } from '../modules/banks/index.js';
import { paymentsModule } from '../modules/payments/index.js';
import { setUpProviders } from './providers.js';

const context = { logger: createLogger({ level: 'silent' }), metrics: createMetrics() };
// The payment capability alone: its two providers show the real-or-simulator choice for every descriptor.
const setUp = (config: Config) => setUpProviders([paymentsModule], config, context);
const PRODUCTION = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db/x',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  ADMIN_API_KEY: 'k'.repeat(32),
};

describe('setUpProviders', () => {
  it('refuses to start a simulator in production even if the config schema was bypassed', async () => {
    // A Config built by hand (not through loadConfig) that would have fallen back to the simulators.
    const config: Config = { ...loadConfig({}), NODE_ENV: 'production' };
    const failure = await setUp(config).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/MIDTRANS_SERVER_KEY: is required when NODE_ENV=production/);

    const midtransOnly: Config = { ...config, MIDTRANS_SERVER_KEY: 'Mid-server-real' };
    await expect(setUp(midtransOnly)).rejects.toThrow(/XENDIT_SECRET_KEY: is required when NODE_ENV=production/);
  });

  it('uses the real adapters and no simulator in production when the keys are set', async () => {
    const config = loadConfig({ ...PRODUCTION, MIDTRANS_SERVER_KEY: 'Mid-server-real', XENDIT_SECRET_KEY: 'xnd_production_real', XENDIT_CALLBACK_TOKEN: 'callback-token' });
    const setup = await setUp(config);
    expect(setup.sandboxes).toEqual({});
    expect([...setup.registry.of('payments').keys()].sort()).toEqual(['midtrans', 'xendit']);
    expect(setup.webhookSecrets).toEqual({ midtransServerKey: 'Mid-server-real', xenditCallbackToken: 'callback-token' });
    await setup.stop();
  });

  it('leaves a provider out of PAYMENT_PROVIDERS unregistered, its webhooks checked against a secret nobody has', async () => {
    const config = loadConfig({ ...PRODUCTION, PAYMENT_PROVIDERS: 'midtrans', MIDTRANS_SERVER_KEY: 'Mid-server-real' });
    const setup = await setUp(config);
    expect([...setup.registry.of('payments').keys()]).toEqual(['midtrans']);
    expect(setup.sandboxes).toEqual({});
    expect(setup.webhookSecrets.xenditCallbackToken).toMatch(/^[0-9a-f]{64}$/);
    await setup.stop();
  });

  it('starts the paired simulator for a provider without credentials, and stops it', async () => {
    const setup = await setUp(loadConfig({ PAYMENT_PROVIDERS: 'xendit' }));
    expect(Object.keys(setup.sandboxes)).toEqual(['xendit']);
    expect(setup.banner.join('\n')).toMatch(/Xendit sandbox: +http:\/\/127\.0\.0\.1:\d+\/_sandbox/);
    const res = await fetch(`${setup.sandboxes.xendit!.url}/_sandbox`);
    expect(res.status).toBe(200);
    await setup.stop();
    await expect(fetch(`${setup.sandboxes.xendit!.url}/_sandbox`)).rejects.toThrow();
  });

  it("starts a bank's simulator on SANDBOX_<BANK>_PORT, with the same keys after a restart on the same DATA_DIR", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'swh-providers-'));
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const free = (probe.address() as { port: number }).port;
        probe.close(() => resolve(free));
      });
    });
    const env = { NODE_ENV: 'test', DATA_DIR: dataDir, BANK_PROVIDERS: 'BRI' };
    try {
      const first = await setUpProviders([banksModule], loadConfig({ ...env, SANDBOX_BRI_PORT: String(port) }), context);
      await first.stop();
      expect(Object.keys(first.sandboxes)).toEqual(['bri']);
      expect(first.sandboxes.bri!.url).toBe(`http://127.0.0.1:${port}`);
      expect(first.banner.join('\n')).toContain(`BRI (SNAP) sandbox:`);
      expect(first.banner.join('\n')).toContain(`http://127.0.0.1:${port}/_sandbox`);

      // Restarted (any free port now): the notifications are still verified with the same bank key.
      const again = await setUpProviders([banksModule], loadConfig(env), context);
      await again.stop();
      expect(again.webhookSecrets.bankBriPublicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(again.webhookSecrets.bankBriPublicKey).toBe(first.webhookSecrets.bankBriPublicKey);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a SANDBOX_<BANK>_PORT that is not a port, naming the variable', () => {
    expect(() => loadConfig({ SANDBOX_DANAMON_PORT: '70000' })).toThrow(/SANDBOX_DANAMON_PORT: must be a port number/);
  });
});
