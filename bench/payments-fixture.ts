/**
 * One user's payments as the hub stores them, for the emulator benchmarks: statuses, methods and providers in
 * realistic shares, createdAt spread over about two years, settlement times for settled ones, a few refunds and a
 * few USD payments. Deterministic (a seeded generator), so runs compare.
 */
import { ObjectId } from 'bson';

const STATUSES = ['success', 'success', 'success', 'success', 'failed', 'expired', 'pending', 'refunded', 'partially_refunded', 'cancelled', 'scheduled'];
const METHODS = ['qris', 'qris', 'va_bca', 'va_bni', 'ovo', 'gopay', 'card'];
const PROVIDERS = ['midtrans', 'xendit'];
const SETTLED = new Set(['success', 'partially_refunded', 'refunded']);

export function paymentDocs(userId: ObjectId, from: number, count: number, now = Date.UTC(2026, 11, 1)): Record<string, unknown>[] {
  let seed = 1 + from;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const docs: Record<string, unknown>[] = [];
  for (let i = from; i < from + count; i++) {
    const status = STATUSES[Math.floor(next() * STATUSES.length)];
    const createdAt = new Date(now - Math.floor(next() * 730 * 86_400_000));
    const amountMinor = (1 + Math.floor(next() * 5000)) * 100_00;
    docs.push({
      _id: new ObjectId(),
      userId,
      orderId: `BENCH-${userId.toHexString()}-${i}`,
      provider: PROVIDERS[Math.floor(next() * PROVIDERS.length)],
      method: METHODS[Math.floor(next() * METHODS.length)],
      amountMinor,
      currency: next() < 0.05 ? 'USD' : 'IDR',
      status,
      chargeState: 'accepted',
      refundedAmountMinor: status === 'refunded' ? amountMinor : status === 'partially_refunded' ? Math.floor(amountMinor / 2) : 0,
      origin: { kind: 'api' },
      history: [],
      refunds: [],
      ...(SETTLED.has(status) ? { settledAt: new Date(createdAt.getTime() + Math.floor(next() * 600_000)) } : {}),
      createdAt,
      updatedAt: createdAt,
    });
  }
  return docs;
}

const SETTLED_LIST = ['success', 'partially_refunded', 'refunded'];
const FINISHED = [...SETTLED_LIST, 'failed', 'expired', 'cancelled'];

/** The hub's payment analytics pipeline (src: payment queries, analytics), for `period`. */
export function analyticsPipeline(userId: ObjectId, period: 'day' | 'week' | 'month'): Record<string, unknown>[] {
  const periodFormat = { day: '%Y-%m-%d', week: '%G-W%V', month: '%Y-%m' }[period];
  const summarize = {
    count: { $sum: 1 },
    successCount: { $sum: { $cond: [{ $in: ['$status', SETTLED_LIST] }, 1, 0] } },
    finishedCount: { $sum: { $cond: [{ $in: ['$status', FINISHED] }, 1, 0] } },
    totalAmountMinor: { $sum: '$amountMinor' },
    settledAmountMinor: { $sum: { $cond: [{ $in: ['$status', SETTLED_LIST] }, '$amountMinor', 0] } },
    refundedAmountMinor: { $sum: { $ifNull: ['$refundedAmountMinor', 0] } },
    settlementMsTotal: { $sum: { $cond: [{ $and: [{ $in: ['$status', SETTLED_LIST] }, '$settledAt'] }, { $subtract: ['$settledAt', '$createdAt'] }, 0] } },
    settlementCount: { $sum: { $cond: [{ $and: [{ $in: ['$status', SETTLED_LIST] }, '$settledAt'] }, 1, 0] } },
  };
  const groupBy = (key: unknown) => [{ $group: { _id: { key, currency: '$currency' }, ...summarize } }, { $sort: { '_id.key': 1, '_id.currency': 1 } }];
  return [
    { $match: { userId, status: { $ne: 'scheduled' } } },
    {
      $facet: {
        totals: [{ $group: { _id: { key: 'all', currency: '$currency' }, ...summarize } }, { $sort: { '_id.currency': 1 } }],
        byPeriod: groupBy({ $dateToString: { format: periodFormat, date: '$createdAt', timezone: 'Asia/Jakarta' } }),
        byMethod: groupBy('$method'),
        byProvider: groupBy('$provider'),
        byStatus: groupBy('$status'),
      },
    },
  ];
}

interface Row {
  key: string;
  currency: string;
  count: number;
  successCount: number;
  finishedCount: number;
  totalAmountMinor: number;
  settledAmountMinor: number;
  refundedAmountMinor: number;
  settlementMsTotal: number;
  settlementCount: number;
}

/**
 * The same figures in a plain loop, the baseline for the aggregation benchmark: one pass, a Map per grouping, the
 * Jakarta month from a fixed +07:00 (Jakarta has no daylight saving). Month periods only.
 */
export function analyticsByHand(docs: Record<string, unknown>[], userId: ObjectId): Record<string, Row[]> {
  const settled = new Set(SETTLED_LIST);
  const finished = new Set(FINISHED);
  const groupings = { totals: new Map<string, Row>(), byPeriod: new Map<string, Row>(), byMethod: new Map<string, Row>(), byProvider: new Map<string, Row>(), byStatus: new Map<string, Row>() };
  const user = userId.toHexString();
  for (const d of docs) {
    if (!(d.userId as ObjectId).equals(userId) || d.status === "scheduled") continue;
    const wall = new Date((d.createdAt as Date).getTime() + 7 * 3_600_000);
    const month = `${wall.getUTCFullYear()}-${String(wall.getUTCMonth() + 1).padStart(2, '0')}`;
    const isSettled = settled.has(d.status as string);
    const keys: [Map<string, Row>, string][] = [
      [groupings.totals, 'all'],
      [groupings.byPeriod, month],
      [groupings.byMethod, d.method as string],
      [groupings.byProvider, d.provider as string],
      [groupings.byStatus, d.status as string],
    ];
    for (const [map, key] of keys) {
      const id = `${key}\u0000${d.currency as string}`;
      let row = map.get(id);
      if (!row) map.set(id, (row = { key, currency: d.currency as string, count: 0, successCount: 0, finishedCount: 0, totalAmountMinor: 0, settledAmountMinor: 0, refundedAmountMinor: 0, settlementMsTotal: 0, settlementCount: 0 }));
      row.count++;
      if (isSettled) row.successCount++;
      if (finished.has(d.status as string)) row.finishedCount++;
      row.totalAmountMinor += d.amountMinor as number;
      if (isSettled) row.settledAmountMinor += d.amountMinor as number;
      row.refundedAmountMinor += (d.refundedAmountMinor as number | undefined) ?? 0;
      if (isSettled && d.settledAt) {
        row.settlementMsTotal += (d.settledAt as Date).getTime() - (d.createdAt as Date).getTime();
        row.settlementCount++;
      }
    }
  }
  const out: Record<string, Row[]> = {};
  for (const [name, map] of Object.entries(groupings)) out[name] = [...map.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.currency < b.currency ? -1 : 1));
  return out;
}
