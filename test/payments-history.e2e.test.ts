/**
 * The read side of payments: history filters and keyset paging (ties included), and analytics grouped by the
 * Asia/Jakarta calendar. Payments are seeded straight into the database with chosen times and states, so each
 * expectation below is worked out by hand from the seed.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type ApiClient, type TestHub } from './harness.js';

let t: TestHub;
let user: { id: string; client: ApiClient };
let other: { id: string; client: ApiClient };

type Seed = { at: string; method: string; provider: string; amountMinor: number; status: string; settledAfterSec?: number; refundedAmountMinor?: number };

// 2026-11-24T17:30Z is already 25 November in Jakarta (+07:00); 2026-11-30T18:00Z is 1 December there.
const SEED: Seed[] = [
  { at: '2026-11-24T16:00:00Z', method: 'qris', provider: 'midtrans', amountMinor: 1_000_000, status: 'success', settledAfterSec: 10 },
  { at: '2026-11-24T17:30:00Z', method: 'qris', provider: 'xendit', amountMinor: 2_000_000, status: 'failed' },
  { at: '2026-11-25T03:00:00Z', method: 'va_bca', provider: 'midtrans', amountMinor: 50_000_000, status: 'success', settledAfterSec: 30 },
  { at: '2026-11-25T03:00:00Z', method: 'va_bca', provider: 'midtrans', amountMinor: 30_000_000, status: 'refunded', settledAfterSec: 20, refundedAmountMinor: 30_000_000 },
  { at: '2026-11-25T03:00:00Z', method: 'ovo', provider: 'xendit', amountMinor: 5_000_000, status: 'pending' },
  { at: '2026-11-30T18:00:00Z', method: 'ovo', provider: 'xendit', amountMinor: 7_000_000, status: 'expired' },
];

async function seed(userId: string, rows: Seed[]) {
  await t.hub.models.Payment.collection.insertMany(
    rows.map((r, i) => {
      const createdAt = new Date(r.at);
      return {
        userId: new Types.ObjectId(userId),
        orderId: `SEED-${userId}-${i}`,
        provider: r.provider,
        method: r.method,
        amountMinor: r.amountMinor,
        currency: 'IDR',
        status: r.status,
        chargeState: 'accepted',
        refundedAmountMinor: r.refundedAmountMinor ?? 0,
        origin: { kind: 'api' },
        history: [],
        refunds: [],
        ...(r.settledAfterSec !== undefined ? { settledAt: new Date(createdAt.getTime() + r.settledAfterSec * 1000) } : {}),
        createdAt,
        updatedAt: createdAt,
      };
    }),
  );
}

beforeAll(async () => {
  t = await startTestHub({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  user = await t.createUser('Sejarah');
  other = await t.createUser('Orang lain');
  await seed(user.id, SEED);
  await seed(other.id, SEED.slice(0, 2));
});
afterAll(async () => t?.stop());

const orderIndexes = (body: { payments: { orderId: string }[] }) => body.payments.map((p) => Number(p.orderId.split('-').at(-1)));

describe('history', () => {
  it('lists newest first and pages through ties on the creation time without losing or repeating a payment', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { payments: { orderId: string }[]; nextCursor: string | null } } = await user.client.get(`/api/payment/history?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...orderIndexes(res.body));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.slice(0, 1)).toEqual([5]);
    // The three created at the same instant come in one stable order, each once.
    expect(seen.slice(1, 4).sort()).toEqual([2, 3, 4]);
    expect(seen.slice(4)).toEqual([1, 0]);
  });

  it.each([
    ['status', 'status=success', [2, 0]],
    ['method', 'method=ovo', [5, 4]],
    ['provider', 'provider=xendit', [5, 4, 1]],
    ['date range (inclusive)', `from=${encodeURIComponent('2026-11-24T17:30:00Z')}&to=${encodeURIComponent('2026-11-25T03:00:00Z')}`, [4, 3, 2, 1]],
    ['amount range (inclusive)', 'minAmountMinor=2000000&maxAmountMinor=30000000', [5, 4, 3, 1]],
    ['several at once', 'provider=midtrans&minAmountMinor=10000000', [3, 2]],
  ])('filters by %s', async (_name, query, expected) => {
    const res = await user.client.get(`/api/payment/history?${query}`);
    expect(res.status).toBe(200);
    expect(orderIndexes(res.body).sort()).toEqual([...(expected as number[])].sort());
  });

  it('shows each user only their own payments', async () => {
    const res = await other.client.get('/api/payment/history');
    expect(res.body.payments.map((p: { orderId: string }) => p.orderId)).toEqual([`SEED-${other.id}-1`, `SEED-${other.id}-0`]);
  });

  it.each([
    ['an unknown status', 'status=paid', 'status'],
    ['a reversed date range', 'from=2026-11-25&to=2026-11-24', 'to'],
    ['a reversed amount range', 'minAmountMinor=5&maxAmountMinor=1', 'maxAmountMinor'],
    ['a negative amount', 'minAmountMinor=-1', 'minAmountMinor'],
    ['a page too large', 'limit=1000', 'limit'],
    ['a cursor that is not one', 'cursor=garbage', 'cursor'],
  ])('refuses %s with 400 naming the field', async (_name, query, field) => {
    const res = await user.client.get(`/api/payment/history?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
  });
});

describe('analytics', () => {
  it('groups by the Jakarta calendar day, with counts, success rates, amounts and settlement times worked out from the seed', async () => {
    const res = await user.client.get('/api/payment/analytics?period=day');
    expect(res.status).toBe(200);
    const byDay = Object.fromEntries(res.body.byPeriod.map((r: { key: string }) => [r.key, r]));
    expect(Object.keys(byDay).sort()).toEqual(['2026-11-24', '2026-11-25', '2026-12-01']);
    expect(byDay['2026-11-24']).toMatchObject({ count: 1, successCount: 1, successRate: 1, settledAmountMinor: 1_000_000, averageSettlementSeconds: 10 });
    // 17:30Z on the 24th belongs to the 25th in Jakarta: one failure, two settled (one refunded), one pending.
    expect(byDay['2026-11-25']).toMatchObject({
      count: 4,
      successCount: 2,
      pendingCount: 1,
      successRate: 0.6667,
      totalAmountMinor: 87_000_000,
      settledAmountMinor: 80_000_000,
      refundedAmountMinor: 30_000_000,
      netSettledAmountMinor: 50_000_000,
      averageSettlementSeconds: 25,
    });
    expect(byDay['2026-12-01']).toMatchObject({ count: 1, successCount: 0, successRate: 0, averageSettlementSeconds: null });
  });

  it('groups by month and provider, and limits to a date range', async () => {
    const byMonth = await user.client.get('/api/payment/analytics?period=month');
    expect(byMonth.body.byPeriod.map((r: { key: string; count: number }) => [r.key, r.count])).toEqual([
      ['2026-11', 5],
      ['2026-12', 1],
    ]);
    const byProvider = Object.fromEntries(byMonth.body.byProvider.map((r: { key: string; count: number; successCount: number }) => [r.key, [r.count, r.successCount]]));
    expect(byProvider).toEqual({ midtrans: [3, 3], xendit: [3, 0] });

    const ranged = await user.client.get(`/api/payment/analytics?period=day&from=${encodeURIComponent('2026-11-25T00:00:00Z')}`);
    expect(ranged.body.totals[0]).toMatchObject({ count: 4, successCount: 2 });
    // The range is answered in Jakarta time, like every other instant the API shows.
    expect(ranged.body.from).toBe('2026-11-25T07:00:00+07:00');
  });
});
