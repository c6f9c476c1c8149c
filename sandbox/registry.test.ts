/**
 * The simulators as `npm start` runs them: keys made once per DATA_DIR and kept (the payment simulators' and the
 * SNAP banks' partner credentials and RSA key pairs), fixed default ports (any free port when the default is taken
 * or in tests), and /_sandbox pages that say which key and base URL to use, with QR codes drawn as images.
 */
import { createPublicKey, createSign } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR_PORTS, simulators } from './registry.js';
import { SIM_BANK_BEHAVIOUR, type SimBankCode } from './snap-bank/index.js';

let dataDir: string;
const ctx = () => ({ settleMs: 0, log: () => {}, dataDir });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'swh-sandbox-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

type BankSettings = Awaited<ReturnType<typeof simulators.bca>>['settings'];
const publicPemOf = (privateKeyPem: string) => createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();

/** A SNAP B2B token request signed with the partner's private key, as the hub's client sends it. */
async function b2bToken(bank: SimBankCode, settings: BankSettings) {
  const wall = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 19);
  const timestamp = `${wall}+07:00`;
  const { clientKey, privateKey } = settings.credentials;
  const signature = createSign('RSA-SHA256').update(`${clientKey}|${timestamp}`).sign(privateKey, 'base64');
  const res = await fetch(`${settings.baseUrl}${SIM_BANK_BEHAVIOUR[bank].prefix}/v1.0/access-token/b2b`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-client-key': clientKey, 'x-timestamp': timestamp, 'x-signature': signature },
    body: JSON.stringify({ grantType: 'client_credentials' }),
  });
  return { status: res.status, body: (await res.json()) as { responseCode: string; accessToken?: string } };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });

/**
 * Listens on `port` so a simulator finds its default taken; resolves to the function that lets it go. When something
 * else holds the port already, that does the same job and there is nothing to release.
 */
async function holdPort(port: number): Promise<() => Promise<void>> {
  const blocker = createServer();
  const held = await new Promise<boolean>((resolve) => {
    blocker.once('error', () => resolve(false));
    blocker.listen(port, '127.0.0.1', () => resolve(true));
  });
  return async () => {
    if (held) await new Promise((r) => blocker.close(r));
  };
}

