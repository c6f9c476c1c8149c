/**
 * Payments when things happen in the wrong order or go wrong halfway: refunds that overtake settlements,
 * notifications that land before the charge answer, charges that time out inside recurring runs, batches with a
 * bad item, money that moves on a payment we hold as final. Each case here was once a real defect.
 *
 * Every notification is confirmed with the provider before it is applied, as in production: the simulators are
 * driven into the state a test needs (their "quietly" hooks change state without notifying, for a test that
 * delivers the notification itself, late or out of order), so their status APIs agree with what arrives.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.js';
import { eventually, startTestHub, type ApiClient, type TestHub } from './harness.js';

// Time passes when a test says so, instead of stored dates being rewritten.
const clock = new ManualClock();
let t: TestHub;
let user: { id: string; apiKey: string; client: ApiClient };
let n = 0;
const idem = () => ({ 'idempotency-key': `resilience-${Date.now()}-${++n}` });
const CARD_TOKEN = 'sandbox-card-token-4811-1111-1111-1114';

/** A notification signed with the server key, for a state the simulator cannot hold (see its one use). */
function midtransNotification(orderId: string, status: string, statusCode: string, gross: string, extra: Record<string, unknown> = {}) {
  const signature = createHash('sha512').update(orderId + statusCode + gross + t.hub.webhookSecrets.midtransServerKey).digest('hex');
  return {
    order_id: orderId,
    status_code: statusCode,
    gross_amount: gross,
    transaction_status: status,
    transaction_id: `tx-${orderId}`,
    transaction_time: '2026-11-25 09:00:00',
    payment_type: 'bank_transfer',
    currency: 'IDR',
    fraud_status: 'accept',
    signature_key: signature,
    ...extra,
  };
}

async function deliver(body: unknown) {
  const res = await t.anonymous.post('/webhooks/midtrans', body);
  expect(res.status).toBe(200);
  await t.hub.inboxProcessor.drain();
}

/** Applies what a simulator control just sent (each control returns once the hub has taken its notification). */
const applyNotifications = () => t.hub.inboxProcessor.drain();

/**
 * The hub was down from now until halfway between run `index` and the one after it: run `index` (and any before
 * it) is due when it is back, the next is not. `upcoming` is the recurring payment's view of its first runs.
 */
async function downUntilAfterRun(recurring: { upcoming: string[] }, index: number) {
  const due = new Date(recurring.upcoming[index]).getTime();
  const next = new Date(recurring.upcoming[index + 1]).getTime();
  await clock.advance((due + next) / 2 - clock.now().getTime());
}

/** A daily Rp100.000 BCA VA recurring payment at 07:30 Jakarta; `extra` overrides or adds fields. */
function createDailyRecurring(description: string, extra: Record<string, unknown> = {}) {
  return user.client.post('/api/payment/recurring', {
    payment: { method: 'va_bca', amountMinor: 10_000_000, description },
    recurrence: { frequency: 'daily', time: '07:30' },
    ...extra,
  });
}

beforeAll(async () => {
  // Polling for asynchronous effects makes many reads; the per-key rate limit has its own test.
  t = await startTestHub({ env: { WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_RETRY_BASE_MS: '50', RATE_LIMIT_PER_MINUTE: '100000', SANDBOX_PROVIDER_TIMEOUT_MS: '1000' }, hubOptions: { clock } });
  user = await t.createUser('Resilience');
});
afterAll(async () => t?.stop());

