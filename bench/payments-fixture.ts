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
// The statuses as the hub's analytics counts them (src/modules/payments/services/payment-queries.ts).
const SETTLED_LIST = ['success', 'partially_refunded', 'refunded'];
const FINISHED = [...SETTLED_LIST, 'failed', 'expired', 'cancelled'];

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
