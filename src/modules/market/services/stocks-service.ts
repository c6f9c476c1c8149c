/**
 * IDX quotes and history through the cache, prices in IDR minor units (sen) beside the source's decimal strings.
 */
import { AppError } from '../../../lib/errors.js';
import { UnknownTickerError } from '../errors.js';
import { IDX_TICKER } from '../providers/yahoo-chart.js';
import type { HistoryRange, PriceBar, StockProvider, StockQuote } from '../providers/types.js';
import { currencyInfo } from './currencies.js';
import { mul, parseDecimal, ratio, roundHalfAwayFromZero, toDecimalString, div } from '../decimal.js';
import type { Cached, MarketCache } from './market-cache.js';

export interface QuoteView {
  ticker: string;
  name?: string;
  exchange: string;
  currency: string;
  price: string;
  priceMinor: number;
  previousCloseMinor: number;
  changeMinor: number;
  /** Percent, two decimals, as a string ("-1.25"). */
  changePercent: string;
  marketTime: string;
  source: string;
  stale: boolean;
  ageSeconds: number;
  sourceError?: string;
}

export class StocksService {
  constructor(private readonly deps: { provider: StockProvider; cache: MarketCache }) {}

  /** Quotes for several tickers; the first unknown one is a 400 naming it. */
  async quotes(tickers: string[], field = 'symbols'): Promise<QuoteView[]> {
    const symbols = [...new Set(tickers.map((t) => normaliseTicker(t, field)))];
    if (!symbols.length) throw new AppError('VALIDATION_FAILED', `${field}: at least one ticker is required`, { details: { issues: [{ field, reason: 'at least one ticker is required' }] } });
    if (symbols.length > 20) throw new AppError('VALIDATION_FAILED', `${field}: at most 20 tickers at once`, { details: { issues: [{ field, reason: 'at most 20 tickers at once' }] } });
    const settled = await Promise.allSettled(symbols.map((s) => this.quote(s, field)));
    const unknown = settled.find((r) => r.status === 'rejected' && r.reason instanceof UnknownTickerError);
    if (unknown) throw (unknown as PromiseRejectedResult).reason;
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return settled.map((r) => (r as PromiseFulfilledResult<QuoteView>).value);
  }

  async quote(ticker: string, field = 'symbols'): Promise<QuoteView> {
    const symbol = normaliseTicker(ticker, field);
    const { provider, cache } = this.deps;
    // The fetch may be shared with other callers asking for the same ticker (see MarketCache): name this caller's
    // field on the way out, not inside the fetch.
    const cached = await cache
      .get(`stocks:quote:${symbol}`, provider.descriptor, async () => ({ value: await provider.quote(symbol), source: provider.descriptor.id }))
      .catch((err) => {
        throw err instanceof UnknownTickerError ? new UnknownTickerError(symbol, field) : err;
      });
    return view(cached);
  }

  async history(ticker: string, range: HistoryRange): Promise<{ quote: QuoteView; bars: (PriceBar & { closeMinor: number | null })[] }> {
    const symbol = normaliseTicker(ticker, 'ticker');
    const { provider, cache } = this.deps;
    const cached = await cache
      .get(`stocks:history:${symbol}:${range}`, { ttlMs: 60 * 60_000, staleWhileRevalidateMs: 24 * 60 * 60_000 }, async () => ({
        value: await provider.history(symbol, range),
        source: provider.descriptor.id,
      }))
      .catch((err) => {
        // The adapter names no field; here the ticker is the route's path parameter.
        throw err instanceof UnknownTickerError ? new UnknownTickerError(symbol, 'ticker') : err;
      });
    const { quote, bars } = cached.value;
    return {
      quote: view({ ...cached, value: quote }),
      bars: bars.map((b) => ({ ...b, closeMinor: b.close === null ? null : decimalToMinor(b.close, quote.currency) })),
    };
  }
}

export function normaliseTicker(ticker: string, field: string): string {
  const symbol = ticker.trim().toUpperCase().replace(/\.JK$/, '');
  if (!IDX_TICKER.test(symbol)) throw new UnknownTickerError(ticker, field);
  return symbol;
}

/** A source's decimal price → minor units of its currency, rounded half away from zero. */
export function decimalToMinor(value: string, currency: string): number {
  const { digits } = currencyInfo(currency);
  return Number(roundHalfAwayFromZero(mul(parseDecimal(value), ratio(10n ** BigInt(digits)))));
}

function view(cached: Cached<StockQuote>): QuoteView {
  const q = cached.value;
  const priceMinor = decimalToMinor(q.price, q.currency);
  const previousCloseMinor = decimalToMinor(q.previousClose, q.currency);
  const changeMinor = priceMinor - previousCloseMinor;
  const changePercent = previousCloseMinor ? toDecimalString(div(ratio(BigInt(changeMinor) * 100n), ratio(BigInt(previousCloseMinor))), 2) : '0';
  return {
    ticker: q.ticker,
    ...(q.name ? { name: q.name } : {}),
    exchange: q.exchange,
    currency: q.currency,
    price: q.price,
    priceMinor,
    previousCloseMinor,
    changeMinor,
    changePercent,
    marketTime: q.marketTime,
    source: cached.source,
    stale: cached.stale,
    ageSeconds: cached.ageSeconds,
    ...(cached.sourceError ? { sourceError: cached.sourceError } : {}),
  };
}
