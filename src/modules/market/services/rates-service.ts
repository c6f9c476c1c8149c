/**
 * Exchange rates and conversion. Sources in order of preference (Frankfurter/ECB first, open.er-api.com as the
 * fallback, which also lists the ~130 currencies the ECB does not); each source's whole table is cached, and any
 * pair is crossed through that table's base. Historical rates come from the sources that keep history.
 *
 * Choosing a table: the first source whose table quotes every asked currency and is fresh (or merely being
 * refreshed); else a fresh fallback; else the best stale table (its source down) marked stale with its age.
 */
import { validationFailed } from '../../../lib/errors.js';
import { SourceUnavailableError, UnknownCurrencyError } from '../errors.js';
import type { RateTable, RatesProvider } from '../providers/types.js';
import { convertMinor, crossRate, currencyInfo, formatMinor, parseMajorToMinor } from './currencies.js';
import { toSignificantString } from '../decimal.js';
import type { Cached, MarketCache } from './market-cache.js';

/** The ECB's first reference rates; nobody has rates for earlier dates. */
export const FIRST_RATES_DATE = '1999-01-04';
const DAY_MS = 86_400_000;

export interface RatesAnswer {
  base: string;
  /** The day the rates are for (a weekend or holiday gives the working day before). */
  date: string;
  source: string;
  rates: Record<string, string>;
  stale: boolean;
  ageSeconds: number;
  fetchedAt: string;
  attribution?: string;
  sourceError?: string;
}

export interface ConversionAnswer {
  from: { currency: string; amount: string; amountMinor: number };
  to: { currency: string; amount: string; amountMinor: number };
  /** Units of `to` per one `from`, for display; the conversion itself used the exact cross rate. */
  rate: string;
  date: string;
  source: string;
  stale: boolean;
  ageSeconds: number;
  attribution?: string;
  /** Why the source could not give a fresh rate just now, when the answer is stale because of it. */
  sourceError?: string;
}

export class RatesService {
  constructor(
    private readonly deps: {
      /** Primary first. */
      sources: RatesProvider[];
      cache: MarketCache;
      now: () => Date;
    },
  ) {}

  /** Rates of `symbols` (all the table has when empty) against `base`, today or on `date`. */
  async rates(base: string, symbols: string[] = [], date?: string): Promise<RatesAnswer> {
    const baseCode = currencyInfo(base, 'base').code;
    const wanted = [...new Set(symbols.map((s) => currencyInfo(s, 'symbols').code))].filter((s) => s !== baseCode);
    const day = this.checkDate(date);
    const cached = await this.table([baseCode, ...wanted], day, 'symbols');
    const table = cached.value;
    const codes = wanted.length ? wanted : [table.base, ...Object.keys(table.rates)].filter((c) => c !== baseCode && isConvertible(c)).sort();
    const rates: Record<string, string> = {};
    for (const code of codes) rates[code] = toSignificantString(crossRate(table.rates, table.base, baseCode, code));
    return { base: baseCode, date: table.date, source: cached.source, rates, ...freshness(cached), ...this.attribution(cached.source) };
  }

  /** Converts a decimal amount ("100", "12.5") of `from` into `to`, rounded once to `to`'s minor unit. */
  async convert(amount: string, from: string, to: string, date?: string): Promise<ConversionAnswer> {
    const fromCode = currencyInfo(from, 'from').code;
    const toCode = currencyInfo(to, 'to').code;
    const amountMinor = parseMajorToMinor(amount, fromCode, 'amount');
    return this.convertFromMinor(amountMinor, fromCode, toCode, date);
  }

  /** The same for an amount already in minor units (analytics and exports in the home currency). */
  async convertFromMinor(amountMinor: bigint | number, from: string, to: string, date?: string): Promise<ConversionAnswer> {
    const fromCode = currencyInfo(from, 'from').code;
    const toCode = currencyInfo(to, 'to').code;
    const day = this.checkDate(date);
    const minor = BigInt(amountMinor);
    const cached = fromCode === toCode ? undefined : await this.table([fromCode, toCode], day, 'to');
    const rate = cached ? crossRate(cached.value.rates, cached.value.base, fromCode, toCode) : { num: 1n, den: 1n };
    const converted = convertMinor(minor, fromCode, toCode, rate);
    return {
      from: { currency: fromCode, amount: formatMinor(minor, fromCode), amountMinor: safeNumber(minor) },
      to: { currency: toCode, amount: formatMinor(converted, toCode), amountMinor: safeNumber(converted) },
      rate: toSignificantString(rate),
      date: cached?.value.date ?? day ?? this.today(),
      source: cached?.source ?? 'identity',
      ...(cached ? freshness(cached) : { stale: false, ageSeconds: 0 }),
      ...(cached ? this.attribution(cached.source) : {}),
    };
  }

