/**
 * IDX quotes and daily history from Yahoo Finance's public chart endpoint (no key; unofficial, so it is cached
 * hard and sits behind the breaker like any other source). IDX tickers carry the `.JK` suffix there.
 *   GET /v8/finance/chart/BBCA.JK?range=1d&interval=1d
 *     → {"chart":{"result":[{"meta":{"currency":"IDR","symbol":"BBCA.JK","exchangeName":"JKT","regularMarketPrice":9525,
 *        "previousClose":9450,"chartPreviousClose":9450,"regularMarketTime":…},"timestamp":[…],
 *        "indicators":{"quote":[{"open":[…],"high":[…],"low":[…],"close":[…],"volume":[…]}]}}],"error":null}}
 *   unknown symbol → 404 {"chart":{"result":null,"error":{"code":"Not Found","description":"…"}}}
 * Arrays may hold nulls (a session with no trade); we keep them as nulls rather than inventing a price.
 */
import { z } from 'zod';
import { UnknownTickerError } from '../errors.js';
import { badData, badShape, parseJson, type SourceResponse } from './source-client.js';
import { clientFor, decimalFromJson, joinUrl, type AdapterOptions } from './common.js';
import type { HistoryRange, PriceBar, SourceDescriptor, StockProvider, StockQuote } from './types.js';
import { toJakartaIso } from '../../../lib/time.js';

export const yahooChartDescriptor: SourceDescriptor = {
  id: 'yahoo-chart',
  kind: 'stocks',
  title: 'Yahoo Finance chart API (IDX quotes, delayed)',
  realBaseUrl: 'https://query1.finance.yahoo.com',
  ttlMs: 60_000,
  staleWhileRevalidateMs: 15 * 60_000,
  timeoutMs: 5000,
  attribution: 'Quotes: Yahoo Finance, delayed; not for trading',
};

/** IDX tickers are four capital letters (BBCA, GOTO); some instruments add a fifth or digits. */
export const IDX_TICKER = /^[A-Z]{4}[A-Z0-9]{0,3}$/;

const nullableNumbers = z.array(z.number().nullable());
const chartAnswer = z.object({
  chart: z.object({
    result: z
      .array(
        z.object({
          meta: z.object({
            currency: z.string(),
            symbol: z.string(),
            exchangeName: z.string(),
            longName: z.string().optional(),
            shortName: z.string().optional(),
            regularMarketPrice: z.number().positive(),
            previousClose: z.number().positive().optional(),
            chartPreviousClose: z.number().positive().optional(),
            regularMarketTime: z.number().int(),
          }),
          timestamp: z.array(z.number().int()).optional(),
          indicators: z.object({
            quote: z.array(z.object({ open: nullableNumbers, high: nullableNumbers, low: nullableNumbers, close: nullableNumbers, volume: nullableNumbers })),
          }),
        }),
      )
      .nullable(),
    error: z.object({ code: z.string(), description: z.string() }).nullable(),
  }),
});

const JAKARTA_OFFSET_MS = 7 * 60 * 60_000;

export function createYahooChartProvider(options: AdapterOptions = {}): StockProvider {
  const descriptor = yahooChartDescriptor;
  // Yahoo turns away requests that do not look like a browser.
  const client = clientFor(descriptor, options, 'Mozilla/5.0 (X11; Linux x86_64) SmartWealthHub/0.1');
  const baseUrl = options.baseUrl ?? descriptor.realBaseUrl;

  const reader = (ticker: string) => (response: SourceResponse) => {
    const body = parseJson(descriptor.id, response);
    const parsed = chartAnswer.safeParse(body);
    if (!parsed.success) throw badShape(descriptor.id, 'not a chart answer', parsed.error);
    const { result, error } = parsed.data.chart;
    if (!result?.length) {
      if (response.status === 404 || error?.code === 'Not Found') throw new UnknownTickerError(ticker);
      throw badData(descriptor.id, error ? `${error.code}: ${error.description}` : 'empty chart');
    }
    const [chart] = result;
    const previous = chart.meta.previousClose ?? chart.meta.chartPreviousClose;
    if (previous === undefined) throw badData(descriptor.id, 'no previous close');
    const quote: StockQuote = {
      ticker,
      currency: chart.meta.currency,
      exchange: chart.meta.exchangeName,
      ...(chart.meta.longName || chart.meta.shortName ? { name: chart.meta.longName ?? chart.meta.shortName } : {}),
      price: decimalFromJson(chart.meta.regularMarketPrice),
      previousClose: decimalFromJson(previous),
      marketTime: toJakartaIso(new Date(chart.meta.regularMarketTime * 1000)),
    };
    const q = chart.indicators.quote[0];
    const timestamps = chart.timestamp ?? [];
    if (q && [q.open, q.high, q.low, q.close, q.volume].some((column) => column.length !== timestamps.length)) {
      throw badData(descriptor.id, 'price columns do not line up with timestamps');
    }
    const asDecimal = (v: number | null | undefined) => (v === null || v === undefined ? null : decimalFromJson(v));
    const bars: PriceBar[] = timestamps.map((t, i) => ({
      // IDX trades in Jakarta time: the session's date is its Jakarta calendar day.
      date: new Date(t * 1000 + JAKARTA_OFFSET_MS).toISOString().slice(0, 10),
      open: asDecimal(q?.open[i]),
      high: asDecimal(q?.high[i]),
      low: asDecimal(q?.low[i]),
      close: asDecimal(q?.close[i]),
      volume: q?.volume[i] ?? null,
    }));
    return { quote, bars };
  };

  const chart = (ticker: string, range: string) => {
    const symbol = ticker.trim().toUpperCase();
    if (!IDX_TICKER.test(symbol)) throw new UnknownTickerError(ticker);
    return client.get(joinUrl(baseUrl, `v8/finance/chart/${symbol}.JK`, { range, interval: '1d' }), reader(symbol));
  };

  return {
    descriptor,
    client,
    quote: async (ticker) => (await chart(ticker, '1d')).quote,
    history: (ticker, range: HistoryRange) => chart(ticker, range),
  };
}
