/**
 * Review fixes at the edges of the hub, each through the real HTTP surface where it is an HTTP behaviour:
 * webhook body limits while streaming, framework errors keeping their status, and disabled payment providers.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_BODY_LIMIT } from '../webhooks/intake.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { PAYMENT_PROVIDERS: 'midtrans' } });
});
afterAll(async () => t?.stop());

interface StreamedResult {
  status: number;
  body: any;
  headers: http.IncomingHttpHeaders;
  bytesSent: number;
  /** Whether the answer came while the request was still open (the client had not finished its body). */
  answeredWhileSending: boolean;
}

/**
 * POSTs a chunked body (no Content-Length) that keeps coming, `chunk` after `chunk`, until the server answers
 * or `maxBytes` have been sent; only then does the request end.
 */
function streamUntilAnswered(url: string, chunk: Buffer, maxBytes: number): Promise<StreamedResult> {
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    let ended = false;
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      answered = true;
      const answeredWhileSending = !ended;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, headers: res.headers, bytesSent, answeredWhileSending }));
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      if (answered) return;
      if (bytesSent >= maxBytes) {
        ended = true;
        req.end();
        return;
      }
      bytesSent += chunk.length;
      // Wait for each chunk to be flushed so the server sees the body arrive piece by piece.
      req.write(chunk, () => setTimeout(pump, 1));
    };
    pump();
  });
}

describe('webhook body limit', () => {
  it('answers a chunked body past the limit with 413 while it is still arriving, not after buffering it all', async () => {
    const res = await streamUntilAnswered(`${t.url}/webhooks/midtrans`, Buffer.alloc(16 * 1024, 'a'), 64 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) });
    // The answer came while the 64 MiB body was still being sent: the hub stopped reading at the limit instead of
    // buffering the body to its end. (How many bytes the client pushed meanwhile measures the client's scheduling,
    // not the hub: after the answer the hub reads and drops the rest until the client stops.)
    expect(res.answeredWhileSending).toBe(true);
    expect(res.bytesSent).toBeLessThan(64 * 1024 * 1024);
  });

  it('counts bytes, not characters', async () => {
    // 100 000 euro signs are 100 000 characters (under the limit) but 300 000 bytes (over it).
    const body = '€'.repeat(100_000);
    expect(body.length).toBeLessThan(WEBHOOK_BODY_LIMIT);
    expect(Buffer.byteLength(body)).toBeGreaterThan(WEBHOOK_BODY_LIMIT);
    const res = await streamUntilAnswered(`${t.url}/webhooks/xendit`, Buffer.from(body), Buffer.byteLength(body));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a declared Content-Length past the limit without reading the body', async () => {
    const res = await t.anonymous.post('/webhooks/midtrans', 'x'.repeat(WEBHOOK_BODY_LIMIT + 1), { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('still takes a body just under the limit (verification decides)', async () => {
    const res = await t.anonymous.post('/webhooks/midtrans', JSON.stringify({ order_id: 'x', pad: 'p'.repeat(WEBHOOK_BODY_LIMIT - 100) }), { 'content-type': 'application/json' });
    expect(res.status).toBe(401);
  });
});

describe('a payment provider left out of PAYMENT_PROVIDERS', () => {
  it('has no simulator, its methods answer 503 and nothing is recorded, and the other provider still works', async () => {
    expect(t.hub.sandboxes.xendit).toBeUndefined();
    expect(t.hub.sandboxes.midtrans).toBeDefined();
    const user = await t.createUser();
    const dana = await user.client.post('/api/payment/process', { method: 'dana', amountMinor: 5_000_000 }, { 'idempotency-key': 'dana-disabled-1' });
    expect(dana.status).toBe(503);
    expect(dana.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/xendit/) });
    expect(await t.hub.models.Payment.countDocuments({ method: 'dana' })).toBe(0);
    const qris = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 5_000_000 }, { 'idempotency-key': 'qris-enabled-1' });
    expect(qris.status).toBe(201);
    expect(qris.body.provider).toBe('midtrans');
  });

  it('refuses its webhooks: no callback token is configured for it, so none verifies', async () => {
    const before = await t.hub.models.WebhookEvent.countDocuments();
    const body = { event: 'ewallet.capture', data: { reference_id: 'x', status: 'SUCCEEDED' } };
    for (const token of ['', 'undefined', 'null']) {
      expect((await t.anonymous.post('/webhooks/xendit', body, { 'x-callback-token': token })).status).toBe(401);
    }
    expect(await t.hub.models.WebhookEvent.countDocuments()).toBe(before);
  });
});

describe('framework errors keep their status', () => {
  it('answers a body of the wrong media type with 415 UNSUPPORTED_MEDIA_TYPE, not 400', async () => {
    const res = await t.admin.post('/api/users', 'name=Budi', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', requestId: expect.any(String) });
  });
});

describe('stopping a hub', () => {
  it('stops a hub that never ran its jobs cleanly, once, however often stop() is called', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Stopped right after it is built: Agenda is still connecting its backend when the client closes.
      const quiet = await startTestHub({ runJobs: false });
      const first = quiet.hub.stop();
      expect(quiet.hub.stop()).toBe(first);
      await expect(first).resolves.toBeUndefined();
      await quiet.stop();
      // Give a rejection from a closed client a few turns to surface.
      await eventually(async () => unhandled.length, (n) => n > 0, 500);
      expect(unhandled.map((e) => (e as Error)?.name ?? String(e))).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('audit entries carry the request id', () => {
  it('records the request id of the call that made a payment, as for user creation', async () => {
    const user = await t.createUser();
    const res = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 2_000_000 }, { 'idempotency-key': 'audit-rid-1', 'x-request-id': 'pay-request-0001' });
    expect(res.status).toBe(201);
    const audit = await t.admin.get(`/api/admin/audit?action=payment.create&limit=100`);
    const entry = audit.body.entries.find((e: { target: { id: string } | null }) => e.target?.id === res.body.id);
    expect(entry).toMatchObject({ channel: 'api', actorUserId: user.id, requestId: 'pay-request-0001' });
  });
});
