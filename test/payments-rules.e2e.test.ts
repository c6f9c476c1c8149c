/**
 * Payments by the providers' own rules, end to end through the REST API, the Midtrans/Xendit simulators on loopback
 * and the inbox: per-method refund and cancel rules enforced before the provider is called, a retried Midtrans
 * refund that the provider reports as a duplicate, and direct debit against an account linked with the channel's
 * OTP or redirect step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XENDIT_SANDBOX_OTP } from '../sandbox/xendit/index.js';
import { eventually, startTestHub, type ApiClient, type TestHub } from './harness.js';

let t: TestHub;
let user: { id: string; apiKey: string; client: ApiClient };
let n = 0;
const idem = () => ({ 'idempotency-key': `rules-${Date.now()}-${++n}` });

beforeAll(async () => {
  t = await startTestHub();
  user = await t.createUser('Rina');
});
afterAll(async () => t?.stop());

const midtrans = () => t.hub.sandboxes.midtrans!;
const xendit = () => t.hub.sandboxes.xendit!;

/** A payment paid at the simulator, with its notification applied. */
async function paid(client: ApiClient, body: Record<string, unknown>): Promise<{ id: string; orderId: string }> {
  const res = await client.post('/api/payment/process', body, idem());
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  if (res.body.provider === 'midtrans') await midtrans().settle(res.body.orderId);
  else await xendit().complete(res.body.orderId);
  await t.hub.inboxProcessor.drain();
  expect((await client.get(`/api/payment/${res.body.id}`)).body.status).toBe('success');
  return { id: res.body.id, orderId: res.body.orderId };
}

describe('per-method provider rules', () => {
  it('GET /api/payment/methods shows each provider\'s refund and cancel rules next to limits and fees', async () => {
    const res = await user.client.get('/api/payment/methods');
    expect(res.status).toBe(200);
    const by = (m: string) => res.body.methods.find((x: { method: string }) => x.method === m);
    expect(by('va_bca').rules.midtrans.refund).toMatchObject({ allowed: false, partial: false, rule: expect.stringMatching(/Midtrans refunds only cards, GoPay, ShopeePay, QRIS/) });
    expect(by('gopay').rules.midtrans.refund).toMatchObject({ allowed: true, partial: true });
    expect(by('shopeepay').rules.midtrans.refund).toMatchObject({ allowed: true, partial: false });
    expect(by('dana').rules.xendit.cancelPending).toMatchObject({ allowed: false, instead: [expect.stringMatching(/let it expire/), expect.stringMatching(/refund it once it has succeeded/)] });
    expect(by('indomaret').rules.midtrans.refund.allowed).toBe(false);
    expect(by('card')).toMatchObject({ minAmountMinor: expect.any(Number), fee: { kind: 'percent' }, rules: { midtrans: { refund: { allowed: true, partial: true } } } });
  });

  it('refuses a refund of a Midtrans virtual-account or convenience-store payment with 422 naming the rule, and calls nobody', async () => {
    for (const method of ['va_bca', 'indomaret'] as const) {
      const pay = await paid(user.client, { method, amountMinor: 20_000_000 });
      const res = await user.client.post(`/api/payment/${pay.id}/refund`, { amountMinor: 5_000_000 });
      expect(res.status, method).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'UNPROCESSABLE', message: expect.stringMatching(/cannot be refunded: Midtrans refunds only cards, GoPay, ShopeePay, QRIS, DANA, OVO, Kredivo and Akulaku/) });
      // Nothing reached Midtrans: its record of the payment has no refund.
      const atMidtrans = midtrans().transactions.find((tx) => tx.order_id === pay.orderId)!;
      expect(atMidtrans).toMatchObject({ transaction_status: 'settlement', refunds: [] });
      expect((await user.client.get(`/api/payment/${pay.id}`)).body).toMatchObject({ status: 'success', refundedAmountMinor: 0 });
    }
  });

  it('refunds ShopeePay at Midtrans only in full, in one refund', async () => {
    const pay = await paid(user.client, { method: 'shopeepay', amountMinor: 8_000_000 });
    const partial = await user.client.post(`/api/payment/${pay.id}/refund`, { amountMinor: 2_000_000 });
    expect(partial.status).toBe(422);
    expect(partial.body.error.message).toMatch(/only be refunded in full/);
    const full = await user.client.post(`/api/payment/${pay.id}/refund`, {});
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ status: 'refunded', refundedAmountMinor: 8_000_000 });
  });

  it('answers a cancel of a pending Xendit e-wallet charge with 409 and what to do instead; the charge stays as it was', async () => {
    const res = await user.client.post('/api/payment/process', { method: 'dana', amountMinor: 5_000_000 }, idem());
    expect(res.status).toBe(201);
    const cancel = await user.client.post(`/api/payment/${res.body.id}/cancel`, {});
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.message).toMatch(/cannot be cancelled: Xendit voids an e-wallet charge only once it has succeeded.*Instead: let it expire.*refund it once it has succeeded/);
    expect(xendit().payments.find((p) => p.referenceId === res.body.orderId)?.status).toBe('PENDING');
    expect((await user.client.get(`/api/payment/${res.body.id}`)).body.status).toBe('pending');
  });

  it('reads a retried Midtrans refund that Midtrans reports as a duplicate refund_key as the refund already made', async () => {
    const pay = await paid(user.client, { method: 'gopay', amountMinor: 10_000_000 });
    // The first attempt reached Midtrans but its answer never came back: Midtrans already holds refund key -r1.
    const serverKey = t.hub.webhookSecrets.midtransServerKey;
    const first = await fetch(`${midtrans().url}/v2/${pay.orderId}/refund`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${serverKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ refund_key: `${pay.orderId}-r1`, amount: 30_000 }),
    });
    expect(((await first.json()) as { status_code: string }).status_code).toBe('200');
    const retried = await user.client.post(`/api/payment/${pay.id}/refund`, { amountMinor: 3_000_000 });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'partially_refunded', refundedAmountMinor: 3_000_000 });
    // Still one refund at Midtrans.
    expect(midtrans().transactions.find((tx) => tx.order_id === pay.orderId)?.refunds).toHaveLength(1);
  });
});

