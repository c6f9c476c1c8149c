/**
 * Read side of payments: history with filters and keyset paging, and analytics computed by MongoDB aggregation.
 */
import { Types, type PipelineStage } from 'mongoose';
import type { Models } from '../../../db/models/index.js';
import { STORED_PAYMENT_STATUSES } from '../models/payment.js';
import { LONG_QUERY_MAX_TIME_MS } from '../../../db/limits.js';
import { afterCursorDesc, pageOf } from '../../../lib/cursor.js';
import { JAKARTA, toJakartaIso } from '../../../lib/time.js';
import { PAYMENT_METHODS, PAYMENT_PROVIDERS } from '../providers/types.js';
import { z } from 'zod';
import type { Actor } from '../../../services/actor.js';
import { toPaymentView } from './views.js';
import { strictDate } from '../../../lib/dates.js';
import { analyticsInCurrency, type DatedAmountConverter } from './analytics-in-currency.js';

export const HistoryQuerySchema = z
  .object({
    status: z.enum(STORED_PAYMENT_STATUSES).optional(),
    method: z.enum(PAYMENT_METHODS).optional(),
    provider: z.enum(PAYMENT_PROVIDERS).optional(),
    from: strictDate().optional(),
    to: strictDate().optional(),
    minAmountMinor: z.coerce.number().int().min(0).optional(),
    maxAmountMinor: z.coerce.number().int().min(0).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine((q) => q.minAmountMinor === undefined || q.maxAmountMinor === undefined || q.minAmountMinor <= q.maxAmountMinor, {
    path: ['maxAmountMinor'],
    message: 'must not be below minAmountMinor',
  });
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

export const AnalyticsQuerySchema = z
  .object({
    from: strictDate().optional(),
    to: strictDate().optional(),
    period: z.enum(['day', 'week', 'month']).default('day'),
    /** Also show every money figure in this ISO 4217 currency, at the rate of each payment's date. */
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO 4217 code').optional(),
    /** `true`: the same in the home currency of the user's market settings. */
    homeCurrency: z.enum(['true', 'false']).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' });
export type AnalyticsQuery = z.infer<typeof AnalyticsQuerySchema>;

const SETTLED = ['success', 'partially_refunded', 'refunded'];
const FINISHED = [...SETTLED, 'failed', 'expired', 'cancelled'];

export class PaymentQueries {
  constructor(private readonly models: Pick<Models, 'Payment'>) {}

  async history(actor: Actor, query: HistoryQuery) {
    const filter: Record<string, unknown> = { userId: new Types.ObjectId(actor.userId) };
    if (query.status) filter.status = query.status;
    if (query.method) filter.method = query.method;
    if (query.provider) filter.provider = query.provider;
    if (query.from || query.to) filter.createdAt = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
    if (query.minAmountMinor !== undefined || query.maxAmountMinor !== undefined) {
      filter.amountMinor = {
        ...(query.minAmountMinor !== undefined ? { $gte: query.minAmountMinor } : {}),
        ...(query.maxAmountMinor !== undefined ? { $lte: query.maxAmountMinor } : {}),
      };
    }
    if (query.cursor) Object.assign(filter, afterCursorDesc('createdAt', query.cursor));
    const docs = await this.models.Payment.find(filter, { chargeSecrets: 0, requestHash: 0, dedupeKey: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    const { page, nextCursor } = pageOf(docs, query.limit, (d) => d.createdAt);
    return { payments: page.map(toPaymentView), nextCursor };
  }

  /** The analytics with every money figure also in `to`, at each payment date's rate (analytics-in-currency.ts). */
  async analyticsIn(actor: Actor, query: AnalyticsQuery, converter: DatedAmountConverter, to: string) {
    return analyticsInCurrency(this.models, actor, query, await this.analytics(actor, query), converter, to);
  }

  /**
   * Totals, counts, success rate and average settlement time by period (Asia/Jakarta calendar), method, provider
   * and status, per currency: one aggregation with $facet, so the numbers come from one consistent read.
   */
  async analytics(actor: Actor, query: AnalyticsQuery) {
    // A user's whole history: longer than the 8 s default (src/db/limits.ts).
    const [result] = await this.models.Payment.aggregate(analyticsPipeline(actor, query)).option({ maxTimeMS: LONG_QUERY_MAX_TIME_MS });

    const shape = (rows: GroupRow[]) =>
      rows.map((r) => ({
        key: r._id.key,
        currency: r._id.currency,
        count: r.count,
        successCount: r.successCount,
        pendingCount: r.count - r.finishedCount,
        successRate: r.finishedCount ? Math.round((r.successCount / r.finishedCount) * 10_000) / 10_000 : null,
        totalAmountMinor: r.totalAmountMinor,
        settledAmountMinor: r.settledAmountMinor,
        refundedAmountMinor: r.refundedAmountMinor,
        netSettledAmountMinor: r.settledAmountMinor - r.refundedAmountMinor,
        averageSettlementSeconds: r.settlementCount ? Math.round(r.settlementMsTotal / r.settlementCount / 1000) : null,
      }));
    return {
      period: query.period,
      timezone: JAKARTA,
      from: query.from ? toJakartaIso(query.from) : null,
      to: query.to ? toJakartaIso(query.to) : null,
      totals: shape(result?.totals ?? []),
      byPeriod: shape(result?.byPeriod ?? []),
      byMethod: shape(result?.byMethod ?? []),
      byProvider: shape(result?.byProvider ?? []),
      byStatus: shape(result?.byStatus ?? []),
    };
  }
}

/** The payments analytics count (also read by analyticsInCurrency, so both see the same payments). */
export function analyticsMatch(actor: Pick<Actor, 'userId'>, query: Pick<AnalyticsQuery, 'from' | 'to'>): Record<string, unknown> {
  const match: Record<string, unknown> = { userId: new Types.ObjectId(actor.userId), status: { $ne: 'scheduled' } };
  if (query.from || query.to) match.createdAt = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
  return match;
}

/**
 * The analytics aggregation for one user: a $match, then one $facet of five $groups. A pure function, exported so
 * the emulator's benchmarks run exactly the pipeline the hub runs.
 */
export function analyticsPipeline(actor: Pick<Actor, 'userId'>, query: Pick<AnalyticsQuery, 'from' | 'to' | 'period'>): PipelineStage[] {
  const match = analyticsMatch(actor, query);

  const periodFormat = { day: '%Y-%m-%d', week: '%G-W%V', month: '%Y-%m' }[query.period];
  const summarize = {
    count: { $sum: 1 },
    successCount: { $sum: { $cond: [{ $in: ['$status', SETTLED] }, 1, 0] } },
    // Payments with an outcome; the success rate is over these, so payments still open do not lower it.
    finishedCount: { $sum: { $cond: [{ $in: ['$status', FINISHED] }, 1, 0] } },
    totalAmountMinor: { $sum: '$amountMinor' },
    settledAmountMinor: { $sum: { $cond: [{ $in: ['$status', SETTLED] }, '$amountMinor', 0] } },
    refundedAmountMinor: { $sum: { $ifNull: ['$refundedAmountMinor', 0] } },
    // $and treats a present date as true and a missing field as false, on MongoDB and on the emulator alike.
    settlementMsTotal: { $sum: { $cond: [{ $and: [{ $in: ['$status', SETTLED] }, '$settledAt'] }, { $subtract: ['$settledAt', '$createdAt'] }, 0] } },
    settlementCount: { $sum: { $cond: [{ $and: [{ $in: ['$status', SETTLED] }, '$settledAt'] }, 1, 0] } },
  };
  const groupBy = (key: unknown) => [{ $group: { _id: { key, currency: '$currency' }, ...summarize } }, { $sort: { '_id.key': 1 as const, '_id.currency': 1 as const } }];
  return [
    { $match: match },
    {
      $facet: {
        totals: [{ $group: { _id: { key: 'all', currency: '$currency' }, ...summarize } }, { $sort: { '_id.currency': 1 } }],
        byPeriod: groupBy({ $dateToString: { format: periodFormat, date: '$createdAt', timezone: JAKARTA } }),
        byMethod: groupBy('$method'),
        byProvider: groupBy('$provider'),
        byStatus: groupBy('$status'),
      },
    },
  ];
}

interface GroupRow {
  _id: { key: string; currency: string };
  count: number;
  successCount: number;
  finishedCount: number;
  totalAmountMinor: number;
  settledAmountMinor: number;
  refundedAmountMinor: number;
  settlementMsTotal: number;
  settlementCount: number;
}
