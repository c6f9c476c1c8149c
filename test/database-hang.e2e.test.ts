/**
 * A hung database fails fast (issue 16 §2): the hub reaches MongoDB through a loopback proxy that this file can
 * pause, so the server accepts connections and never answers, as a hung mongod does. /ready says 503 within a few
 * seconds, and /api and webhook requests answer 503 with Retry-After in about ten, instead of hanging for the whole
 * outage; once the proxy forwards again the same requests succeed. Also: the per-operation time limits each
 * query carries (the default, and the larger one analytics sets).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { LONG_QUERY_MAX_TIME_MS, OPERATION_MAX_TIME_MS } from '../src/db/limits.js';
import { eventually, startTestHub, type ApiClient, type TestHub } from './harness.js';
import { startPausableProxy, type PausableProxy } from './support/pausable-proxy.js';

let proxy: PausableProxy;
let t: TestHub;
let user: { id: string; apiKey: string; client: ApiClient };

beforeAll(async () => {
  proxy = await startPausableProxy(inject('mongoUri'));
  t = await startTestHub({ hubOptions: { database: { uri: proxy.uri, kind: inject('mongoKind') } } });
  user = await t.createUser('Hung Database');
});

afterAll(async () => {
  proxy?.resume();
  await t?.stop();
  await proxy?.close();
});

/** A request with its elapsed time; never longer than 30 s (the outage test's point is that it ends). */
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await run();
  return { value, ms: Date.now() - started };
}

function signedMidtransSettlement(orderId: string) {
  const gross = '10000.00';
  return {
    order_id: orderId,
    status_code: '200',
    gross_amount: gross,
    transaction_status: 'settlement',
    transaction_id: `tx-${orderId}`,
    transaction_time: '2026-11-25 09:00:00',
    payment_type: 'bank_transfer',
    currency: 'IDR',
    signature_key: createHash('sha512').update(orderId + '200' + gross + t.hub.webhookSecrets.midtransServerKey).digest('hex'),
  };
}

describe('a database that stops answering', () => {
  it('gives 503s quickly instead of hanging, and recovers when the database answers again', async () => {
    expect((await user.client.get('/api/users/me')).status).toBe(200);
    proxy.pause();
    try {
      const [ready, api, webhook] = await Promise.all([
        timed(() => t.anonymous.get('/ready')),
        timed(() => user.client.get('/api/payment/history')),
        timed(() => t.anonymous.post('/webhooks/midtrans', signedMidtransSettlement('SWH-HUNG-1'))),
      ]);
      expect(ready.value.status).toBe(503);
      expect(ready.ms).toBeLessThan(4_000);

      for (const { value, ms } of [api, webhook]) {
        expect(value.status).toBe(503);
        expect(value.body.error.code).toBe('SERVICE_UNAVAILABLE');
        expect(Number(value.headers.get('retry-after'))).toBeGreaterThan(0);
        // About ten seconds: the monitor notices within ~5 s, then server selection gives up after 5 s.
        expect(ms).toBeLessThan(15_000);
      }

      // Still hung: a new request is refused just as fast (server selection alone), not queued forever.
      const again = await timed(() => user.client.get('/api/users/me'));
      expect(again.value.status).toBe(503);
      expect(again.ms).toBeLessThan(8_000);
    } finally {
      proxy.resume();
    }

    const back = await eventually(() => t.anonymous.get('/ready'), (r) => r.status === 200, 15_000);
    expect(back.status).toBe(200);
    expect((await eventually(() => user.client.get('/api/payment/history'), (r) => r.status === 200, 10_000)).status).toBe(200);
  });
});

describe('per-operation limits', () => {
  it('gives every query the default maxTimeMS and the analytics aggregate its larger one', async () => {
    const seen: { method: string; options: Record<string, unknown> }[] = [];
    t.hub.connection.set('debug', (_collection: string, method: string, ...args: unknown[]) => {
      const options = args.findLast((a) => a && typeof a === 'object' && !Array.isArray(a)) as Record<string, unknown> | undefined;
      seen.push({ method, options: options ?? {} });
    });
    try {
      expect((await user.client.get('/api/payment/history')).status).toBe(200);
      expect((await user.client.get('/api/payment/analytics?period=day')).status).toBe(200);
    } finally {
      t.hub.connection.set('debug', false);
    }
    expect(seen.find((s) => s.method === 'find')?.options.maxTimeMS).toBe(OPERATION_MAX_TIME_MS);
    expect(seen.find((s) => s.method === 'aggregate')?.options.maxTimeMS).toBe(LONG_QUERY_MAX_TIME_MS);
  });
});