describe('events in the wrong order', () => {
  it('applies a refund that arrives before the settlement: paid first, then refunded, never dropped', async () => {
    // GoPay: Midtrans refunds it (a VA payment it does not).
    const pay = await user.client.post('/api/payment/process', { method: 'gopay', amountMinor: 20_000_000 }, idem());
    expect(pay.status).toBe(201);
    const midtrans = t.hub.sandboxes.midtrans!;
    // Paid, then refunded in full; the settlement's notification is still being retried when the refund's arrives.
    await midtrans.settleQuietly(pay.body.orderId);
    const settlement = midtrans.notificationFor(pay.body.orderId);
    await midtrans.refundQuietly(pay.body.orderId);
    await deliver(midtrans.notificationFor(pay.body.orderId));
    await deliver(settlement);

    const after = await user.client.get(`/api/payment/${pay.body.id}`);
    expect(after.body).toMatchObject({ status: 'refunded', refundedAmountMinor: 20_000_000 });
    expect(after.body.history.map((h: { to: string }) => h.to)).toEqual(['pending', 'success', 'refunded']);
    expect(after.body.settledAt).not.toBeNull();
    const events = await t.hub.models.WebhookEvent.find({ orderId: pay.body.orderId }).lean();
    expect(events.map((e) => [e.normalized.providerStatus, e.status]).sort()).toEqual([
      ['refund', 'applied'],
      ['settlement', 'ignored'],
    ]);
  });

  it('applies two partial refunds as two events that add up to the total Midtrans reports', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 30_000_000 }, idem());
    const midtrans = t.hub.sandboxes.midtrans!;
    await midtrans.settle(pay.body.orderId);
    await applyNotifications();
    // Each refund is applied before the next is made (otherwise the first one's confirmation already reads the
    // total of both, and the second has nothing left to add).
    await midtrans.refund(pay.body.orderId, 50_000);
    await applyNotifications();
    expect((await user.client.get(`/api/payment/${pay.body.id}`)).body.refundedAmountMinor).toBe(5_000_000);
    await midtrans.refund(pay.body.orderId, 70_000);
    await applyNotifications();
    const after = await user.client.get(`/api/payment/${pay.body.id}`);
    expect(after.body).toMatchObject({ status: 'partially_refunded', refundedAmountMinor: 12_000_000 });
    const refundEvents = (await t.hub.models.WebhookEvent.find({ orderId: pay.body.orderId, 'normalized.providerStatus': 'partial_refund' }).lean()).map((e) => e.status);
    expect(refundEvents).toEqual(['applied', 'applied']);
  });

  it('reads a Midtrans cancel after a card capture as a void: refunded in full', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'card', amountMinor: 5_000_000, cardToken: CARD_TOKEN }, idem());
    const midtrans = t.hub.sandboxes.midtrans!;
    await midtrans.complete3ds(pay.body.orderId);
    await applyNotifications();
    expect((await user.client.get(`/api/payment/${pay.body.id}`)).body.status).toBe('success');
    // Cancelled before the capture settled: Midtrans voids it.
    await midtrans.cancel(pay.body.orderId);
    await applyNotifications();
    const after = await user.client.get(`/api/payment/${pay.body.id}`);
    expect(after.body).toMatchObject({ status: 'refunded', refundedAmountMinor: 5_000_000 });
    expect(after.body.history.at(-1).note).toMatch(/voided/);
  });

  it('waits on a card capture the fraud system challenged, and settles it when the review accepts it', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'card', amountMinor: 6_000_000, cardToken: CARD_TOKEN }, idem());
    const midtrans = t.hub.sandboxes.midtrans!;
    await midtrans.complete3ds(pay.body.orderId, { fraudStatus: 'challenge' });
    await applyNotifications();
    expect((await user.client.get(`/api/payment/${pay.body.id}`)).body.status).toBe('pending');
    await midtrans.reviewChallenge(pay.body.orderId, 'accept');
    await applyNotifications();
    expect((await user.client.get(`/api/payment/${pay.body.id}`)).body.status).toBe('success');
  });

  it('fails a challenged capture that the review denies', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'card', amountMinor: 6_100_000, cardToken: CARD_TOKEN }, idem());
    const midtrans = t.hub.sandboxes.midtrans!;
    await midtrans.complete3ds(pay.body.orderId, { fraudStatus: 'challenge' });
    await midtrans.reviewChallenge(pay.body.orderId, 'deny');
    await applyNotifications();
    expect((await user.client.get(`/api/payment/${pay.body.id}`)).body.status).toBe('failed');
  });

  it('keeps a settlement for a payment held as failed as unmatched, and does not revive the payment', async () => {
    t.hub.sandboxes.midtrans!.injectFaults({ mode: 'decline', count: 1, paths: /charge/ });
    const pay = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 10_000_000 }, idem());
    expect(pay.status).toBe(502);
    const stored = await t.hub.models.Payment.findOne({ userId: new Types.ObjectId(user.id) }).sort({ createdAt: -1 }).lean();
    expect(stored?.status).toBe('failed');
    // Midtrans never pays a charge it refused, so the simulator cannot hold this: the body is made by hand. It is
    // set aside for a person on what it claims, before the provider is asked anything.
    await deliver(midtransNotification(stored!.orderId, 'settlement', '200', '100000.00'));
    const event = await t.hub.models.WebhookEvent.findOne({ orderId: stored!.orderId }).lean();
    expect(event).toMatchObject({ status: 'unmatched', outcome: 'paid-after-final' });
    expect((await t.hub.models.Payment.findById(stored!._id).lean())?.status).toBe('failed');
  });

  it('keeps the VA number when the pending notification is applied before the charge answer is stored', async () => {
    const payments = t.hub.services.payments as unknown as { deps: { providers: Map<string, any> } };
    const real = payments.deps.providers.get('midtrans');
    // Midtrans notifies `pending` as soon as it creates the charge; here the inbox applies it before the adapter
    // has even returned to the service.
    const notifyingFirst = Object.create(real, {
      charge: {
        value: async (request: { orderId: string }) => {
          const result = await real.charge(request);
          await deliver(t.hub.sandboxes.midtrans!.notificationFor(request.orderId));
          return result;
        },
      },
    });
    payments.deps.providers.set('midtrans', notifyingFirst);
    try {
      const res = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 15_000_000 }, idem());
      expect(res.status).toBe(201);
      expect(res.body.instructions).toMatchObject({ kind: 'virtual_account', vaNumber: expect.stringMatching(/^\d+$/) });
      expect(res.body.chargeState).toBe('accepted');
    } finally {
      payments.deps.providers.set('midtrans', real);
    }
  });
});

