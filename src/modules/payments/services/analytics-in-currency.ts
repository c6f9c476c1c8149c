/**
 * Payment analytics in one currency (the user's home currency or one asked for): every money figure of every group
 * gets a `converted` twin beside the original amount and currency, and `conversion.total` sums all currencies.
 *
 * "At the rate of its date": the amounts are re-read summed per Jakarta day, currency, method, provider and status
 * (the finest grouping any facet needs), each of those sums is converted at its day's rate and rounded once, and
 * the facets add the converted sums up. So byMethod, byStatus and the total agree to the sen. A refund is valued at
 * its payment's date (the figure it reduces). The converter is the market capability's (services.marketHomeCurrency),
 * seen through the small port below so payments does not depend on how rates are found.
 */
import { DateTime } from 'luxon';
import type { Models } from '../../../db/models/index.js';
import { JAKARTA } from '../../../lib/time.js';
import type { Actor } from '../../../services/actor.js';
import { analyticsMatch, type AnalyticsQuery } from './payment-queries.js';

export interface DatedAmountConverter {
  convertEach(amounts: { amountMinor: number; currency: string; date: string }[], to: string): Promise<{ items: { converted: { amountMinor: number } }[]; stale: boolean }>;
}

const FIELDS = ['totalAmountMinor', 'settledAmountMinor', 'refundedAmountMinor'] as const;
type Field = (typeof FIELDS)[number];
type ConvertedFigures = Record<Field | 'netSettledAmountMinor', number> & { currency: string };

interface Group {
  key: string;
  currency: string;
}

interface Analytics {
  period: 'day' | 'week' | 'month';
  totals: Group[];
  byPeriod: Group[];
  byMethod: Group[];
  byProvider: Group[];
  byStatus: Group[];
}

const SETTLED = ['success', 'partially_refunded', 'refunded'];

export async function analyticsInCurrency<A extends Analytics>(
  models: Pick<Models, 'Payment'>,
  actor: Actor,
  query: AnalyticsQuery,
  analytics: A,
  converter: DatedAmountConverter,
  to: string,
) {
  const rows: { _id: { day: string; currency: string; method: string; provider: string; status: string }; totalAmountMinor: number; settledAmountMinor: number; refundedAmountMinor: number }[] =
    await models.Payment.aggregate([
      { $match: analyticsMatch(actor, query) },
      {
        $group: {
          _id: { day: { $dateToString: { format: '%Y-%m-%d', date: '$createdAt', timezone: JAKARTA } }, currency: '$currency', method: '$method', provider: '$provider', status: '$status' },
          totalAmountMinor: { $sum: '$amountMinor' },
          settledAmountMinor: { $sum: { $cond: [{ $in: ['$status', SETTLED] }, '$amountMinor', 0] } },
          refundedAmountMinor: { $sum: { $ifNull: ['$refundedAmountMinor', 0] } },
        },
      },
    ]);

  const amounts = rows.flatMap((r) => FIELDS.map((f) => ({ amountMinor: r[f], currency: r._id.currency, date: r._id.day })));
  const { items, stale } = await converter.convertEach(amounts, to);

  // Facet → "key|original currency" → converted sums.
  const sums = new Map<string, Map<string, Record<Field, number>>>();
  const add = (facet: string, key: string, currency: string, field: Field, value: number) => {
    const facetMap = sums.get(facet) ?? new Map<string, Record<Field, number>>();
    sums.set(facet, facetMap);
    const id = `${key}|${currency}`;
    const entry = facetMap.get(id) ?? { totalAmountMinor: 0, settledAmountMinor: 0, refundedAmountMinor: 0 };
    entry[field] += value;
    facetMap.set(id, entry);
  };
  rows.forEach((r, i) => {
    FIELDS.forEach((field, j) => {
      const value = items[i * FIELDS.length + j].converted.amountMinor;
      const { day, currency, method, provider, status } = r._id;
      add('totals', 'all', currency, field, value);
      add('byPeriod', periodKey(day, analytics.period), currency, field, value);
      add('byMethod', method, currency, field, value);
      add('byProvider', provider, currency, field, value);
      add('byStatus', status, currency, field, value);
      add('grand', 'all', '*', field, value);
    });
  });

  const figures = (s: Record<Field, number> | undefined): ConvertedFigures => {
    const v = s ?? { totalAmountMinor: 0, settledAmountMinor: 0, refundedAmountMinor: 0 };
    return { currency: to, ...v, netSettledAmountMinor: v.settledAmountMinor - v.refundedAmountMinor };
  };
  const withConverted = <G extends Group>(facet: string, groups: G[]) => groups.map((g) => ({ ...g, converted: figures(sums.get(facet)?.get(`${g.key}|${g.currency}`)) }));
  return {
    ...analytics,
    totals: withConverted('totals', analytics.totals),
    byPeriod: withConverted('byPeriod', analytics.byPeriod),
    byMethod: withConverted('byMethod', analytics.byMethod),
    byProvider: withConverted('byProvider', analytics.byProvider),
    byStatus: withConverted('byStatus', analytics.byStatus),
    conversion: {
      currency: to,
      basis: 'each amount at the reference rate of its Jakarta day (the working day before on weekends and holidays)',
      /** True when a rate came from cache because its source was down. */
      stale,
      total: figures(sums.get('grand')?.get('all|*')),
    },
  };
}

/** The same period keys the analytics aggregation makes ($dateToString %Y-%m-%d, %G-W%V, %Y-%m). */
function periodKey(day: string, period: 'day' | 'week' | 'month'): string {
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  return DateTime.fromISO(day, { zone: JAKARTA }).toFormat("kkkk-'W'WW");
}
