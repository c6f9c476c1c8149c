/**
 * A validly signed notification is not proof of its status (issue 16 §1): every notification that would move
 * money or close a payment is confirmed with the provider (the simulators on loopback) before it is applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type ApiClient, type TestHub } from './harness.js';

let t: TestHub;
let user: { id: string; apiKey: string; client: ApiClient };
let keyCounter = 0;
const idem = () => ({ 'idempotency-key': `confirm-${Date.now()}-${++keyCounter}` });

beforeAll(async () => {
  // The outage test waits for the adapter's circuit breaker to let a call through again: 300 ms, not the default 15 s.
  t = await startTestHub({ env: { WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_RETRY_BASE_MS: '20', RATE_LIMIT_PER_MINUTE: '100000', PAYMENT_PROVIDER_BREAKER_RESET_MS: '300' } });
  user = await t.createUser('Confirmed');
});
afterAll(async () => t?.stop());

const events = (orderId: string) => t.hub.models.WebhookEvent.find({ orderId }).sort({ receivedAt: 1 }).lean();
const paymentOf = (id: string) => user.client.get(`/api/payment/${id}`);

describe('Midtrans: a settled payment replayed as a refund or a cancel', () => {
  it('stays settled, refunds nothing, tells the user nothing, and keeps the event unmatched with the reason', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 15_000_000 }, idem());
    await t.hub.sandboxes.midtrans!.settle(pay.body.orderId);
    await eventually(() => paymentOf(pay.body.id), (r) => r.body.status === 'success');
    const settlement = (await events(pay.body.orderId)).find((e) => JSON.parse(e.rawBody).transaction_status === 'settlement')!;
    const body = JSON.parse(settlement.rawBody);

    // Same order_id, status_code 200 and gross_amount: the signature still verifies.
    for (const forged of ['refund', 'cancel']) {
      const res = await t.anonymous.post('/webhooks/midtrans', { ...body, transaction_status: forged, transaction_id: `${body.transaction_id}-${forged}` });
      expect(res.status).toBe(200);
    }
    await t.hub.inboxProcessor.drain();

    const after = await paymentOf(pay.body.id);
    expect(after.body).toMatchObject({ status: 'success', refundedAmountMinor: 0 });
    const forgedEvents = (await events(pay.body.orderId)).filter((e) => ['refund', 'cancel'].includes(JSON.parse(e.rawBody).transaction_status));
    expect(forgedEvents).toHaveLength(2);
    for (const e of forgedEvents) {
      expect(e.status).toBe('unmatched');
      expect(e.outcome).toMatch(/^unconfirmed: midtrans says settlement \(success\), the notification says (refund|cancel)/);
    }
    const notes = await user.client.get('/api/notifications');
    expect(notes.body.notifications.filter((n: { kind: string; data: { paymentId: string } }) => n.data?.paymentId === pay.body.id).map((n: { kind: string }) => n.kind)).toEqual(['payment.success']);
    const audit = await t.admin.get('/api/admin/audit?action=payment.event.unconfirmed');
    expect(audit.body.entries.filter((e: { target: { id: string } }) => e.target.id === pay.body.id)).toHaveLength(2);
    const metrics = await t.anonymous.get('/metrics');
    expect(metrics.body).toMatch(/hub_payment_event_confirmations_total\{provider="midtrans",result="contradicted"\} [2-9]/);
  });

  it('applies what the provider says when a late settlement arrives after the refund: stale, not forged', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 8_000_000 }, idem());
    const midtrans = t.hub.sandboxes.midtrans!;
    midtrans.setDeliveryMode({ outOfOrder: true });
    try {
      await midtrans.settle(pay.body.orderId);
      await midtrans.refund(pay.body.orderId);
    } finally {
      midtrans.setDeliveryMode({ outOfOrder: false });
    }
    const refunded = await eventually(() => paymentOf(pay.body.id), (r) => r.body.status === 'refunded');
    expect(refunded.body).toMatchObject({ status: 'refunded', refundedAmountMinor: 8_000_000 });
    await t.hub.inboxProcessor.drain();
    expect((await events(pay.body.orderId)).every((e) => e.status !== 'unmatched')).toBe(true);
  });

  it('waits out a status API outage on its own schedule instead of parking the event as dead', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_bni', amountMinor: 12_000_000 }, idem());
    const midtrans = t.hub.sandboxes.midtrans!;
    midtrans.injectFaults({ mode: 'http503', count: 1000, paths: /\/status$/ });
    try {
      await midtrans.settle(pay.body.orderId);
      // More failed confirmations than WEBHOOK_MAX_ATTEMPTS (2) allows failures: still waiting, not dead.
      const waiting = await eventually(
        async () => (await events(pay.body.orderId)).find((e) => JSON.parse(e.rawBody).transaction_status === 'settlement'),
        (e) => (e?.confirmAttempts ?? 0) >= 3,
      );
      expect(waiting).toMatchObject({ status: expect.stringMatching(/failed|processing/), lastError: expect.stringMatching(/could not confirm/) });
      expect(waiting!.confirmRetryUntil!.getTime() - waiting!.receivedAt.getTime()).toBeGreaterThanOrEqual(30 * 60_000);
      expect((await paymentOf(pay.body.id)).body.status).toBe('pending');
    } finally {
      midtrans.injectFaults({ mode: 'http503', count: 0, paths: /\/status$/ });
    }
    // The provider is back. The adapter's circuit breaker, opened by the outage, lets a call through again after
    // PAYMENT_PROVIDER_BREAKER_RESET_MS, and the event's next confirmation attempt settles the payment.
    const settled = await eventually(() => paymentOf(pay.body.id), (r) => r.body.status === 'success');
    expect(settled.body.status).toBe('success');
  });
});

describe('Xendit callbacks', () => {
  it('settles a virtual account only after the VA payment lookup proves the payment', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_bri', amountMinor: 9_000_000, provider: 'xendit' }, idem());
    expect(pay.status).toBe(201);
    await t.hub.sandboxes.xendit!.complete(pay.body.orderId);
    const settled = await eventually(() => paymentOf(pay.body.id), (r) => r.body.status === 'success');
    expect(settled.body.status).toBe('success');
  });

  it('does not settle on a callback claiming a VA payment the provider does not have', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 7_000_000, provider: 'xendit' }, idem());
    const vaId = String(pay.body.providerRef ?? '').replace(/^va:/, '') || 'unknown';
    const forged = { id: 'f1', payment_id: 'pay-forged-1', callback_virtual_account_id: vaId, external_id: pay.body.orderId, account_number: pay.body.instructions.vaNumber, bank_code: 'BCA', amount: 70_000, transaction_timestamp: new Date().toISOString() };
    const res = await t.anonymous.post('/webhooks/xendit', forged, { 'x-callback-token': t.hub.webhookSecrets.xenditCallbackToken! });
    expect(res.status).toBe(200);
    await t.hub.inboxProcessor.drain();
    expect((await paymentOf(pay.body.id)).body.status).toBe('pending');
    const [event] = await events(pay.body.orderId);
    expect(event).toMatchObject({ status: 'unmatched', outcome: expect.stringMatching(/^unconfirmed: xendit has no such payment/) });
  });

  it('does not settle on an e-wallet callback naming a charge the provider does not have', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'dana', amountMinor: 5_000_000, provider: 'xendit' }, idem());
    const forged = { event: 'ewallet.capture', created: new Date().toISOString(), data: { id: 'ewc_forged', reference_id: pay.body.orderId, status: 'SUCCEEDED', currency: 'IDR', charge_amount: 50_000, capture_amount: 50_000 } };
    await t.anonymous.post('/webhooks/xendit', forged, { 'x-callback-token': t.hub.webhookSecrets.xenditCallbackToken! });
    await t.hub.inboxProcessor.drain();
    // The stored charge's own id is looked up, not the callback's: Xendit says it is still pending.
    expect((await paymentOf(pay.body.id)).body.status).toBe('pending');
    const [event] = await events(pay.body.orderId);
    expect(event.status).toBe('unmatched');
    expect(event.outcome).toMatch(/^unconfirmed: xendit says/);
  });
});
