/**
 * Batches and recurring payments: an item that can no longer become a payment does not hold up the others, and the
 * card tokens and phone numbers they keep until a run or item is made are stored sealed and never shown.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type ApiClient, type TestHub } from './harness.js';

let n = 0;
const idem = () => ({ 'idempotency-key': `batch-recurring-${Date.now()}-${++n}` });

describe('a batch item whose provider was taken out of PAYMENT_PROVIDERS after the batch was submitted', () => {
  let t: TestHub;
  let user: { id: string; apiKey: string; client: ApiClient };

  beforeAll(async () => {
    t = await startTestHub({ env: { PAYMENT_PROVIDERS: 'midtrans' } });
    user = await t.createUser();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is refused at submission while the provider is out', async () => {
    const res = await user.client.post('/api/payment/batch', { items: [{ method: 'ovo', amountMinor: 5_000_000, mobileNumber: '081234567890' }] }, idem());
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0]).toMatchObject({ field: 'items.0', reason: expect.stringMatching(/xendit is not configured/) });
  });

  it('is rejected with the reason, and the items after it are made and charged', async () => {
    // Submitted while Xendit was configured; the hub has since been restarted without it.
    const batch = await t.hub.models.PaymentBatch.create({
      userId: new Types.ObjectId(user.id),
      status: 'queued',
      items: [
        { method: 'ovo', amountMinor: 5_000_000, currency: 'IDR', mobileNumber: '081234567890' },
        { method: 'va_bca', amountMinor: 10_000_000, currency: 'IDR' },
        // Stored before a schema change: no longer a payment request at all.
        { method: 'cheque', amountMinor: 10_000_000, currency: 'IDR' },
        { method: 'invoice', amountMinor: 7_000_000, currency: 'IDR' },
        { method: 'qris', amountMinor: 2_000_000, currency: 'IDR' },
      ],
    });
    await t.hub.services.paymentBatches.process(String(batch._id));

    const view = await user.client.get(`/api/payment/batch/${batch._id}`);
    expect(view.body.status).toBe('completed');
    expect(view.body.items.map((i: { status: string }) => i.status)).toEqual(['rejected', 'pending', 'rejected', 'rejected', 'pending']);
    expect(view.body.items[0].failureReason).toMatch(/payment provider xendit is not configured/);
    expect(view.body.items[2].failureReason).toMatch(/^method: /);
    expect(view.body.items[3].failureReason).toMatch(/xendit is not configured/);
    expect(view.body.counts).toEqual({ rejected: 3, pending: 2 });

    const made = await t.hub.models.Payment.find({ 'origin.batchId': batch._id }).sort({ 'origin.itemIndex': 1 }).lean();
    expect(made.map((p) => [p.origin.itemIndex, p.provider, p.chargeState])).toEqual([
      [1, 'midtrans', 'accepted'],
      [4, 'midtrans', 'accepted'],
    ]);
    const charged = t.hub.sandboxes.midtrans!.transactions.map((tx) => tx.order_id);
    for (const p of made) expect(charged).toContain(p.orderId);
  });
});

describe('card tokens and phone numbers kept for later', () => {
  let t: TestHub;
  let user: { id: string; apiKey: string; client: ApiClient };
  const PHONE = '081234567890';
  const CARD_TOKEN = 'sandbox-card-token-4811-1111-1111-1114';
  /** Every way the secrets could appear in stored or returned JSON. */
  const leaks = (value: unknown) => {
    const text = JSON.stringify(value);
    return [PHONE, '81234567890', CARD_TOKEN].filter((s) => text.includes(s));
  };

  beforeAll(async () => {
    t = await startTestHub();
    user = await t.createUser();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('are sealed in a recurring template, never shown, and opened by the run that charges', async () => {
    const res = await user.client.post('/api/payment/recurring', {
      payment: { method: 'ovo', amountMinor: 5_000_000, mobileNumber: PHONE, description: 'Iuran' },
      recurrence: { frequency: 'daily', time: '07:30' },
      maxRuns: 2,
    }, idem());
    expect(res.status).toBe(201);
    expect(leaks(res.body)).toEqual([]);
    expect(res.body.payment).toMatchObject({ method: 'ovo', amountMinor: 5_000_000, mobileNumberMasked: '0812****7890' });

    const card = await user.client.post('/api/payment/recurring', {
      payment: { method: 'card', amountMinor: 20_000_000, cardToken: CARD_TOKEN },
      recurrence: { frequency: 'monthly', dayOfMonth: 1, time: '09:00' },
    });
    expect(card.status).toBe(201);
    expect(card.body.payment).toMatchObject({ method: 'card', cardTokenSaved: true });

    const stored = await t.hub.connection.db!.collection('recurringPayments').find({ userId: new Types.ObjectId(user.id) }).toArray();
    expect(stored).toHaveLength(2);
    expect(leaks(stored)).toEqual([]);
    expect(stored.find((d) => String(d._id) === res.body.id)!.template).toMatchObject({ mobileNumberEnc: expect.stringMatching(/^enc:v1:/) });
    expect(stored.find((d) => String(d._id) === card.body.id)!.template).toMatchObject({ cardTokenEnc: expect.stringMatching(/^enc:v1:/) });
    expect(leaks((await user.client.get('/api/payment/recurring')).body)).toEqual([]);

    // A run makes the payment with the phone number: Xendit receives it for the OVO push.
    await t.hub.services.recurringPayments.run(res.body.id, 0, 1);
    const [ovo] = await t.hub.models.Payment.find({ 'origin.recurringId': new Types.ObjectId(res.body.id) }).lean();
    expect(ovo).toMatchObject({ provider: 'xendit', chargeState: 'accepted', status: 'pending' });
    const atXendit = t.hub.sandboxes.xendit!.payments.find((p) => p.referenceId === ovo.orderId)!;
    expect(atXendit.extra.channel_properties).toEqual({ mobile_number: '+6281234567890' });

    await t.hub.services.recurringPayments.run(card.body.id, 0, 1);
    const [charged] = await t.hub.models.Payment.find({ 'origin.recurringId': new Types.ObjectId(card.body.id) }).lean();
    expect(charged).toMatchObject({ provider: 'midtrans', chargeState: 'accepted' });
    expect(t.hub.sandboxes.midtrans!.transactions.find((tx) => tx.order_id === charged.orderId)?.payment_type).toBe('credit_card');
  });

  it('are sealed in batch items, never shown, and opened when the item is made', async () => {
    const items = [
      { method: 'ovo', amountMinor: 5_000_000, mobileNumber: PHONE },
      { method: 'card', amountMinor: 20_000_000, cardToken: CARD_TOKEN },
    ];
    const headers = idem();
    const res = await user.client.post('/api/payment/batch', { items }, headers);
    expect(res.status).toBe(202);
    expect(leaks(res.body)).toEqual([]);
    const stored = await t.hub.connection.db!.collection('paymentBatches').findOne({ _id: new Types.ObjectId(res.body.id) });
    expect(leaks(stored)).toEqual([]);
    expect(stored!.items).toMatchObject([{ mobileNumberEnc: expect.stringMatching(/^enc:v1:/), mobileNumberMasked: '0812****7890' }, { cardTokenEnc: expect.stringMatching(/^enc:v1:/) }]);
    // The same request replays: the Idempotency-Key is checked against what was sent, not what was stored.
    const replay = await user.client.post('/api/payment/batch', { items }, headers);
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(res.body.id);

    await t.hub.services.paymentBatches.process(res.body.id);
    const view = await user.client.get(`/api/payment/batch/${res.body.id}`);
    expect(view.body.status).toBe('completed');
    expect(leaks(view.body)).toEqual([]);
    const made = await t.hub.models.Payment.find({ 'origin.batchId': new Types.ObjectId(res.body.id) }).sort({ 'origin.itemIndex': 1 }).lean();
    expect(made.map((p) => [p.provider, p.chargeState])).toEqual([
      ['xendit', 'accepted'],
      ['midtrans', 'accepted'],
    ]);
    expect(t.hub.sandboxes.xendit!.payments.find((p) => p.referenceId === made[0].orderId)!.extra.channel_properties).toEqual({ mobile_number: '+6281234567890' });
    expect(leaks(await t.hub.connection.db!.collection('payments').find({ 'origin.batchId': new Types.ObjectId(res.body.id) }).toArray())).toEqual([]);
  });
});