  /** Every currency some source quotes today, with its ISO name and minor unit, and which sources quote it. */
  async currencies(): Promise<{ code: string; name: string; digits: number; sources: string[] }[]> {
    const bySource = await Promise.allSettled(
      this.deps.sources.map((source) =>
        this.deps.cache.get(this.key(source, undefined), this.policy(source, undefined), async () => ({ value: await source.latest(), source: source.descriptor.id })),
      ),
    );
    const codes = new Map<string, string[]>();
    bySource.forEach((result, i) => {
      if (result.status !== 'fulfilled') return;
      const table = result.value.value;
      for (const code of [table.base, ...Object.keys(table.rates)]) {
        if (!isConvertible(code)) continue;
        codes.set(code, [...(codes.get(code) ?? []), this.deps.sources[i].descriptor.id]);
      }
    });
    if (!codes.size) {
      const failure = bySource.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      throw failure?.reason ?? new SourceUnavailableError('rates', 'no rates source is configured', 'down');
    }
    return [...codes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, sources]) => ({ ...currencyInfo(code), sources }));
  }

  /** Fetches today's table from every source now (the scheduled refresh), whatever the cache holds. */
  async refreshLatest(): Promise<{ source: string; ok: boolean; date?: string; error?: string }[]> {
    return Promise.all(
      this.deps.sources.map(async (source) => {
        try {
          const fresh = await this.deps.cache.refresh(this.key(source, undefined), async () => ({ value: await source.latest(), source: source.descriptor.id }));
          return { source: source.descriptor.id, ok: true, date: fresh.value.date };
        } catch (err) {
          return { source: source.descriptor.id, ok: false, error: (err as Error).message };
        }
      }),
    );
  }

  private async table(codes: string[], date: string | undefined, field: string): Promise<Cached<RateTable>> {
    const candidates = this.deps.sources.filter((s) => date === undefined || s.historical);
    const answered: Cached<RateTable>[] = [];
    const failures: Error[] = [];
    const lacking: RateTable[] = [];
    for (const source of candidates) {
      let cached: Cached<RateTable>;
      try {
        cached = await this.deps.cache.get(this.key(source, date), this.policy(source, date), async () => ({
          value: date === undefined ? await source.latest() : await source.historical!(date),
          source: source.descriptor.id,
        }));
      } catch (err) {
        if (!(err instanceof SourceUnavailableError)) throw err;
        failures.push(err);
        continue;
      }
      if (!covers(cached.value, codes)) {
        lacking.push(cached.value);
        continue;
      }
      // Fresh, or stale only because a refresh is under way (the source did not fail): take it.
      if (!cached.stale || !cached.sourceError) return cached;
      answered.push(cached);
    }
    // Every source that answered is stale because it failed just now: the most recent table is the best guess.
    if (answered.length) return answered.reduce((best, c) => (c.ageSeconds < best.ageSeconds ? c : best));
    // A source that could not answer might have quoted the missing code: that is "try later", not "unknown".
    if (failures.length) throw failures[0];
    if (!candidates.length) throw new SourceUnavailableError('rates', 'no rates source is configured', 'down');
    // Every source that answered lacks one of the codes: name the first it lacks.
    const missing = codes.find((code) => lacking.every((t) => !covers(t, [code]))) ?? codes[codes.length - 1];
    throw new UnknownCurrencyError(missing, field, `${missing} is not quoted by any rates source${date ? ` on ${date}` : ''}`);
  }

  private key(source: RatesProvider, date: string | undefined): string {
    return `rates:${source.descriptor.id}:${date ?? 'latest'}`;
  }

  private policy(source: RatesProvider, date: string | undefined) {
    // A past day's reference rates never change: keep them a year. Recent days may still be published late.
    if (date && Date.parse(`${date}T00:00:00Z`) < this.deps.now().getTime() - 7 * DAY_MS) {
      return { ttlMs: 365 * DAY_MS, staleWhileRevalidateMs: 0 };
    }
    return { ttlMs: source.descriptor.ttlMs, staleWhileRevalidateMs: source.descriptor.staleWhileRevalidateMs };
  }

  private attribution(sourceId: string): { attribution?: string } {
    const attribution = this.deps.sources.find((s) => s.descriptor.id === sourceId)?.descriptor.attribution;
    return attribution ? { attribution } : {};
  }

  private today(): string {
    return new Date(this.deps.now().getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  }

  /** undefined = latest. A date is a Jakarta calendar day; today (or later) means the latest table. */
  private checkDate(date: string | undefined): string | undefined {
    if (date === undefined || date === '') return undefined;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
      throw validationFailed([{ field: 'date', reason: `${JSON.stringify(date)} is not a date (YYYY-MM-DD)` }]);
    }
    if (date < FIRST_RATES_DATE) throw validationFailed([{ field: 'date', reason: `no reference rates before ${FIRST_RATES_DATE}` }]);
    if (date > this.today()) throw validationFailed([{ field: 'date', reason: `${date} is in the future` }]);
    return date === this.today() ? undefined : date;
  }
}

function covers(table: RateTable, codes: string[]): boolean {
  return codes.every((code) => code === table.base || table.rates[code] !== undefined);
}

function isConvertible(code: string): boolean {
  try {
    currencyInfo(code);
    return true;
  } catch {
    return false;
  }
}

function freshness(cached: Cached<unknown>) {
  return {
    stale: cached.stale,
    ageSeconds: cached.ageSeconds,
    fetchedAt: cached.fetchedAt,
    ...(cached.sourceError ? { sourceError: cached.sourceError } : {}),
  };
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw validationFailed([{ field: 'amount', reason: 'too large' }]);
  }
  return Number(value);
}
