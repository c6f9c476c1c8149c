/**
 * Webhook intake throughput: signed Midtrans notifications/s through POST /webhooks/midtrans (verify + normalise +
 * store + ack, with the hub's full middleware) against a bare Hono handler that only does the same insert into the
 * same collection on the same database, in the same run. Target: ratio >= 0.7.
 *
 *   npx tsx bench/webhook-intake.bench.ts            (BENCH_EVENTS=3000 BENCH_CONCURRENCY=16 to change the load)
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createHub } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';
import { resolveDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/lib/logger.js';
import { runIfMain } from './main.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

export async function run() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'swh-bench-'));
  const database = await resolveDatabase({ uri: process.env.MONGODB_URI, allowDownload: false, log: () => {} });
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1', SANDBOX_SETTLE_MS: '0', RATE_LIMIT_PER_MINUTE: '1000000' });
  const hub = await createHub({ config, database, dbName: `bench_${randomBytes(4).toString('hex')}`, logger: createLogger({ level: 'silent' }), runJobs: false });
  const { url: hubUrl } = await hub.listen(0, '127.0.0.1');

  // The baseline: parse the body and insert the same document, nothing else.
  const bare = new Hono();
  bare.post('/bare', async (c) => {
    const raw = await c.req.text();
    const body = JSON.parse(raw) as { order_id: string; transaction_status: string; status_code: string };
    const now = new Date();
    await hub.models.WebhookEvent.create({
      provider: 'bare',
      kind: 'payment',
      eventKey: `bare:${body.order_id}:${body.transaction_status}:${body.status_code}`,
      status: 'received',
      receivedAt: now,
      rawBody: raw,
      normalized: body,
      orderId: body.order_id,
      attempts: 0,
      nextAttemptAt: now,
      deliveries: 1,
    });
    return c.json({ received: true });
  });
  const bareServer = await new Promise<{ url: string; close: () => void }>((resolve) => {
    const s = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, close: () => s.close() }));
  });

  const serverKey = hub.webhookSecrets.midtransServerKey;
  const makeBodies = (tag: string) =>
    Array.from({ length: EVENTS }, (_, i) => {
      const orderId = `BENCH-${tag}-${i}`;
      const gross = '150000.00';
      return JSON.stringify({
        transaction_time: '2026-11-25 10:00:00',
        transaction_status: 'settlement',
        transaction_id: `tx-${tag}-${i}`,
        status_code: '200',
        signature_key: createHash('sha512').update(`${orderId}200${gross}${serverKey}`).digest('hex'),
        payment_type: 'bank_transfer',
        order_id: orderId,
        gross_amount: gross,
        fraud_status: 'accept',
        currency: 'IDR',
        va_numbers: [{ bank: 'bca', va_number: '12345678901' }],
      });
    });

  const fire = async (url: string, bodies: string[]) => {
    let next = 0;
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await res.arrayBuffer();
          if (res.status !== 200) failures++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (failures) throw new Error(`${failures} requests failed against ${url}`);
    return bodies.length / seconds;
  };

  try {
    // Warm both paths, then alternate so drift in the machine hits both alike.
    await fire(`${hubUrl}/webhooks/midtrans`, makeBodies('warm-hub').slice(0, 300));
    await fire(`${bareServer.url}/bare`, makeBodies('warm-bare').slice(0, 300));
    const hubRates: number[] = [];
    const bareRates: number[] = [];
    for (const round of [1, 2]) {
      hubRates.push(await fire(`${hubUrl}/webhooks/midtrans`, makeBodies(`hub${round}`)));
      bareRates.push(await fire(`${bareServer.url}/bare`, makeBodies(`bare${round}`)));
    }
    const hubPerSecond = Math.max(...hubRates);
    const barePerSecond = Math.max(...bareRates);
    const stored = await hub.models.WebhookEvent.countDocuments({ provider: 'midtrans' });
    const ratio = hubPerSecond / barePerSecond;
    return {
      bench: 'webhook-intake',
      database: database.kind,
      events: EVENTS,
      concurrency: CONCURRENCY,
      hubPerSecond: Math.round(hubPerSecond),
      barePerSecond: Math.round(barePerSecond),
      ratio: Math.round(ratio * 1000) / 1000,
      target: 0.7,
      ratioOk: ratio >= 0.7,
      storedExactlyOnce: stored === EVENTS * 2 + 300,
    };
  } finally {
    bareServer.close();
    await hub.connection.dropDatabase().catch(() => {});
    await hub.stop();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
