/**
 * Hostile input that used to get through (issue 16 §4): each is refused with a 4xx naming what is wrong, never a
 * 500, and nothing is stored. Through the real HTTP surface.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type ApiClient, type TestHub } from './harness.js';

let t: TestHub;
let user: { id: string; apiKey: string; client: ApiClient };
let keyCounter = 0;
const idem = () => ({ 'idempotency-key': `hostile-${Date.now()}-${++keyCounter}` });

beforeAll(async () => {
  t = await startTestHub();
  user = await t.createUser('Hostile');
});
afterAll(async () => t?.stop());

const fields = (res: { body: any }) => (res.body.error?.details?.issues ?? []).map((i: { field: string }) => i.field);

describe('Xendit callbacks with a valid token and a body that is not an object', () => {
  for (const body of ['123', '"x"', 'true', 'null', '[]']) {
    it(`answers ${body} with 400 and stores nothing`, async () => {
      const before = await t.hub.connection.collection('webhookEvents').countDocuments();
      const res = await t.anonymous.post('/webhooks/xendit', body, { 'x-callback-token': t.hub.webhookSecrets.xenditCallbackToken!, 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/must be a JSON object/);
      expect(await t.hub.connection.collection('webhookEvents').countDocuments()).toBe(before);
    });
  }
});

describe('a field the route does not know', () => {
  it('is named in the 400 (not "json"), with the field path inside an object, and nothing is stored', async () => {
    const before = await t.hub.connection.collection('linkedAccounts').countDocuments();
    const res = await user.client.post('/api/payment/direct-debit/links', { bank: 'bri', method: 'direct_debit_bri', mobileNumber: '081234567890', cardLastFour: '1234', cardExpiry: '12/29' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([{ field: 'bank', reason: 'is not a field of this request', in: 'json' }]);
    expect(res.body.error.message).toBe('bank: is not a field of this request');
    expect(await t.hub.connection.collection('linkedAccounts').countDocuments()).toBe(before);
  });
});

describe('impossible and absurd dates', () => {
  it('refuses 30 February as runAt with 400 naming the field, instead of charging on 2 March', async () => {
    const res = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 5_000_000, runAt: '2027-02-30T10:00:00Z' }, idem());
    expect(res.status).toBe(400);
    expect(fields(res)).toContain('runAt');
    expect(res.body.error.message).toMatch(/no day 30/);
  });

  it('refuses impossible dates in recurring schedules, history and analytics filters, and the audit log', async () => {
    const recurring = await user.client.post('/api/payment/recurring', { payment: { method: 'qris', amountMinor: 5_000_000 }, recurrence: { every: 'month' }, startAt: '2027-02-30' }, idem());
    expect(recurring.status).toBe(400);
    expect(fields(recurring)).toContain('startAt');
    const endAt = await user.client.post('/api/payment/recurring', { payment: { method: 'qris', amountMinor: 5_000_000 }, recurrence: { every: 'month' }, endAt: '2027-04-31' }, idem());
    expect(endAt.status).toBe(400);
    expect(fields(endAt)).toContain('endAt');
    for (const path of ['/api/payment/history?from=2027-02-30', '/api/payment/analytics?to=2026-13-01']) {
      const res = await user.client.get(path);
      expect(res.status, path).toBe(400);
      expect(fields(res).some((f: string) => f === 'from' || f === 'to'), path).toBe(true);
    }
    const audit = await t.admin.get('/api/admin/audit?from=2027-02-30');
    expect(audit.status).toBe(400);
    expect(fields(audit)).toContain('from');
  });

  it('refuses schedules more than ten years ahead and the largest date JavaScript knows with 400, not 500', async () => {
    const far = new Date(Date.now() + 11 * 365 * 86_400_000).toISOString();
    const runAt = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 5_000_000, runAt: far }, idem());
    expect(runAt.status).toBe(400);
    expect(fields(runAt)).toContain('runAt');
    const startAt = await user.client.post('/api/payment/recurring', { payment: { method: 'qris', amountMinor: 5_000_000 }, recurrence: { every: 'month' }, startAt: far }, idem());
    expect(startAt.status).toBe(400);
    expect(fields(startAt)).toContain('startAt');
    const max = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 5_000_000, runAt: '+275760-09-13' }, idem());
    expect(max.status).toBe(400);
    expect(fields(max)).toContain('runAt');
    const history = await user.client.get('/api/payment/history?from=%2B275760-09-13');
    expect(history.status).toBe(400);
    expect((await user.client.get('/api/payment/history')).body.payments).toEqual([]);
  });
});

describe('an oversized /api body', () => {
  it('is answered 413 with Connection: close, and the next request on a new connection works', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const { hostname, port } = new URL(t.url);
    const big = Buffer.alloc(1024 * 1024 + 10, 'a');
    const first = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = http.request(
        { agent, hostname, port, path: '/api/payment/process', method: 'POST', headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json', 'content-length': big.length, ...idem() } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
        },
      );
      req.on('error', reject);
      req.end(big);
    });
    expect(first.status).toBe(413);
    expect(first.connection).toBe('close');
    const second = await new Promise<number>((resolve, reject) => {
      const req = http.request({ agent, hostname, port, path: '/api/payment/methods', headers: { authorization: `Bearer ${user.apiKey}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end();
    });
    expect(second).toBe(200);
    agent.destroy();
  });
});
