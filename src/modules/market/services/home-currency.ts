/**
 * Auto-conversion for other capabilities (payment analytics, exports): many amounts, each with its own currency and
 * date, into one target currency at the rate of each amount's date (rate tables cached by the rates service). For a
 * total, amounts of one currency and day are summed first and converted once, so it does not drift by a sen per row.
 */
import type { Types } from 'mongoose';
import { currencyInfo } from './currencies.js';
import type { RatesService } from './rates-service.js';

export interface DatedAmount {
  amountMinor: number;
  currency: string;
  /** 'YYYY-MM-DD' (Jakarta); the rate of that day (the working day before on weekends). */
  date: string;
}

export interface ConvertedAmount extends DatedAmount {
  converted: { amountMinor: number; currency: string; rate: string; rateDate: string };
}

/** What a route takes to ask for converted figures: an explicit ISO code, or the user's home currency. */
export interface ConversionRequest {
  currency?: string;
  homeCurrency?: 'true' | 'false' | boolean;
}

export class HomeCurrencyConverter {
  constructor(
    private readonly rates: RatesService,
    private readonly homeCurrencyOf: (userId: Types.ObjectId | string) => Promise<string>,
  ) {}

  /**
   * The currency to convert into, or undefined when none was asked: `currency` wins (an unknown code is a 400 naming
   * it), else `homeCurrency=true` reads the user's settings.
   */
  async targetFor(userId: Types.ObjectId | string, request: ConversionRequest): Promise<string | undefined> {
    if (request.currency) return currencyInfo(request.currency, 'currency').code;
    if (request.homeCurrency === true || request.homeCurrency === 'true') return this.homeCurrencyOf(userId);
    return undefined;
  }

  /** Each amount converted into `to`; `stale` is true when any rate came from a stale cached table. */
  async convertEach(amounts: DatedAmount[], to: string): Promise<{ items: ConvertedAmount[]; stale: boolean }> {
    const rateByKey = new Map<string, Promise<{ rate: string; date: string; stale: boolean; amountMinor: number }>>();
    let stale = false;
    const items = await Promise.all(
      amounts.map(async (a) => {
        // Each amount is converted on its own; identical ones once. Rate tables come from the shared cache.
        const key = `${a.currency}|${a.date}|${a.amountMinor}`;
        if (!rateByKey.has(key)) {
          rateByKey.set(
            key,
            this.rates.convertFromMinor(a.amountMinor, a.currency, to, a.date).then((c) => ({ rate: c.rate, date: c.date, stale: c.stale, amountMinor: c.to.amountMinor })),
          );
        }
        const c = await rateByKey.get(key)!;
        stale ||= c.stale;
        return { ...a, converted: { amountMinor: c.amountMinor, currency: to.toUpperCase(), rate: c.rate, rateDate: c.date } };
      }),
    );
    return { items, stale };
  }

  /** The total of `amounts` in `to`: amounts of one currency and day are summed first, then converted once. */
  async total(amounts: DatedAmount[], to: string): Promise<{ amountMinor: number; currency: string; stale: boolean }> {
    const groups = new Map<string, DatedAmount>();
    for (const a of amounts) {
      const key = `${a.currency.toUpperCase()}|${a.date}`;
      const group = groups.get(key);
      groups.set(key, group ? { ...group, amountMinor: group.amountMinor + a.amountMinor } : { ...a, currency: a.currency.toUpperCase() });
    }
    const { items, stale } = await this.convertEach([...groups.values()], to);
    return { amountMinor: items.reduce((s, i) => s + i.converted.amountMinor, 0), currency: to.toUpperCase(), stale };
  }
}