describe('processing', () => {
  it('reads a garbled charge answer as an unknown outcome and finds the charge by polling, not by charging again', async () => {
    const midtrans = t.hub.sandboxes.midtrans!;
    midtrans.injectFaults({ mode: 'bad_json', count: 1, paths: /charge/ });
    const res = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 9_000_000 }, idem());
    expect(res.status).toBe(503);
    const stored = await t.hub.models.Payment.findOne({ userId: new Types.ObjectId(user.id) }).sort({ createdAt: -1 }).lean();
    expect(stored).toMatchObject({ status: 'pending', chargeState: 'unknown' });
    // The fault answered before the simulator saw the charge: the poll finds nothing there and fails it.
    const before = midtrans.chargeRequests;
    await t.hub.services.payments.reconcileById(String(stored!._id));
    expect((await user.client.get(`/api/payment/${stored!._id}`)).body).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/never received/) });
    expect(midtrans.chargeRequests).toBe(before);
  });

  it('reads a charge answer with a wrong-typed field as a 502 naming the field, and adopts the charge by polling', async () => {
    const midtrans = t.hub.sandboxes.midtrans!;
    // The simulator makes the charge; only its answer is off (a VA number as a number, not text).
    midtrans.injectFaults({ mode: 'malformed', count: 1, paths: /charge/, field: 'va_numbers.0.va_number' });
    const res = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 9_100_000 }, idem());
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'PROVIDER_BAD_RESPONSE', details: { provider: 'midtrans', issues: [{ field: 'va_numbers.0.va_number', reason: expect.stringContaining('expected string') }] } });
    const stored = await t.hub.models.Payment.findOne({ userId: new Types.ObjectId(user.id) }).sort({ createdAt: -1 }).lean();
    // It may exist at Midtrans: never failed, never charged again, looked up.
    expect(stored).toMatchObject({ status: 'pending', chargeState: 'unknown' });
    const before = midtrans.chargeRequests;
    await t.hub.services.payments.reconcileById(String(stored!._id));
    expect((await t.hub.models.Payment.findById(stored!._id).lean())).toMatchObject({ status: 'pending', chargeState: 'accepted', providerRef: expect.any(String) });
    expect(midtrans.chargeRequests).toBe(before);
  });

  it('answers a retry of a refused charge with the same failed payment, and charges nothing more', async () => {
    const headers = idem();
    t.hub.sandboxes.midtrans!.injectFaults({ mode: 'decline', count: 1, paths: /charge/ });
    const first = await user.client.post('/api/payment/process', { method: 'va_bni', amountMinor: 4_400_000 }, headers);
    expect(first.status).toBe(502);
    const before = t.hub.sandboxes.midtrans!.chargeRequests;
    const retry = await user.client.post('/api/payment/process', { method: 'va_bni', amountMinor: 4_400_000 }, headers);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'failed', chargeState: 'rejected' });
    expect(t.hub.sandboxes.midtrans!.chargeRequests).toBe(before);
  });

  it('cancels a pending payment at the provider, and refuses to cancel a settled one', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 2_200_000 }, idem());
    const cancelled = await user.client.post(`/api/payment/${pay.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect(t.hub.sandboxes.midtrans!.transactions.find((tx) => tx.order_id === pay.body.orderId)?.transaction_status).toBe('cancel');
    // Its own cancel notification changes nothing more.
    await t.hub.inboxProcessor.drain();
    expect((await user.client.get(`/api/payment/${pay.body.id}`)).body.history.filter((h: { to: string }) => h.to === 'cancelled')).toHaveLength(1);

    const paid = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 2_300_000 }, idem());
    await t.hub.sandboxes.midtrans!.settle(paid.body.orderId);
    await applyNotifications();
    const refused = await user.client.post(`/api/payment/${paid.body.id}/cancel`);
    expect(refused.status).toBe(409);
    expect((await user.client.get(`/api/payment/${paid.body.id}`)).body.status).toBe('success');
  });

  it('waits for the callback of a Xendit QR charge whose answer was lost (it cannot be looked up without its id), and fails it only once its window has closed', async () => {
    t.hub.sandboxes.xendit!.injectFaults({ mode: 'http503', count: 1, paths: /qr_codes/ });
    const res = await user.client.post('/api/payment/process', { method: 'qris', provider: 'xendit', amountMinor: 3_300_000, expiresInMinutes: 15 }, idem());
    expect(res.status).toBe(503);
    const stored = await t.hub.models.Payment.findOne({ userId: new Types.ObjectId(user.id) }).sort({ createdAt: -1 }).lean();
    expect(stored).toMatchObject({ provider: 'xendit', status: 'pending', chargeState: 'unknown' });
    await t.hub.services.payments.reconcileById(String(stored!._id));
    expect((await t.hub.models.Payment.findById(stored!._id).lean())).toMatchObject({ status: 'pending', chargeState: 'unknown' });
    // Its 15 minutes pass with nothing from Xendit: the window has closed, and now it is failed, saying why.
    await clock.advance(stored!.expiresAt!.getTime() - clock.now().getTime() + 1000);
    await t.hub.services.payments.reconcileById(String(stored!._id));
    expect((await user.client.get(`/api/payment/${stored!._id}`)).body).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/window closed/) });
  });

  it('refuses item prices in fractions of a rupiah before recording anything', async () => {
    const before = await t.hub.models.Payment.countDocuments({ userId: new Types.ObjectId(user.id) });
    const res = await user.client.post(
      '/api/payment/process',
      { method: 'qris', amountMinor: 1_000_000, items: [{ name: 'a', priceMinor: 500_050, quantity: 1 }, { name: 'b', priceMinor: 499_950, quantity: 1 }] },
      idem(),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'items.0.priceMinor' })]));
    expect(await t.hub.models.Payment.countDocuments({ userId: new Types.ObjectId(user.id) })).toBe(before);
  });

  it('charges once when three requests with the same key race', async () => {
    const headers = idem();
    const before = t.hub.sandboxes.midtrans!.chargeRequests;
    const answers = await Promise.all([0, 1, 2].map(() => user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 12_300_000 }, headers)));
    expect(t.hub.sandboxes.midtrans!.chargeRequests - before).toBe(1);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    // The others are told to retry (still in progress) or get the same payment, never a second one.
    for (const a of answers.filter((x) => x.status !== 201)) expect([200, 409]).toContain(a.status);
    const replay = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 12_300_000 }, headers);
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(answers.find((a) => a.status === 201)!.body.id);
  });

  it('finishes the charge when the same key is retried after the first request died before charging', async () => {
    const headers = idem();
    const { payment } = await t.hub.services.payments.create(
      { userId: user.id, role: 'user', channel: 'api' },
      { method: 'va_bri', amountMinor: 7_000_000, currency: 'IDR' },
      { dedupeKey: `idem:${user.id}:${headers['idempotency-key']}`, origin: { kind: 'api' }, chargeNow: false },
    );
    // The request that recorded it died; five minutes pass.
    await clock.advance(5 * 60_000);
    const retry = await user.client.post('/api/payment/process', { method: 'va_bri', amountMinor: 7_000_000 }, headers);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id: payment.id, chargeState: 'accepted', instructions: { kind: 'virtual_account' } });
  });

  it('fails an API payment whose request died before charging and was never retried, without asking the provider', async () => {
    const { payment } = await t.hub.services.payments.create(
      { userId: user.id, role: 'user', channel: 'api' },
      { method: 'va_bri', amountMinor: 8_000_000, currency: 'IDR' },
      { dedupeKey: `idem:${user.id}:abandoned-${Date.now()}`, origin: { kind: 'api' }, chargeNow: false },
    );
    // Ten minutes pass with no retry.
    await clock.advance(11 * 60_000);
    const before = t.hub.sandboxes.midtrans!.chargeRequests;
    await t.hub.services.payments.reconcileStale();
    const after = await user.client.get(`/api/payment/${payment.id}`);
    expect(after.body).toMatchObject({ status: 'failed', chargeState: 'rejected', failureReason: expect.stringMatching(/before the charge was sent/) });
    expect(t.hub.sandboxes.midtrans!.chargeRequests).toBe(before);
  });

  it('records a batch item that cannot be made as that item\'s result and makes the rest', async () => {
    const batch = await t.hub.models.PaymentBatch.create({
      userId: new Types.ObjectId(user.id),
      status: 'queued',
      items: [
        // Its runAt went by while the batch waited (a takeover after a crash): it is made now.
        { method: 'va_bca', amountMinor: 10_000_000, currency: 'IDR', runAt: new Date(clock.now().getTime() - 3 * 60_000).toISOString() },
        // Valid when submitted, no longer accepted (the method's limits changed, say).
        { method: 'va_bca', amountMinor: 10_050, currency: 'IDR' },
        { method: 'va_bni', amountMinor: 11_000_000, currency: 'IDR' },
      ],
    });
    await t.hub.services.paymentBatches.process(String(batch._id));
    const view = await user.client.get(`/api/payment/batch/${batch._id}`);
    expect(view.body.status).toBe('completed');
    expect(view.body.items.map((i: { status: string }) => i.status)).toEqual(['pending', 'rejected', 'pending']);
    expect(view.body.items[1].failureReason).toMatch(/whole rupiah/);
    // Running the job again changes nothing.
    await t.hub.models.PaymentBatch.updateOne({ _id: batch._id }, { $set: { status: 'processing' } });
    await t.hub.services.paymentBatches.process(String(batch._id));
    expect(await t.hub.models.Payment.countDocuments({ 'origin.batchId': batch._id })).toBe(2);
  });

  it('shows another user\'s payment as not found, even to an administrator key', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 1_000_000 }, idem());
    expect((await t.admin.get(`/api/payment/${pay.body.id}`)).status).toBe(404);
    expect((await t.admin.post(`/api/payment/${pay.body.id}/refund`, {})).status).toBe(404);
  });
});

describe('recurring', () => {
  it('does not charge a second attempt while the first attempt\'s timed-out charge is unresolved', async () => {
    const rec = await createDailyRecurring('Sewa', { maxRuns: 2, retry: { maxRetries: 2, baseDelayMs: 1000 } });
    expect(rec.status).toBe(201);
    t.hub.sandboxes.midtrans!.injectFaults({ mode: 'timeout', count: 1, paths: /charge/ });
    // The charge times out: the payment is pending with an unknown outcome, and the run is not failed.
    await t.hub.services.recurringPayments.run(rec.body.id, 0, 1);
    await t.hub.services.recurringPayments.run(rec.body.id, 0, 2);
    const made = await t.hub.models.Payment.find({ 'origin.recurringId': new Types.ObjectId(rec.body.id) }).lean();
    expect(made.map((p) => [p.status, p.chargeState])).toEqual([['pending', 'unknown']]);
    const view = await user.client.get('/api/payment/recurring');
    const mine = view.body.recurring.find((r: { id: string }) => r.id === rec.body.id);
    expect(mine).toMatchObject({ runsMade: 1, lastRun: { status: 'pending' } });
  });

  it('runs a cron schedule on Jakarta wall time and lists the next runs', async () => {
    const rec = await user.client.post('/api/payment/recurring', {
      payment: { method: 'va_bca', amountMinor: 10_000_000, description: 'Arisan' },
      recurrence: { frequency: 'cron', expression: '30 7 1,15 * *' },
      maxRuns: 4,
    });
    expect(rec.status).toBe(201);
    expect(rec.body.upcoming).toHaveLength(3);
    for (const at of rec.body.upcoming) expect(at).toMatch(/^\d{4}-\d{2}-(01|15)T07:30:00(\.000)?\+07:00$/);
    expect(new Date(rec.body.nextRunAt).getTime()).toBeGreaterThan(clock.now().getTime());
  });

  it('refuses a start in the past', async () => {
    const res = await createDailyRecurring('Air', { startAt: new Date(clock.now().getTime() - 10 * 86_400_000).toISOString() });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0]).toMatchObject({ field: 'startAt' });
  });

  it('after downtime pays only the latest due run and tells the user about the skipped one', async () => {
    const rec = await createDailyRecurring('Listrik', { maxRuns: 5 });
    // The hub is down past run 1: when it is back, runs 0 and 1 are both due. The scheduler runs run 0's job,
    // which skips it, then run 1's.
    await downUntilAfterRun(rec.body, 1);
    const mine = () => user.client.get('/api/payment/recurring').then((r) => r.body.recurring.find((x: { id: string }) => x.id === rec.body.id));
    await eventually(mine, (r) => r.runsMade === 2);
    const made = await t.hub.models.Payment.find({ 'origin.recurringId': new Types.ObjectId(rec.body.id) }).lean();
    expect(made.map((p) => p.origin.runIndex)).toEqual([1]);
    const notes = await user.client.get('/api/notifications');
    expect(notes.body.notifications.map((x: { kind: string }) => x.kind)).toContain('payment.recurring.skipped');
  });
});

describe('analytics', () => {
  it('rates success over payments with an outcome and reports what is still open and what was refunded', async () => {
    const u = await t.createUser('Analytics');
    const key = () => ({ 'idempotency-key': `an-${Date.now()}-${++n}` });
    const a = await u.client.post('/api/payment/process', { method: 'qris', amountMinor: 10_000_000 }, key());
    const b = await u.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 20_000_000 }, key());
    await u.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 40_000_000 }, key());
    const midtrans = t.hub.sandboxes.midtrans!;
    await midtrans.settle(a.body.orderId);
    await midtrans.refund(a.body.orderId, 25_000);
    await midtrans.expire(b.body.orderId);
    await applyNotifications();

    const res = await u.client.get('/api/payment/analytics?period=month');
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual([
      expect.objectContaining({
        currency: 'IDR',
        count: 3,
        successCount: 1,
        pendingCount: 1,
        successRate: 0.5,
        totalAmountMinor: 70_000_000,
        settledAmountMinor: 10_000_000,
        refundedAmountMinor: 2_500_000,
        netSettledAmountMinor: 7_500_000,
      }),
    ]);
    const byStatus = Object.fromEntries(res.body.byStatus.map((r: { key: string; count: number }) => [r.key, r.count]));
    expect(byStatus).toEqual({ expired: 1, partially_refunded: 1, pending: 1 });
  });
});

describe('refunds that finish later (Xendit Refunds API)', () => {
  async function paidInvoice(amountMinor: number) {
    const pay = await user.client.post('/api/payment/process', { method: 'invoice', amountMinor, description: 'Tiket' }, idem());
    expect(pay.status).toBe(201);
    await t.hub.sandboxes.xendit!.complete(pay.body.orderId);
    await eventually(() => user.client.get(`/api/payment/${pay.body.id}`), (r) => r.body.status === 'success');
    return pay.body as { id: string; orderId: string };
  }
  const refundOf = (orderId: string) => t.hub.sandboxes.xendit!.refunds.filter((r) => r.metadata?.order_id === orderId);

  it('keeps a pending refund on the payment, counts it as spent, and applies it once when the callback comes', async () => {
    const pay = await paidInvoice(10_000_000);
    const asked = await user.client.post(`/api/payment/${pay.id}/refund`, { amountMinor: 4_000_000, reason: 'Batal' });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ status: 'success', refundedAmountMinor: 0, refunds: [{ amountMinor: 4_000_000, status: 'pending', reason: 'Batal' }] });
    // The pending refund is spent: more than the rest cannot be asked for meanwhile.
    expect((await user.client.post(`/api/payment/${pay.id}/refund`, { amountMinor: 7_000_000 })).status).toBe(400);

    const [refund] = refundOf(pay.orderId);
    t.hub.sandboxes.xendit!.setDeliveryMode({ duplicate: true });
    try {
      await t.hub.sandboxes.xendit!.settleRefund(refund.id);
    } finally {
      t.hub.sandboxes.xendit!.setDeliveryMode({});
    }
    const after = await eventually(() => user.client.get(`/api/payment/${pay.id}`), (r) => r.body.status === 'partially_refunded');
    expect(after.body).toMatchObject({ status: 'partially_refunded', refundedAmountMinor: 4_000_000, refunds: [{ refundRef: refund.id, status: 'succeeded' }] });

    const rest = await user.client.post(`/api/payment/${pay.id}/refund`, {});
    expect(rest.body.refunds[1]).toMatchObject({ amountMinor: 6_000_000, status: 'pending' });
    await t.hub.sandboxes.xendit!.settleRefund(refundOf(pay.orderId)[1].id);
    const done = await eventually(() => user.client.get(`/api/payment/${pay.id}`), (r) => r.body.status === 'refunded');
    expect(done.body).toMatchObject({ status: 'refunded', refundedAmountMinor: 10_000_000 });
  });

  it('closes a refused refund without touching the payment, tells the user, and frees the amount again', async () => {
    const pay = await paidInvoice(5_000_000);
    await user.client.post(`/api/payment/${pay.id}/refund`, {});
    await t.hub.sandboxes.xendit!.settleRefund(refundOf(pay.orderId)[0].id, 'FAILED');
    const after = await eventually(() => user.client.get(`/api/payment/${pay.id}`), (r) => r.body.refunds[0]?.status === 'failed');
    expect(after.body).toMatchObject({ status: 'success', refundedAmountMinor: 0 });
    const notes = await user.client.get('/api/notifications');
    expect(notes.body.notifications.map((x: { kind: string }) => x.kind)).toContain('payment.refund_failed');
    expect((await user.client.post(`/api/payment/${pay.id}/refund`, {})).body.refunds[1]).toMatchObject({ amountMinor: 5_000_000, status: 'pending' });
  });

  it('asks Xendit about a refund whose callback never came, and applies the answer once', async () => {
    const pay = await paidInvoice(6_000_000);
    await user.client.post(`/api/payment/${pay.id}/refund`, {});
    const xendit = t.hub.sandboxes.xendit!;
    // The refund succeeds at Xendit, but its callback is lost.
    xendit.setCallbackUrl('');
    try {
      await xendit.settleRefund(refundOf(pay.orderId)[0].id);
    } finally {
      xendit.setCallbackUrl(`${t.url}/webhooks/xendit`);
    }
    expect((await user.client.get(`/api/payment/${pay.id}`)).body).toMatchObject({ status: 'success', refunds: [{ status: 'pending' }] });
    // Not yet late: reconciliation leaves it alone.
    await t.hub.services.payments.reconcileStale();
    expect((await user.client.get(`/api/payment/${pay.id}`)).body.refunds[0].status).toBe('pending');
    // Twenty minutes pass: now it is late.
    await clock.advance(20 * 60_000);
    await t.hub.services.payments.reconcileStale();
    await t.hub.services.payments.reconcileStale();
    expect((await user.client.get(`/api/payment/${pay.id}`)).body).toMatchObject({ status: 'refunded', refundedAmountMinor: 6_000_000, refunds: [{ status: 'succeeded' }] });
  });

  it('records a refund made outside the hub from its callback alone', async () => {
    const pay = await paidInvoice(3_000_000);
    const xendit = t.hub.sandboxes.xendit!;
    // Rp10.000 refunded in Xendit's dashboard; its callback is delivered here, twice.
    const refund = await xendit.dashboardRefund(pay.orderId, 10_000, { referenceId: 'dashboard', metadata: { order_id: pay.orderId }, quiet: true });
    const body = { event: 'refund.succeeded', business_id: xendit.businessId, created: new Date().toISOString(), data: refund };
    const token = { 'x-callback-token': t.hub.webhookSecrets.xenditCallbackToken };
    expect((await t.anonymous.post('/webhooks/xendit', body, token)).status).toBe(200);
    expect((await t.anonymous.post('/webhooks/xendit', body, token)).body).toMatchObject({ duplicate: true });
    await t.hub.inboxProcessor.drain();
    const after = await user.client.get(`/api/payment/${pay.id}`);
    expect(after.body).toMatchObject({ status: 'partially_refunded', refundedAmountMinor: 1_000_000, refunds: [{ refundRef: refund.id, status: 'succeeded' }] });
  });

  it('answers 503, not a crash, when the payment\'s provider has since been taken out of PAYMENT_PROVIDERS', async () => {
    const pay = await paidInvoice(2_000_000);
    const midtransOnly = await startTestHub({ dbName: t.dbName, dataDir: t.dataDir, runJobs: false, env: { PAYMENT_PROVIDERS: 'midtrans' } });
    try {
      const client = midtransOnly.anonymous.withKey(user.apiKey);
      const refund = await client.post(`/api/payment/${pay.id}/refund`, {});
      expect(refund.status).toBe(503);
      expect(refund.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect((await client.get(`/api/payment/${pay.id}`)).body).toMatchObject({ status: 'success', refunds: [] });
    } finally {
      await midtransOnly.stop({ cleanup: false });
    }
  });

  it('refuses a callback with a fractional amount as malformed (400), not a crash', async () => {
    const body = { event: 'refund.succeeded', data: { id: 'rfd-x', amount: 100.5, currency: 'IDR', status: 'SUCCEEDED', metadata: { order_id: 'SWH-X' } } };
    const res = await t.anonymous.post('/webhooks/xendit', body, { 'x-callback-token': t.hub.webhookSecrets.xenditCallbackToken });
    expect(res.status).toBe(400);
    expect(await t.hub.models.WebhookEvent.countDocuments({ eventKey: /rfd-x/ })).toBe(0);
  });
});

describe('recurring runs that fail after charging', () => {
  it('does not retry an old run once the next run is due: the old run ends as failed and the user is told', async () => {
    const rec = await createDailyRecurring('Kebersihan', { maxRuns: 3, retry: { maxRetries: 3, baseDelayMs: 1000 } });
    t.hub.sandboxes.midtrans!.injectFaults({ mode: 'decline', count: 1, paths: /charge/ });
    await expect(t.hub.services.recurringPayments.run(rec.body.id, 0, 1)).rejects.toMatchObject({ retryable: true });
    // The retry comes after downtime: run 1 is already due. (Run 0's own job, due as well now, may run beside it:
    // either way run 0 ends once.)
    await downUntilAfterRun(rec.body, 1);
    await t.hub.services.recurringPayments.run(rec.body.id, 0, 2);
    const made = await t.hub.models.Payment.find({ 'origin.recurringId': new Types.ObjectId(rec.body.id), 'origin.runIndex': 0 }).lean();
    expect(made.map((p) => [p.origin.runIndex, p.status])).toEqual([[0, 'failed']]);
    const notes = (await user.client.get('/api/notifications')).body.notifications as { kind: string; body: string; data: { recurringId?: string; runIndex?: number } }[];
    const told = notes.filter((x) => x.kind === 'payment.recurring.failed' && x.data?.recurringId === rec.body.id);
    expect(told).toEqual([expect.objectContaining({ data: expect.objectContaining({ runIndex: 0 }), body: expect.stringMatching(/next run was already due/) })]);
  });

  it('finds the charge it made when a step after the charge failed, instead of charging a second attempt', async () => {
    const rec = await createDailyRecurring('Iuran', { maxRuns: 3, retry: { maxRetries: 2, baseDelayMs: 1000 } });
    const jobs = t.hub.services.recurringPayments as unknown as { deps: { jobs: { enqueue: (...args: unknown[]) => Promise<void> } } };
    const realEnqueue = jobs.deps.jobs.enqueue;
    // The charge goes through, then scheduling the next run fails (a database blip).
    jobs.deps.jobs.enqueue = async () => {
      throw new Error('connection reset while enqueuing');
    };
    try {
      await expect(t.hub.services.recurringPayments.run(rec.body.id, 0, 1)).rejects.toThrow(/connection reset/);
    } finally {
      jobs.deps.jobs.enqueue = realEnqueue;
    }
    await t.hub.services.recurringPayments.run(rec.body.id, 0, 2);
    const made = await t.hub.models.Payment.find({ 'origin.recurringId': new Types.ObjectId(rec.body.id) }).lean();
    expect(made).toHaveLength(1);
    // (Counted by order id: jobs of other tests in this file may be charging in the background.)
    expect(t.hub.sandboxes.midtrans!.transactions.filter((tx) => tx.order_id === made[0].orderId)).toHaveLength(1);
    const view = (await user.client.get('/api/payment/recurring')).body.recurring.find((r: { id: string }) => r.id === rec.body.id);
    expect(view).toMatchObject({ runsMade: 1, lastRun: { status: 'pending', paymentId: String(made[0]._id) } });
  });
});

describe('refunds made at the same time or elsewhere', () => {
  it('makes two refunds asked for at once one after the other, each its own refund at the provider', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'invoice', amountMinor: 10_000_000 }, idem());
    await t.hub.sandboxes.xendit!.complete(pay.body.orderId);
    await eventually(() => user.client.get(`/api/payment/${pay.body.id}`), (r) => r.body.status === 'success');
    const answers = await Promise.all([
      user.client.post(`/api/payment/${pay.body.id}/refund`, { amountMinor: 4_000_000 }),
      user.client.post(`/api/payment/${pay.body.id}/refund`, { amountMinor: 6_000_000 }),
    ]);
    // Either both went through one after the other, or the second was told to retry; never one key for both.
    for (const a of answers) expect([200, 409]).toContain(a.status);
    const atProvider = t.hub.sandboxes.xendit!.refunds.filter((r) => r.metadata?.order_id === pay.body.orderId);
    const recorded = (await user.client.get(`/api/payment/${pay.body.id}`)).body.refunds as { refundRef: string; amountMinor: number }[];
    expect(new Set(atProvider.map((r) => r.id)).size).toBe(atProvider.length);
    expect(recorded.map((r) => [r.refundRef, r.amountMinor]).sort()).toEqual(atProvider.map((r) => [r.id, r.amount * 100]).sort());
    expect(atProvider.length).toBe(answers.filter((a) => a.status === 200).length);
  });

  it('counts a refund made in the provider\'s dashboard whose notification was lost, once the provider reports its total', async () => {
    // GoPay: Midtrans refunds it (a VA payment it does not).
    const pay = await user.client.post('/api/payment/process', { method: 'gopay', amountMinor: 10_000_000 }, idem());
    const midtrans = t.hub.sandboxes.midtrans!;
    await midtrans.settle(pay.body.orderId);
    await applyNotifications();
    // Rp30.000 refunded in the dashboard; its notification never reaches the hub.
    await midtrans.refundQuietly(pay.body.orderId, 30_000);
    const res = await user.client.post(`/api/payment/${pay.body.id}/refund`, { amountMinor: 2_000_000 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'partially_refunded', refundedAmountMinor: 5_000_000 });
  });
});

describe('reconciliation under load', () => {
  it('does not let payments it cannot decide crowd out the rest', async () => {
    const u = await t.createUser('Antrian');
    const seedUnknown = async (orderId: string, ageMs: number) =>
      (
        await t.hub.models.Payment.collection.insertOne({
          userId: new Types.ObjectId(u.id),
          orderId,
          provider: 'midtrans',
          method: 'va_bca',
          amountMinor: 1_000_000,
          currency: 'IDR',
          status: 'pending',
          chargeState: 'unknown',
          refundedAmountMinor: 0,
          origin: { kind: 'api' },
          history: [],
          refunds: [],
          createdAt: new Date(clock.now().getTime() - ageMs),
          updatedAt: new Date(clock.now().getTime() - ageMs),
        })
      ).insertedId;
    // Two old payments the provider answers with an error every time (a status it cannot serve)...
    t.hub.sandboxes.midtrans!.injectFaults({ mode: 'http500', count: 1_000, paths: /STUCK-/ });
    const stuck = [await seedUnknown(`STUCK-${Date.now()}-a`, 3 * 3600_000), await seedUnknown(`STUCK-${Date.now()}-b`, 2 * 3600_000)];
    // ...and a newer one it can answer (not at the provider: nothing was charged).
    const decidable = await seedUnknown(`NEWER-${Date.now()}`, 60_000);
    try {
      await t.hub.services.payments.reconcileStale(2);
      await t.hub.services.payments.reconcileStale(2);
    } finally {
      t.hub.sandboxes.midtrans!.injectFaults({ mode: 'http500', count: 0 });
    }
    expect((await t.hub.models.Payment.findById(decidable).lean())?.status).toBe('failed');
    for (const id of stuck) expect((await t.hub.models.Payment.findById(id).lean())).toMatchObject({ status: 'pending', lastCheckedAt: expect.any(Date) });
  });

  it('leaves a scheduled payment scheduled (and cancellable) when its provider has been disabled', async () => {
    const runAt = new Date(clock.now().getTime() + 3600_000).toISOString();
    const pay = await user.client.post('/api/payment/process', { method: 'invoice', amountMinor: 3_000_000, runAt }, idem());
    expect(pay.body.status).toBe('scheduled');
    const midtransOnly = await startTestHub({ dbName: t.dbName, dataDir: t.dataDir, runJobs: false, env: { PAYMENT_PROVIDERS: 'midtrans' } });
    try {
      await expect(midtransOnly.hub.services.payments.charge(pay.body.id)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      const client = midtransOnly.anonymous.withKey(user.apiKey);
      expect((await client.get(`/api/payment/${pay.body.id}`)).body.status).toBe('scheduled');
      expect((await client.post(`/api/payment/${pay.body.id}/cancel`)).body.status).toBe('cancelled');
    } finally {
      await midtransOnly.stop({ cleanup: false });
    }
  });
});
