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
