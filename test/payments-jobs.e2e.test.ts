/**
 * The background side of payments: scheduled charges, batches, recurring runs, crash recovery of the webhook
 * inbox, dead-lettering and replay, refunds and reconciliation by status poll.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type ApiClient, type TestHub } from './harness.js';

// These tests feed hand-made signed bodies to the state machine (orders, duplicates, refunds the simulator never
// made), so the provider confirmation is off here; test/payments-confirmation.e2e.test.ts covers it.
const TRUST_BODIES = { PAYMENT_CONFIRM_NOTIFICATIONS: 'false' };
let t: TestHub;
let user: { id: string; apiKey: string; client: ApiClient };
let keyCounter = 0;
const idem = () => ({ 'idempotency-key': `jobs-key-${Date.now()}-${++keyCounter}` });

beforeAll(async () => {
  t = await startTestHub({ env: { ...TRUST_BODIES, WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_RETRY_BASE_MS: '50' } });
  user = await t.createUser('Scheduler');
});
afterAll(async () => t?.stop());


const signed = (orderId: string, status: string, code: string, gross: string, key: string) => ({
  order_id: orderId,
  status_code: code,
  gross_amount: gross,
  transaction_status: status,
  transaction_id: `tx-${orderId}-${status}`,
  transaction_time: '2026-11-25 09:00:00',
  payment_type: 'bank_transfer',
  currency: 'IDR',
  signature_key: createHash('sha512').update(orderId + code + gross + key).digest('hex'),
});

describe('scheduled payments', () => {
  it('records a future payment as scheduled and charges it when its time comes', async () => {
    const runAt = new Date(Date.now() + 1500).toISOString();
    const res = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 10_000_000, runAt }, idem());
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('scheduled');
    expect(res.body.instructions).toBeNull();
    const charged = await eventually(() => user.client.get(`/api/payment/${res.body.id}`), (r) => r.body.status === 'pending' && r.body.instructions);
    expect(charged.body.status).toBe('pending');
    expect(charged.body.instructions.vaNumber).toEqual(expect.any(String));
  });

  it('cancels a scheduled payment before it runs, and it is never charged', async () => {
    const runAt = new Date(Date.now() + 60_000).toISOString();
    const res = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 10_000_000, runAt }, idem());
    const cancelled = await user.client.post(`/api/payment/${res.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await user.client.post(`/api/payment/${res.body.id}/cancel`)).status).toBe(409);
    expect(await t.hub.connection.db!.collection('agendaJobs').countDocuments({ name: 'payments.charge', 'data.paymentId': res.body.id })).toBe(0);
  });
});

describe('batch payments', () => {
  it('rejects a batch with any invalid item, naming the item and field, and stores nothing', async () => {
    const before = await t.hub.models.PaymentBatch.countDocuments();
    const items = [
      { method: 'va_bca', amountMinor: 10_000_000 },
      { method: 'ovo', amountMinor: 5_000_000 },
    ];
    const res = await user.client.post('/api/payment/batch', { items }, idem());
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain('items.1.mobileNumber');
    expect(await t.hub.models.PaymentBatch.countDocuments()).toBe(before);
  });

  it('makes every item exactly once, even when the batch job runs again after a crash', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ method: i % 2 ? 'va_bni' : 'qris', amountMinor: (100 + i) * 100_000, description: `Item ${i}` }));
    const headers = idem();
    const res = await user.client.post('/api/payment/batch', { items }, headers);
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(12);
    const done = await eventually(() => user.client.get(`/api/payment/batch/${res.body.id}`), (r) => r.body.status === 'completed');
    expect(done.body.counts.pending).toBe(12);
    expect(new Set(done.body.items.map((i: { paymentId: string }) => i.paymentId)).size).toBe(12);

    // A process that died midway leaves the batch "processing"; the job runs it again, twice at once even.
    await t.hub.models.PaymentBatch.updateOne({ _id: res.body.id }, { $set: { status: 'processing' } });
    await Promise.all([t.hub.services.paymentBatches.process(res.body.id), t.hub.services.paymentBatches.process(res.body.id)]);
    expect(await t.hub.models.Payment.countDocuments({ 'origin.batchId': res.body.id })).toBe(12);
    const orderIds = (await t.hub.models.Payment.find({ 'origin.batchId': res.body.id }).lean()).map((p) => p.orderId);
    const charges = t.hub.sandboxes.midtrans!.transactions.filter((tx: { order_id?: string; orderId?: string }) => orderIds.includes(tx.order_id ?? tx.orderId ?? ''));
    expect(charges).toHaveLength(12);

    const replay = await user.client.post('/api/payment/batch', { items }, headers);
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(res.body.id);
  });

  it('sends a charge once even when two processes try to charge the same payment at the same moment', async () => {
    const actor = { userId: user.id, role: 'user' as const, channel: 'job' as const };
    const { payment } = await t.hub.services.payments.create(actor, { method: 'va_bca', amountMinor: 10_000_000, currency: 'IDR' }, { dedupeKey: `test:race:${Date.now()}`, origin: { kind: 'api' }, chargeNow: false });
    const before = t.hub.sandboxes.midtrans!.chargeRequests;
    const [a, b] = await Promise.all([t.hub.services.payments.charge(payment.id), t.hub.services.payments.charge(payment.id)]);
    expect(t.hub.sandboxes.midtrans!.chargeRequests - before).toBe(1);
    expect([a.status, b.status]).toEqual(['pending', 'pending']);
    const stored = await t.hub.models.Payment.findById(payment.id).lean();
    expect(stored).toMatchObject({ chargeState: 'accepted', instructions: { kind: 'virtual_account' } });
  });

  it('refuses more than 1,000 items', async () => {
    const items = Array.from({ length: 1001 }, () => ({ method: 'qris', amountMinor: 1_000_000 }));
    const res = await user.client.post('/api/payment/batch', { items }, idem());
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe('items');
  });
});

describe('recurring payments', () => {
  it('schedules runs in Asia/Jakarta, makes one payment per run even if the run job repeats, and stops on cancel', async () => {
    const startAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await user.client.post('/api/payment/recurring', {
      payment: { method: 'va_mandiri', amountMinor: 50_000_000, description: 'Cicilan motor' },
      recurrence: { frequency: 'monthly', dayOfMonth: 31, time: '09:00' },
      startAt,
      maxRuns: 12,
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('active');
    expect(res.body.upcoming).toHaveLength(3);
    for (const at of res.body.upcoming) expect(at).toMatch(/T09:00:00\+07:00$/);
    const job = await t.hub.connection.db!.collection('agendaJobs').findOne({ name: 'payments.recurring-run', 'data.recurringId': res.body.id });
    expect(job?.data.runIndex).toBe(0);

    // Run 0 by hand (as the job would at its time), twice: one payment.
    await t.hub.services.recurringPayments.run(res.body.id, 0, 1);
    await t.hub.services.recurringPayments.run(res.body.id, 0, 1);
    expect(await t.hub.models.Payment.countDocuments({ 'origin.recurringId': res.body.id })).toBe(1);
    const after = await user.client.get('/api/payment/recurring');
    const mine = after.body.recurring.find((r: { id: string }) => r.id === res.body.id);
    expect(mine.runsMade).toBe(1);
    expect(mine.lastRun.status).toBe('pending');
    expect(await t.hub.connection.db!.collection('agendaJobs').countDocuments({ name: 'payments.recurring-run', 'data.recurringId': res.body.id, 'data.runIndex': 1 })).toBe(1);

    const cancelled = await user.client.delete(`/api/payment/recurring/${res.body.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await t.hub.connection.db!.collection('agendaJobs').countDocuments({ name: 'payments.recurring-run', 'data.recurringId': res.body.id, 'data.runIndex': 1 })).toBe(0);
    await t.hub.services.recurringPayments.run(res.body.id, 1, 1);
    expect(await t.hub.models.Payment.countDocuments({ 'origin.recurringId': res.body.id })).toBe(1);
    const other = await t.createUser('Stranger');
    expect((await other.client.delete(`/api/payment/recurring/${res.body.id}`)).status).toBe(404);
  });

  it('retries a failed run per its policy, then tells the user and moves on to the next run', async () => {
    const res = await user.client.post('/api/payment/recurring', {
      payment: { method: 'qris', amountMinor: 2_000_000, description: 'Iuran RT' },
      recurrence: { frequency: 'daily', time: '07:30' },
      maxRuns: 3,
      retry: { maxRetries: 1, baseDelayMs: 1000 },
    });
    expect(res.status).toBe(201);
    const midtrans = t.hub.sandboxes.midtrans!;
    midtrans.injectFaults({ mode: 'decline', count: 2, paths: /charge/ });
    // Attempt 1 fails and asks to be retried (the job's backoff takes it from there)…
    await expect(t.hub.services.recurringPayments.run(res.body.id, 0, 1)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    // …attempt 2 fails too: the policy is spent, the user hears about it, and run 1 is scheduled.
    await t.hub.services.recurringPayments.run(res.body.id, 0, 2);
    const made = await t.hub.models.Payment.find({ 'origin.recurringId': res.body.id }).lean();
    expect(made.map((p) => p.status)).toEqual(['failed', 'failed']);
    const notes = await user.client.get('/api/notifications');
    const failedRun = notes.body.notifications.find((n: { kind: string; data: { recurringId: string } }) => n.kind === 'payment.recurring.failed' && n.data.recurringId === res.body.id);
    expect(failedRun.body).toMatch(/failed after 2 attempts/);
    const after = (await user.client.get('/api/payment/recurring')).body.recurring.find((r: { id: string }) => r.id === res.body.id);
    expect(after).toMatchObject({ runsMade: 1, status: 'active', lastRun: { status: 'failed' } });
    expect(await t.hub.connection.db!.collection('agendaJobs').countDocuments({ name: 'payments.recurring-run', 'data.recurringId': res.body.id, 'data.runIndex': 1 })).toBe(1);
  });

  it('rejects a bad schedule naming the field', async () => {
    const res = await user.client.post('/api/payment/recurring', {
      payment: { method: 'qris', amountMinor: 1_000_000 },
      recurrence: { frequency: 'weekly', dayOfWeek: 9, time: '25:00' },
    });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields.some((f: string) => f.startsWith('recurrence'))).toBe(true);
  });
});

describe('inbox durability', () => {
  it('applies a stored event after a restart when the process died before applying it', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_bri', amountMinor: 15_000_000 }, idem());
    // A second hub on the same database whose processor is not running: it stores but never applies.
    const stalled = await startTestHub({ dbName: t.dbName, dataDir: t.dataDir, runJobs: false, env: TRUST_BODIES });
    await t.hub.inboxProcessor.stop();
    try {
      // Sign for the stalled hub that receives it (same DATA_DIR, so the same sandbox keys, which DATA_DIR keeps).
      const forStalled = signed(pay.body.orderId, 'settlement', '200', '150000.00', stalled.hub.webhookSecrets.midtransServerKey);
      expect(stalled.hub.webhookSecrets.midtransServerKey).toBe(t.hub.webhookSecrets.midtransServerKey);
      const res = await stalled.anonymous.post('/webhooks/midtrans', forStalled);
      expect(res.status).toBe(200);
      const stored = await t.hub.models.WebhookEvent.findOne({ orderId: pay.body.orderId }).lean();
      expect(stored?.status).toBe('received');
      await stalled.hub.stop();
    } finally {
      t.hub.inboxProcessor.start();
    }
    const settled = await eventually(() => user.client.get(`/api/payment/${pay.body.id}`), (r) => r.body.status === 'success');
    expect(settled.body.status).toBe('success');
  });

  it('parks an event that keeps failing as dead, and an admin replay applies it', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_bri', amountMinor: 16_000_000 }, idem());
    // No handler for this kind yet: every attempt fails, like a bug or an outage would.
    const { id } = await t.hub.services.webhookInbox.store({
      provider: 'midtrans',
      kind: 'payment-v2',
      eventKey: `test-dead-${pay.body.orderId}`,
      rawBody: '{}',
      normalized: { provider: 'midtrans', eventKey: 'k', orderId: pay.body.orderId, status: 'success', providerStatus: 'settlement', occurredAt: new Date().toISOString() },
      orderId: pay.body.orderId,
    });
    t.hub.inboxProcessor.kick();
    const dead = await eventually(() => t.admin.get('/api/admin/webhooks?status=dead'), (r) => r.body.events.some((e: { id: string }) => e.id === id));
    const event = dead.body.events.find((e: { id: string }) => e.id === id);
    expect(event).toMatchObject({ attempts: 2, lastError: expect.stringMatching(/no handler/) });

    t.hub.services.webhookInbox.registerHandler('payment-v2', (e) => t.hub.services.webhookInbox['handlers'].get('payment')!(e));
    const replay = await t.admin.post(`/api/admin/webhooks/${id}/replay`);
    expect(replay.status).toBe(202);
    const settled = await eventually(() => user.client.get(`/api/payment/${pay.body.id}`), (r) => r.body.status === 'success');
    expect(settled.body.status).toBe('success');
    const audit = await t.admin.get('/api/admin/audit?action=webhook.replay');
    expect(audit.body.entries[0].target.id).toBe(id);
  });
});

describe('provider outages', () => {
  it('records the payment when Midtrans does not answer, says so, and settles the question by polling', async () => {
    t.hub.sandboxes.midtrans!.injectFaults({ mode: 'http503', count: 1, paths: /charge/ });
    const headers = idem();
    const res = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 10_000_000 }, headers);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('PROVIDER_UNAVAILABLE');
    const recorded = await t.hub.models.Payment.findOne({ dedupeKey: `idem:${user.id}:${headers['idempotency-key']}` }).lean();
    expect(recorded).toMatchObject({ status: 'pending', chargeState: 'unknown' });
    // The retry with the same key shows the recorded payment; it is not charged a second time.
    const retry = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 10_000_000 }, headers);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id: String(recorded!._id), chargeState: 'unknown' });
    // The follow-up asks Midtrans, which never saw the charge: the payment fails cleanly.
    await t.hub.services.payments.reconcileById(String(recorded!._id));
    const after = await user.client.get(`/api/payment/${recorded!._id}`);
    expect(after.body).toMatchObject({ status: 'failed', failureReason: 'the provider never received the charge' });
    expect(t.hub.sandboxes.midtrans!.transactions.some((tx) => tx.order_id === recorded!.orderId)).toBe(false);
  });

  it('marks a refused charge as failed and answers 502', async () => {
    t.hub.sandboxes.midtrans!.injectFaults({ mode: 'decline', count: 1, paths: /charge/ });
    const res = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 1_000_000 }, idem());
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'PROVIDER_REJECTED', message: expect.stringMatching(/not activated/) });
    const failed = await t.hub.models.Payment.findOne({}, null, { sort: { createdAt: -1 } }).lean();
    expect(failed).toMatchObject({ status: 'failed', chargeState: 'rejected' });
  });
});

describe('refunds and reconciliation', () => {
  it('refunds in part, then in full, and refuses more than was paid', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 10_000_000 }, idem());
    await t.hub.sandboxes.midtrans!.settle(pay.body.orderId);
    await eventually(() => user.client.get(`/api/payment/${pay.body.id}`), (r) => r.body.status === 'success');
    const partial = await user.client.post(`/api/payment/${pay.body.id}/refund`, { amountMinor: 4_000_000, reason: 'Sebagian' });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ status: 'partially_refunded', refundedAmountMinor: 4_000_000 });
    const tooMuch = await user.client.post(`/api/payment/${pay.body.id}/refund`, { amountMinor: 7_000_000 });
    expect(tooMuch.status).toBe(400);
    const rest = await user.client.post(`/api/payment/${pay.body.id}/refund`, {});
    expect(rest.body).toMatchObject({ status: 'refunded', refundedAmountMinor: 10_000_000 });
  });

  it('finds out by polling when a webhook never comes', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 10_000_000 }, idem());
    // The notification goes to a port nobody listens on: lost, as when the hub was unreachable.
    t.hub.sandboxes.midtrans!.setNotificationUrl('http://127.0.0.1:9/webhooks/midtrans');
    try {
      await t.hub.sandboxes.midtrans!.settle(pay.body.orderId);
    } finally {
      t.hub.sandboxes.midtrans!.setNotificationUrl(`${t.url}/webhooks/midtrans`);
    }
    await t.hub.models.Payment.updateOne({ _id: pay.body.id }, { $set: { expiresAt: new Date(Date.now() - 10 * 60_000) } });
    const result = await t.hub.services.payments.reconcileStale();
    expect(result.changed).toBeGreaterThanOrEqual(1);
    const after = await user.client.get(`/api/payment/${pay.body.id}`);
    expect(after.body.status).toBe('success');
    expect(after.body.history.at(-1).source).toBe('poll');
  });
});
