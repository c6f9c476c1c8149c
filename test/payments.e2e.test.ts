/**
 * Payments end to end: real HTTP into the hub, the run's MongoDB, and the Midtrans/Xendit simulators on loopback
 * sending signed webhooks back. Settlement is driven by the tests (SANDBOX_SETTLE_MS=0).
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
const idem = () => ({ 'idempotency-key': `test-key-${Date.now()}-${++keyCounter}` });

beforeAll(async () => {
  t = await startTestHub({ env: { ...TRUST_BODIES, WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_RETRY_BASE_MS: '50' } });
  user = await t.createUser('Payer');
});
afterAll(async () => t?.stop());


const waitForStatus = (client: ApiClient, id: string, status: string) =>
  eventually(() => client.get(`/api/payment/${id}`), (r) => r.body.status === status);

function midtransSignature(orderId: string, statusCode: string, grossAmount: string, serverKey: string) {
  return createHash('sha512').update(orderId + statusCode + grossAmount + serverKey).digest('hex');
}

describe('paying', () => {
  it('lists methods with providers, limits and fees', async () => {
    const res = await user.client.get('/api/payment/methods');
    expect(res.status).toBe(200);
    const qris = res.body.methods.find((m: { method: string }) => m.method === 'qris');
    expect(qris).toMatchObject({ providers: ['midtrans', 'xendit'], currency: 'IDR', fee: { kind: 'percent', basisPoints: 70 } });
    expect(res.body.methods.map((m: { method: string }) => m.method)).toEqual(expect.arrayContaining(['ovo', 'va_bca', 'indomaret', 'card', 'direct_debit_bri']));
  });

  it('pays by QRIS: recorded, charged, QR returned as a string and a PNG, settled by the signed webhook', async () => {
    const res = await user.client.post('/api/payment/process', { method: 'qris', amountMinor: 15_000_000, description: 'Listrik PLN' }, idem());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', provider: 'midtrans', method: 'qris', amountMinor: 15_000_000, currency: 'IDR', amount: '150000.00', chargeState: 'accepted' });
    expect(res.body.instructions.kind).toBe('qr');
    expect(res.body.instructions.qrString).toMatch(/^000201/);
    expect(res.body.instructions.qrImageDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(res.body.createdAt).toMatch(/\+07:00$/);

    await t.hub.sandboxes.midtrans!.settle(res.body.orderId);
    const settled = await waitForStatus(user.client, res.body.id, 'success');
    expect(settled.body.status).toBe('success');
    expect(settled.body.settledAt).toEqual(expect.any(String));
    expect(settled.body.history.map((h: { to: string; source: string }) => `${h.to}:${h.source}`)).toEqual(['pending:api', 'success:webhook']);

    const notes = await user.client.get('/api/notifications');
    expect(notes.body.notifications.some((n: { kind: string; data: { paymentId: string } }) => n.kind === 'payment.success' && n.data.paymentId === res.body.id)).toBe(true);
  });

  it('pays by BCA virtual account and shows it in history and analytics', async () => {
    const res = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 25_000_000, description: 'Kos Desember' }, idem());
    expect(res.status).toBe(201);
    expect(res.body.instructions).toMatchObject({ kind: 'virtual_account', bank: expect.stringMatching(/bca/i), vaNumber: expect.stringMatching(/^\d{8,}$/) });
    await t.hub.sandboxes.midtrans!.settle(res.body.orderId);
    await waitForStatus(user.client, res.body.id, 'success');

    const history = await user.client.get('/api/payment/history?method=va_bca&status=success');
    expect(history.status).toBe(200);
    expect(history.body.payments.map((p: { id: string }) => p.id)).toContain(res.body.id);

    const analytics = await user.client.get('/api/payment/analytics?period=day');
    expect(analytics.status).toBe(200);
    const va = analytics.body.byMethod.find((g: { key: string }) => g.key === 'va_bca');
    expect(va).toMatchObject({ currency: 'IDR', successCount: expect.any(Number) });
    expect(va.settledAmountMinor).toBeGreaterThanOrEqual(25_000_000);
    expect(va.averageSettlementSeconds).not.toBeNull();
    const total = analytics.body.totals.find((g: { currency: string }) => g.currency === 'IDR');
    expect(total.count).toBeGreaterThanOrEqual(2);
    expect(total.successRate).toBeGreaterThan(0);
  });

  it('routes e-wallets like OVO to Xendit and settles them from its callback', async () => {
    const res = await user.client.post('/api/payment/process', { method: 'ovo', amountMinor: 5_000_000, mobileNumber: '081234567890' }, idem());
    expect(res.status).toBe(201);
    expect(res.body.provider).toBe('xendit');
    await t.hub.sandboxes.xendit!.complete(res.body.orderId);
    const settled = await waitForStatus(user.client, res.body.id, 'success');
    expect(settled.body.status).toBe('success');
  });
});

describe('idempotency', () => {
  it('returns the same payment for the same key and body, with one charge at the provider', async () => {
    const headers = idem();
    const body = { method: 'va_bni', amountMinor: 12_000_000 };
    const first = await user.client.post('/api/payment/process', body, headers);
    const again = await user.client.post('/api/payment/process', body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.instructions.vaNumber).toBe(first.body.instructions.vaNumber);
    expect(await t.hub.models.Payment.countDocuments({ orderId: first.body.orderId })).toBe(1);
    const atProvider = t.hub.sandboxes.midtrans!.transactions.filter((tx: { order_id?: string; orderId?: string }) => (tx.order_id ?? tx.orderId) === first.body.orderId);
    expect(atProvider).toHaveLength(1);
  });

  it('refuses the same key with a different body (409) and a missing key (400)', async () => {
    const headers = idem();
    await user.client.post('/api/payment/process', { method: 'va_bri', amountMinor: 12_000_000 }, headers);
    const conflict = await user.client.post('/api/payment/process', { method: 'va_bri', amountMinor: 13_000_000 }, headers);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const missing = await user.client.post('/api/payment/process', { method: 'va_bri', amountMinor: 12_000_000 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues[0]).toMatchObject({ field: 'idempotency-key', in: 'header' });
  });

  it("keeps one user's keys apart from another's", async () => {
    const other = await t.createUser('Other payer');
    const headers = idem();
    const mine = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 11_000_000 }, headers);
    const theirs = await other.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 11_000_000 }, headers);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect((await other.client.get(`/api/payment/${mine.body.id}`)).status).toBe(404);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['fractional rupiah', { method: 'qris', amountMinor: 1_000_050 }, 'amountMinor'],
    ['below the method minimum', { method: 'va_bca', amountMinor: 100_000 }, 'amountMinor'],
    ['OVO without a phone number', { method: 'ovo', amountMinor: 5_000_000 }, 'mobileNumber'],
    ['items that do not add up', { method: 'qris', amountMinor: 5_000_000, items: [{ name: 'Pulsa', priceMinor: 2_000_000, quantity: 2 }] }, 'items'],
    ['an unknown method', { method: 'bitcoin', amountMinor: 5_000_000 }, 'method'],
    ['a float amount', { method: 'qris', amountMinor: 150000.5 }, 'amountMinor'],
    ['a provider that cannot take the method', { method: 'gopay', amountMinor: 5_000_000, provider: 'xendit' }, 'provider'],
  ])('%s → 400 naming %s', async (_name, body, field) => {
    const before = await t.hub.models.Payment.countDocuments();
    const res = await user.client.post('/api/payment/process', body, idem());
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    expect(await t.hub.models.Payment.countDocuments()).toBe(before);
  });
});

describe('webhooks', () => {
  it('answers a forged Midtrans notification with 401 and stores nothing', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_permata', amountMinor: 20_000_000 }, idem());
    const before = await t.hub.models.WebhookEvent.countDocuments();
    const forged = { order_id: pay.body.orderId, status_code: '200', gross_amount: '200000.00', transaction_status: 'settlement', signature_key: midtransSignature(pay.body.orderId, '200', '200000.00', 'wrong-key') };
    const res = await t.anonymous.post('/webhooks/midtrans', forged);
    expect(res.status).toBe(401);
    expect(await t.hub.models.WebhookEvent.countDocuments()).toBe(before);
    expect((await user.client.get(`/api/payment/${pay.body.id}`)).body.status).toBe('pending');
    const garbage = await t.anonymous.post('/webhooks/midtrans', 'not json', { 'content-type': 'application/json' });
    expect(garbage.status).toBe(401);
  });

  it('answers a Xendit callback without the right token with 401 and stores nothing', async () => {
    const before = await t.hub.models.WebhookEvent.countDocuments();
    const body = { event: 'ewallet.capture', data: { reference_id: 'x', status: 'SUCCEEDED' } };
    expect((await t.anonymous.post('/webhooks/xendit', body)).status).toBe(401);
    expect((await t.anonymous.post('/webhooks/xendit', body, { 'x-callback-token': 'guess' })).status).toBe(401);
    expect(await t.hub.models.WebhookEvent.countDocuments()).toBe(before);
  });

  it('answers a verified but malformed notification with 400 and stores nothing', async () => {
    const key = midtransKey();
    const before = await t.hub.models.WebhookEvent.countDocuments();
    const body = { order_id: 'SWH-X', status_code: '200', gross_amount: '1000.00', signature_key: midtransSignature('SWH-X', '200', '1000.00', key) };
    const res = await t.anonymous.post('/webhooks/midtrans', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await t.hub.models.WebhookEvent.countDocuments()).toBe(before);
  });

  it('applies a duplicated notification once', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_cimb', amountMinor: 30_000_000 }, idem());
    const notification = settlementFor(pay.body.orderId, '300000.00');
    const first = await t.anonymous.post('/webhooks/midtrans', notification);
    const second = await t.anonymous.post('/webhooks/midtrans', notification);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.duplicate).toBe(true);
    const settled = await waitForStatus(user.client, pay.body.id, 'success');
    await t.hub.inboxProcessor.drain();
    expect(settled.body.history.filter((h: { to: string }) => h.to === 'success')).toHaveLength(1);
    const events = await t.hub.models.WebhookEvent.find({ orderId: pay.body.orderId }).lean();
    expect(events).toHaveLength(1);
    expect(events[0].deliveries).toBe(2);
  });

  it('never rolls a settled payment back when a late pending or expire arrives', async () => {
    const pay = await user.client.post('/api/payment/process', { method: 'va_bca', amountMinor: 40_000_000 }, idem());
    await t.anonymous.post('/webhooks/midtrans', settlementFor(pay.body.orderId, '400000.00'));
    await waitForStatus(user.client, pay.body.id, 'success');
    const key = midtransKey();
    for (const [status, code] of [['pending', '201'], ['expire', '407']] as const) {
      const late = { order_id: pay.body.orderId, status_code: code, gross_amount: '400000.00', transaction_status: status, payment_type: 'bank_transfer', transaction_time: '2026-11-25 10:00:00', transaction_id: 'late-1', signature_key: midtransSignature(pay.body.orderId, code, '400000.00', key) };
      expect((await t.anonymous.post('/webhooks/midtrans', late)).status).toBe(200);
    }
    await t.hub.inboxProcessor.drain();
    const after = await user.client.get(`/api/payment/${pay.body.id}`);
    expect(after.body.status).toBe('success');
    const outcomes = (await t.hub.models.WebhookEvent.find({ orderId: pay.body.orderId }).lean()).map((e) => `${e.status}:${e.outcome}`).sort();
    expect(outcomes).toEqual(['applied:applied', 'ignored:stale', 'ignored:stale']);
  });

  it('survives a provider that delivers every callback twice and then a late PENDING', async () => {
    const xendit = t.hub.sandboxes.xendit!;
    const pay = await user.client.post('/api/payment/process', { method: 'dana', amountMinor: 7_500_000 }, idem());
    xendit.setDeliveryMode({ duplicate: true, outOfOrder: true });
    try {
      await xendit.complete(pay.body.orderId);
    } finally {
      xendit.setDeliveryMode({});
    }
    await t.hub.inboxProcessor.drain();
    const after = await user.client.get(`/api/payment/${pay.body.id}`);
    expect(after.body.status).toBe('success');
    expect(after.body.history.filter((h: { to: string }) => h.to === 'success')).toHaveLength(1);
    const events = await t.hub.models.WebhookEvent.find({ orderId: pay.body.orderId }).lean();
    expect(events.map((e) => `${e.status}:${e.outcome}:${e.deliveries}`).sort()).toEqual(['applied:applied:2', 'ignored:stale:1']);
  });

  it('keeps an event for an unknown order and flags it for an admin', async () => {
    const res = await t.anonymous.post('/webhooks/midtrans', settlementFor('SWH-NOT-OURS-1', '10000.00'));
    expect(res.status).toBe(200);
    await t.hub.inboxProcessor.drain();
    const list = await t.admin.get('/api/admin/webhooks?status=unmatched');
    expect(list.status).toBe(200);
    expect(list.body.events.find((e: { orderId: string }) => e.orderId === 'SWH-NOT-OURS-1')).toMatchObject({ outcome: 'unknown-order', provider: 'midtrans' });
    expect((await user.client.get('/api/admin/webhooks')).status).toBe(403);
  });
});

function midtransKey(): string {
  return t.hub.webhookSecrets.midtransServerKey;
}

function settlementFor(orderId: string, grossAmount: string) {
  return {
    transaction_time: '2026-11-25 10:00:00',
    settlement_time: '2026-11-25 10:00:05',
    transaction_status: 'settlement',
    transaction_id: `tx-${orderId}`,
    status_message: 'midtrans payment notification',
    status_code: '200',
    signature_key: midtransSignature(orderId, '200', grossAmount, midtransKey()),
    payment_type: 'bank_transfer',
    order_id: orderId,
    merchant_id: 'G000000000',
    gross_amount: grossAmount,
    fraud_status: 'accept',
    currency: 'IDR',
    va_numbers: [{ bank: 'bca', va_number: '12345678901' }],
  };
}
