import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from './listen.js';
import { createSimulatorKit } from './kit.js';

// A receiver standing in for the hub: records what arrives, refuses the first call of each label once.
const received: string[] = [];
let refuseNext = 0;
let receiver: { url: string; close(): Promise<void> };
const kit = createSimulatorKit({ name: 'Demo', errorBody: (status) => ({ code: `E${status}` }), retryDelaysMs: [10, 10] });
kit.api.get('/v1/thing', (c) => c.json({ ok: true }));
kit.page(() => '<p>demo things</p>');
let sim: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  const app = new Hono();
  app.post('/hook', async (c) => {
    const body = await c.req.text();
    if (refuseNext > 0) {
      refuseNext--;
      return c.body(null, 500);
    }
    received.push(body);
    return c.body(null, 200);
  });
  receiver = await listen(app, {});
  sim = await kit.listen({ port: 0 });
});
afterAll(async () => {
  await sim.stop();
  await receiver.close();
});

describe('simulator kit', () => {
  it('applies injected faults to the API only, with the provider error body, then recovers', async () => {
    await fetch(`${sim.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ mode: 'http503', count: 1, paths: 'thing' }) });
    const faulted = await fetch(`${sim.url}/v1/thing`);
    expect([faulted.status, await faulted.json()]).toEqual([503, { code: 'E503' }]);
    expect((await fetch(`${sim.url}/_sandbox`)).status).toBe(200);
    expect((await fetch(`${sim.url}/v1/thing`)).status).toBe(200);
    kit.injectFaults({ mode: 'bad_json', count: 1 });
    await expect((await fetch(`${sim.url}/v1/thing`)).json()).rejects.toThrow();
  });

  it('retries a refused callback, duplicates on request, and delivers out of order on request', async () => {
    refuseNext = 1;
    await kit.deliver({ url: `${receiver.url}/hook`, body: 'a', headers: {}, label: 'a' });
    expect(received).toEqual(['a']);
    expect(kit.deliveries.filter((d) => d.label === 'a').map((d) => d.httpStatus)).toEqual([500, 200]);

    kit.setDeliveryMode({ duplicate: true });
    await kit.deliver({ url: `${receiver.url}/hook`, body: 'b', headers: {}, label: 'b' });
    expect(received).toEqual(['a', 'b', 'b']);

    kit.setDeliveryMode({ outOfOrder: true });
    await kit.deliver({ url: `${receiver.url}/hook`, body: 'pending', headers: {}, label: 'pending' });
    await kit.deliver({ url: `${receiver.url}/hook`, body: 'settled', headers: {}, label: 'settled' });
    expect(received.slice(3)).toEqual(['settled', 'pending']);
  });

  it('shows the control page with what it sent', async () => {
    const html = await (await fetch(`${sim.url}/_sandbox`)).text();
    expect(html).toContain('Demo sandbox');
    expect(html).toContain('demo things');
    expect(html).toContain('settled');
  });
});