describe('sandbox settings that stay put', () => {
  it('keeps the same keys per DATA_DIR across restarts, in owner-only files', async () => {
    const first = await simulators.midtrans({ ...ctx(), anyPort: true });
    await first.stop();
    const again = await simulators.midtrans({ ...ctx(), anyPort: true });
    await again.stop();
    expect(again.settings.serverKey).toBe(first.settings.serverKey);
    expect(first.settings.serverKey).toMatch(/^SB-Mid-server-local-[0-9a-f]{24}$/);
    expect((await readFile(path.join(dataDir, 'sandbox', 'midtrans-server-key'), 'utf8')).trim()).toBe(first.settings.serverKey);
    if (process.platform !== 'win32') expect((await stat(path.join(dataDir, 'sandbox', 'midtrans-server-key'))).mode & 0o077).toBe(0);

    const x1 = await simulators.xendit({ ...ctx(), anyPort: true });
    await x1.stop();
    const x2 = await simulators.xendit({ ...ctx(), anyPort: true });
    await x2.stop();
    expect(x2.settings).toMatchObject({ secretKey: x1.settings.secretKey, callbackToken: x1.settings.callbackToken });
    const other = await mkdtemp(path.join(tmpdir(), 'swh-sandbox-'));
    const x3 = await simulators.xendit({ ...ctx(), dataDir: other, anyPort: true });
    await x3.stop();
    expect(x3.settings.secretKey).not.toBe(x1.settings.secretKey);
    await rm(other, { recursive: true, force: true });
  });

  it("keeps each SNAP bank's client key and secret and both RSA key pairs per DATA_DIR; the restarted bank accepts them", async () => {
    const first = await simulators.bca({ ...ctx(), anyPort: true });
    await first.stop();
    const again = await simulators.bca({ ...ctx(), anyPort: true });
    try {
      expect(again.settings.credentials).toEqual(first.settings.credentials);
      expect(again.settings.bankPublicKey).toBe(first.settings.bankPublicKey);
      // The restarted bank knows the kept partner key: a token request signed with it is accepted.
      expect(await b2bToken('BCA', again.settings)).toMatchObject({ status: 200, body: { responseCode: '2007300', accessToken: expect.any(String) } });
    } finally {
      await again.stop();
    }
    expect(first.settings.credentials.clientKey).toMatch(/^sandbox-bca-[0-9a-f]{12}$/);
    expect(first.settings.credentials.clientSecret).toMatch(/^[0-9a-f]{48}$/);
    expect(first.settings.credentials.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(first.settings.bankPublicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);

    // Another bank: its own client key and secret; the hub's partner key and the banks' signing key are shared.
    const bri = await simulators.bri({ ...ctx(), anyPort: true });
    await bri.stop();
    expect(bri.settings.credentials.clientKey).toMatch(/^sandbox-bri-/);
    expect(bri.settings.credentials.clientSecret).not.toBe(first.settings.credentials.clientSecret);
    expect(bri.settings.credentials.privateKey).toBe(first.settings.credentials.privateKey);
    expect(bri.settings.bankPublicKey).toBe(first.settings.bankPublicKey);

    // Every kept file is owner-only, and no temporary file is left behind.
    const files = await readdir(path.join(dataDir, 'sandbox'));
    expect(files).toEqual(expect.arrayContaining(['snap-partner-key.pem', 'snap-bank-signing-key.pem', 'snap-bca-client-key', 'snap-bca-client-secret', 'snap-bri-client-key']));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    if (process.platform !== 'win32') for (const f of files) expect((await stat(path.join(dataDir, 'sandbox', f))).mode & 0o077, f).toBe(0);
    expect((await readFile(path.join(dataDir, 'sandbox', 'snap-bca-client-key'), 'utf8')).trim()).toBe(first.settings.credentials.clientKey);

    // Another DATA_DIR: other credentials and other key pairs, which the first DATA_DIR's bank refuses.
    const other = await mkdtemp(path.join(tmpdir(), 'swh-sandbox-'));
    const elsewhere = await simulators.bca({ ...ctx(), dataDir: other, anyPort: true });
    try {
      expect(elsewhere.settings.credentials.clientKey).not.toBe(first.settings.credentials.clientKey);
      expect(elsewhere.settings.credentials.clientSecret).not.toBe(first.settings.credentials.clientSecret);
      expect(publicPemOf(elsewhere.settings.credentials.privateKey)).not.toBe(publicPemOf(first.settings.credentials.privateKey));
      expect(elsewhere.settings.bankPublicKey).not.toBe(first.settings.bankPublicKey);
      const foreign = { ...elsewhere.settings, credentials: { ...first.settings.credentials, clientKey: elsewhere.settings.credentials.clientKey } };
      expect(await b2bToken('BCA', foreign)).toMatchObject({ status: 401, body: { responseCode: '4017300' } });
    } finally {
      await elsewhere.stop();
      await rm(other, { recursive: true, force: true });
    }
  });

  it('listens on the configured port, and falls back to a free port (saying so) when the default is taken', async () => {
    // Hold the default so the fallback is exercised whatever else runs on this machine.
    const release = await holdPort(DEFAULT_SIMULATOR_PORTS.xendit);
    try {
      const sim = await simulators.xendit(ctx());
      await sim.stop();
      expect(sim.url).not.toBe(`http://127.0.0.1:${DEFAULT_SIMULATOR_PORTS.xendit}`);
      expect(sim.banner).toMatch(/port 3902 was taken; set SANDBOX_\*_PORT to choose/);
    } finally {
      await release();
    }
    const free = await freePort();
    const configured = await simulators.xendit({ ...ctx(), port: free });
    await configured.stop();
    expect(configured.url).toBe(`http://127.0.0.1:${free}`);
    expect(configured.banner).toContain(`API base URL http://127.0.0.1:${free}, secret key ${configured.settings.secretKey}`);
  });

  it('gives each SNAP bank its own fixed default port, a configured one, and the same fallback', async () => {
    const ports = Object.values(DEFAULT_SIMULATOR_PORTS);
    expect(new Set(ports).size).toBe(ports.length);
    expect([DEFAULT_SIMULATOR_PORTS.bca, DEFAULT_SIMULATOR_PORTS.danamon]).toEqual([3903, 3908]);

    const release = await holdPort(DEFAULT_SIMULATOR_PORTS.cimb);
    try {
      const sim = await simulators.cimb(ctx());
      await sim.stop();
      expect(sim.url).not.toBe(`http://127.0.0.1:${DEFAULT_SIMULATOR_PORTS.cimb}`);
      expect(sim.banner).toMatch(/^CIMB \(SNAP\) sandbox: +http:\/\/127\.0\.0\.1:\d+\/_sandbox   \(port 3907 was taken; set SANDBOX_\*_PORT to choose\)$/);
    } finally {
      await release();
    }

    const free = await freePort();
    const configured = await simulators.danamon({ ...ctx(), port: free });
    try {
      expect(configured.url).toBe(`http://127.0.0.1:${free}`);
      expect(configured.settings.baseUrl).toBe(`http://127.0.0.1:${free}/danamon`);
      expect(configured.banner).not.toContain('was taken');
      expect(await b2bToken('DANAMON', configured.settings)).toMatchObject({ status: 200 });
    } finally {
      await configured.stop();
    }
  });

  it("shows the key and base URL on each /_sandbox page, and a pending QR payment's QR code as a scannable image", async () => {
    const midtrans = await simulators.midtrans({ ...ctx(), anyPort: true });
    const xendit = await simulators.xendit({ ...ctx(), anyPort: true });
    try {
      const auth = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' });
      await fetch(`${midtrans.url}/v2/charge`, { method: 'POST', headers: auth(midtrans.settings.serverKey), body: JSON.stringify({ payment_type: 'qris', transaction_details: { order_id: 'QR-PAGE-1', gross_amount: 25000 } }) });
      await fetch(`${xendit.url}/qr_codes`, { method: 'POST', headers: auth(xendit.settings.secretKey), body: JSON.stringify({ reference_id: 'QR-PAGE-2', type: 'DYNAMIC', currency: 'IDR', amount: 25000 }) });
      for (const [sim, key] of [[midtrans, midtrans.settings.serverKey], [xendit, xendit.settings.secretKey]] as const) {
        const html = await (await fetch(`${sim.url}/_sandbox`)).text();
        expect(html).toContain(key);
        expect(html).toContain(`<code>${sim.url}</code>`);
        const img = html.match(/<img class="qr"[^>]*src="data:image\/svg\+xml;base64,([^"]+)"/);
        expect(img, 'a QR image').not.toBeNull();
        const svg = Buffer.from(img![1], 'base64').toString('utf8');
        expect(svg).toMatch(/^<svg[^>]*viewBox="0 0 \d+ \d+"/);
        expect(svg).toContain('<path');
      }
    } finally {
      await midtrans.stop();
      await xendit.stop();
    }
  });
});
