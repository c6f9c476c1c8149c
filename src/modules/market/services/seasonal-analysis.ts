/**
 * How a user's spending moves with the seasons: spending by category per month (ledger debits, own transfers
 * excluded, converted into the home currency at the rate of each transaction's date) beside that month's rainfall
 * and temperature in their city, and a rainy-vs-dry comparison per category.
 */
import type { Types } from 'mongoose';
import { validationFailed } from '../../../lib/errors.js';
import type { LedgerTransactionModel } from '../../ledger/models/transaction.js';
import { currencyInfo } from './currencies.js';
import type { RatesService } from './rates-service.js';
import { monthsBetween, type MonthlyWeather, type WeatherService } from './weather-service.js';

export interface SeasonalMonth extends MonthlyWeather {
  spendingMinor: number;
  byCategory: Record<string, number>;
}

export interface CategoryComparison {
  category: string;
  rainyMonthlyAverageMinor: number | null;
  dryMonthlyAverageMinor: number | null;
  /** Percent more (or less) spent per rainy month than per dry month; null without both seasons. */
  rainyVsDryPercent: number | null;
  /** Pearson correlation of monthly spending with monthly rainfall (−1…1); null when it cannot be computed. */
  rainfallCorrelation: number | null;
}

export interface SeasonalAnalysis {
  city: string;
  currency: string;
  firstMonth: string;
  lastMonth: string;
  months: SeasonalMonth[];
  categories: CategoryComparison[];
  totals: { rainyMonths: number; dryMonths: number; rainyMonthlyAverageMinor: number | null; dryMonthlyAverageMinor: number | null };
  weather: { source: string; stale: boolean; ageSeconds: number; attribution?: string };
  /** Foreign-currency rows were converted with rates of their date; true when any such rate came from stale cache. */
  ratesStale: boolean;
}

export class SeasonalAnalysisService {
  constructor(
    private readonly deps: {
      transactions: LedgerTransactionModel;
      weather: WeatherService;
      rates: RatesService;
      now: () => Date;
      weatherAttribution?: string;
    },
  ) {}

  /** The last `months` complete months (1–36) for `city`, amounts in `currency`. */
  async analyse(userId: Types.ObjectId | string, options: { city: string; months?: number; currency?: string }): Promise<SeasonalAnalysis> {
    const count = options.months ?? 12;
    if (!Number.isInteger(count) || count < 1 || count > 36) throw validationFailed([{ field: 'months', reason: 'a whole number from 1 to 36' }]);
    const currency = currencyInfo(options.currency ?? 'IDR', 'currency').code;
    const jakartaNow = new Date(this.deps.now().getTime() + 7 * 3_600_000);
    const lastMonthDate = new Date(Date.UTC(jakartaNow.getUTCFullYear(), jakartaNow.getUTCMonth() - 1, 1));
    const firstMonthDate = new Date(Date.UTC(lastMonthDate.getUTCFullYear(), lastMonthDate.getUTCMonth() - (count - 1), 1));
    const firstMonth = firstMonthDate.toISOString().slice(0, 7);
    const lastMonth = lastMonthDate.toISOString().slice(0, 7);

    const weather = await this.deps.weather.monthly(options.city, firstMonth, lastMonth);
    const { spending, ratesStale } = await this.spending(userId, firstMonth, lastMonth, currency);

    const months: SeasonalMonth[] = monthsBetween(firstMonth, lastMonth).flatMap((month) => {
      const w = weather.months.find((m) => m.month === month);
      if (!w) return [];
      const byCategory = spending.get(month) ?? {};
      return [{ ...w, byCategory, spendingMinor: Object.values(byCategory).reduce((s, v) => s + v, 0) }];
    });
    const categories = [...new Set(months.flatMap((m) => Object.keys(m.byCategory)))].sort();
    const rainy = months.filter((m) => m.season === 'rainy');
    const dry = months.filter((m) => m.season === 'dry');
    const average = (list: SeasonalMonth[], pick: (m: SeasonalMonth) => number) => (list.length ? Math.round(list.reduce((s, m) => s + pick(m), 0) / list.length) : null);
    const comparisons: CategoryComparison[] = categories.map((category) => {
      const pick = (m: SeasonalMonth) => m.byCategory[category] ?? 0;
      const rainyAvg = average(rainy, pick);
      const dryAvg = average(dry, pick);
      return {
        category,
        rainyMonthlyAverageMinor: rainyAvg,
        dryMonthlyAverageMinor: dryAvg,
        rainyVsDryPercent: rainyAvg !== null && dryAvg ? Math.round(((rainyAvg - dryAvg) / dryAvg) * 1000) / 10 : null,
        rainfallCorrelation: pearson(months.map((m) => m.rainfallMm), months.map(pick)),
      };
    });
    comparisons.sort((a, b) => Math.abs(b.rainyVsDryPercent ?? 0) - Math.abs(a.rainyVsDryPercent ?? 0));
    return {
      city: weather.place.name,
      currency,
      firstMonth,
      lastMonth,
      months,
      categories: comparisons,
      totals: {
        rainyMonths: rainy.length,
        dryMonths: dry.length,
        rainyMonthlyAverageMinor: average(rainy, (m) => m.spendingMinor),
        dryMonthlyAverageMinor: average(dry, (m) => m.spendingMinor),
      },
      weather: { source: weather.source, stale: weather.stale, ageSeconds: weather.ageSeconds, ...(this.deps.weatherAttribution ? { attribution: this.deps.weatherAttribution } : {}) },
      ratesStale,
    };
  }

  /** Spending (positive minor units of `currency`) by month and category. */
  private async spending(userId: Types.ObjectId | string, firstMonth: string, lastMonth: string, currency: string) {
    const rows = await this.deps.transactions
      .find(
        { userId, date: { $gte: `${firstMonth}-01`, $lte: `${lastMonth}-31` }, amountMinor: { $lt: 0 }, ownTransfer: { $ne: true } },
        { date: 1, amountMinor: 1, currency: 1, category: 1 },
      )
      .lean();
    // Sum per (month, category, currency, date) first: one conversion per foreign day, not per row.
    const groups = new Map<string, { month: string; category: string; currency: string; date: string; minor: bigint }>();
    for (const row of rows) {
      const key = `${row.date}|${row.category}|${row.currency}`;
      const group = groups.get(key) ?? { month: row.date.slice(0, 7), category: row.category || 'uncategorized', currency: row.currency, date: row.date, minor: 0n };
      group.minor += BigInt(-row.amountMinor);
      groups.set(key, group);
    }
    const spending = new Map<string, Record<string, number>>();
    let ratesStale = false;
    for (const group of groups.values()) {
      let minor = group.minor;
      if (group.currency !== currency) {
        const converted = await this.deps.rates.convertFromMinor(minor, group.currency, currency, group.date);
        ratesStale ||= converted.stale;
        minor = BigInt(converted.to.amountMinor);
      }
      const month = spending.get(group.month) ?? {};
      month[group.category] = (month[group.category] ?? 0) + Number(minor);
      spending.set(group.month, month);
    }
    return { spending, ratesStale };
  }
}

function pearson(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  if (n < 3) return null;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.round((sxy / Math.sqrt(sxx * syy)) * 100) / 100;
}
