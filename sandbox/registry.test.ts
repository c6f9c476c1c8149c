/**
 * The simulators as `npm start` runs them: keys made once per DATA_DIR and kept, fixed default ports (any free port
 * when the default is taken or in tests), and /_sandbox pages that say which key and base URL to use, with QR codes
 * drawn as images.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR_PORTS, simulators } from './registry.js';

let dataDir: string;
const ctx = () => ({ settleMs: 0, log: () => {}, dataDir });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'swh-sandbox-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

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

  it('listens on the configured port, and falls back to a free port (saying so) when the default is taken', async () => {
    // Hold the default so the fallback is exercised whatever else runs on this machine.
    const blocker = createServer();
    const held = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(DEFAULT_SIMULATOR_PORTS.xendit, '127.0.0.1', () => resolve(true));
    });
    try {
      const sim = await simulators.xendit(ctx());
      await sim.stop();
      expect(sim.url).not.toBe(`http://127.0.0.1:${DEFAULT_SIMULATOR_PORTS.xendit}`);
      expect(sim.banner).toMatch(/port 3902 was taken; set SANDBOX_\*_PORT to choose/);
    } finally {
      if (held) await new Promise((r) => blocker.close(r));
    }
    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    const configured = await simulators.xendit({ ...ctx(), port: free });
    await configured.stop();
    expect(configured.url).toBe(`http://127.0.0.1:${free}`);
    expect(configured.banner).toContain(`API base URL http://127.0.0.1:${free}, secret key ${configured.settings.secretKey}`);
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