describe('direct debit', () => {
  it('refuses a direct-debit payment before any account is linked, with 409 saying how to link', async () => {
    const u = await t.createUser('Belum Tertaut');
    const res = await u.client.post('/api/payment/process', { method: 'direct_debit_bri', amountMinor: 15_000_000, mobileNumber: '081234567890' }, idem());
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/no linked BRI account for direct debit: link your BRI account first: POST \/api\/payment\/direct-debit\/links/);
    expect(await t.hub.models.Payment.countDocuments({ userId: u.id })).toBe(0);
  });

  it('links BRI with the OTP, keeps the token encrypted, debits the linked account, and refuses again once unlinked', async () => {
    const u = await t.createUser('Budi');
    const start = await u.client.post('/api/payment/direct-debit/links', { method: 'direct_debit_bri', mobileNumber: '081234567890', cardLastFour: '8888', cardExpiry: '06/30' });
    expect(start.status).toBe(201);
    expect(start.body).toMatchObject({ method: 'direct_debit_bri', channel: 'BRI', status: 'pending', nextStep: { kind: 'otp', how: expect.stringContaining(`/api/payment/direct-debit/links/${start.body.id}/otp`) } });

    const wrong = await u.client.post(`/api/payment/direct-debit/links/${start.body.id}/otp`, { otp: '111111' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.issues[0]).toMatchObject({ field: 'otp' });
    const confirmed = await u.client.post(`/api/payment/direct-debit/links/${start.body.id}/otp`, { otp: XENDIT_SANDBOX_OTP });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'active', accountLabel: 'card •••• 8888' });
    expect(confirmed.body.nextStep).toBeUndefined();
    // Times are shown in Asia/Jakarta like every other answer (README: Times), not as UTC `Z` strings.
    expect(start.body.createdAt).toMatch(/\+07:00$/);
    expect(confirmed.body.activatedAt).toMatch(/\+07:00$/);
    expect(Date.parse(confirmed.body.activatedAt)).toBeGreaterThanOrEqual(Date.parse(start.body.createdAt));

    // The provider's token is a bearer credential: encrypted at rest, never answered.
    const stored = await t.hub.models.LinkedAccount.findById(start.body.id).lean();
    const token = xendit().paymentMethods.at(-1)!.id;
    expect(stored?.tokenEnc).toMatch(/^enc:v1:/);
    expect(stored?.tokenEnc).not.toContain(token);
    expect(JSON.stringify(confirmed.body)).not.toContain(token);
    const listed = await u.client.get('/api/payment/direct-debit/links');
    expect(listed.body.links).toEqual([expect.objectContaining({ id: start.body.id, status: 'active' })]);
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const pay = await u.client.post('/api/payment/process', { method: 'direct_debit_bri', amountMinor: 15_000_000, mobileNumber: '081234567890' }, idem());
    expect(pay.status).toBe(201);
    expect(pay.body).toMatchObject({ status: 'pending', provider: 'xendit', chargeState: 'accepted' });
    const request = xendit().payments.find((p) => p.referenceId === pay.body.orderId)!;
    expect(request.extra.payment_method).toMatchObject({ id: token, type: 'DIRECT_DEBIT' });
    await xendit().complete(pay.body.orderId);
    await t.hub.inboxProcessor.drain();
    expect((await u.client.get(`/api/payment/${pay.body.id}`)).body.status).toBe('success');

    const unlinked = await u.client.delete(`/api/payment/direct-debit/links/${start.body.id}`);
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.status).toBe('unlinked');
    expect(xendit().paymentMethods.find((m) => m.id === token)?.status).toBe('EXPIRED');
    const again = await u.client.post('/api/payment/process', { method: 'direct_debit_bri', amountMinor: 15_000_000, mobileNumber: '081234567890' }, idem());
    expect(again.status).toBe(409);
    // Another user's link is not found, not forbidden.
    expect((await user.client.delete(`/api/payment/direct-debit/links/${start.body.id}`)).status).toBe(404);
  });

  it("links Mandiri on the bank's page: pending with its URL until the account holder approves, then active", async () => {
    const u = await t.createUser('Sari');
    const missing = await u.client.post('/api/payment/direct-debit/links', { method: 'direct_debit_mandiri' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues[0]).toMatchObject({ field: 'returnUrl' });
    const start = await u.client.post('/api/payment/direct-debit/links', { method: 'direct_debit_mandiri', returnUrl: 'https://app.smartwealth.id/linked' });
    expect(start.status).toBe(201);
    expect(start.body).toMatchObject({ status: 'pending', nextStep: { kind: 'redirect', url: expect.stringContaining(`${xendit().url}/_sandbox/link/`) } });
    const otp = await u.client.post(`/api/payment/direct-debit/links/${start.body.id}/otp`, { otp: XENDIT_SANDBOX_OTP });
    expect(otp.status).toBe(409);
    expect((await u.client.get('/api/payment/direct-debit/links')).body.links[0].status).toBe('pending');
    const paymentMethod = xendit().paymentMethods.at(-1)!;
    await xendit().approveLink(paymentMethod.id);
    // Xendit's payment_method.activated callback makes it active (confirmed by asking Xendit), with no listing
    // needed, and the user is told.
    const stored = await eventually(() => t.hub.models.LinkedAccount.findById(start.body.id).lean(), (doc) => doc?.status === 'active', 10_000);
    expect(stored?.activatedAt).toBeInstanceOf(Date);
    const told = await t.hub.models.Notification.findOne({ userId: stored!.userId, kind: 'payment.direct_debit.linked' }).lean();
    expect(told?.body).toContain('MANDIRI');
    const callback = await t.hub.models.WebhookEvent.findOne({ provider: 'xendit', eventKey: { $regex: `^xendit:payment_method.activated:${paymentMethod.id}:` } }).lean();
    expect(callback?.status).toBe('applied');

    // A correctly tokened callback naming a link that is not ours is kept for a person, and changes nothing.
    const forged = { event: 'payment_method.activated', created: new Date().toISOString(), data: { id: 'pm-not-ours', reference_id: 'swh-link-0123456789abcdef01234567', status: 'ACTIVE' } };
    const res = await fetch(`${t.url}/webhooks/xendit`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-callback-token': t.hub.webhookSecrets.xenditCallbackToken! }, body: JSON.stringify(forged) });
    expect(res.status).toBe(200);
    const kept = await eventually(() => t.hub.models.WebhookEvent.findOne({ provider: 'xendit', 'normalized.link.referenceId': 'swh-link-0123456789abcdef01234567' }).lean(), (doc) => doc?.status === 'unmatched', 10_000);
    expect(kept?.outcome).toContain('no direct-debit link');

    const listed = await u.client.get('/api/payment/direct-debit/links');
    expect(listed.body.links[0]).toMatchObject({ id: start.body.id, status: 'active', accountLabel: expect.stringMatching(/^account X+\d{4}$/) });
    const pay = await u.client.post('/api/payment/process', { method: 'direct_debit_mandiri', amountMinor: 12_000_000, mobileNumber: '081298765432' }, idem());
    expect(pay.status).toBe(201);
  });
});
