/**
 * Yahoo Finance chart simulator for IDX tickers (`.JK`): GET /v8/finance/chart/:symbol?range&interval=1d.
 * Prices move on trading days (Mon–Fri) around real-looking levels and always sit on the IDX tick grid; the
 * session bar is stamped 09:00 WIB and the market time 16:14 WIB, as Yahoo shows IDX. Unknown symbol → 404 with
 * `chart.error`, `result: null`.
 */
import { DAY_MS, noise, runSimulator, stringSeed, type RunningSimulator } from './simulator.js';

interface Listing {
  name: string;
  anchor: number;
  /** Typical daily volume in shares. */
  volume: number;
}

export const IDX_LISTINGS: Record<string, Listing> = {
  BBCA: { name: 'PT Bank Central Asia Tbk', anchor: 9500, volume: 85_000_000 },
  BBRI: { name: 'PT Bank Rakyat Indonesia (Persero) Tbk', anchor: 4250, volume: 160_000_000 },
  BMRI: { name: 'PT Bank Mandiri (Persero) Tbk', anchor: 5900, volume: 110_000_000 },
  BBNI: { name: 'PT Bank Negara Indonesia (Persero) Tbk', anchor: 4700, volume: 60_000_000 },
  TLKM: { name: 'PT Telkom Indonesia (Persero) Tbk', anchor: 3050, volume: 120_000_000 },
  ASII: { name: 'PT Astra International Tbk', anchor: 5025, volume: 45_000_000 },
  GOTO: { name: 'PT GoTo Gojek Tokopedia Tbk', anchor: 70, volume: 2_500_000_000 },
  UNVR: { name: 'PT Unilever Indonesia Tbk', anchor: 1900, volume: 25_000_000 },
  ICBP: { name: 'PT Indofood CBP Sukses Makmur Tbk', anchor: 11_000, volume: 8_000_000 },
  ANTM: { name: 'PT Aneka Tambang Tbk', anchor: 1500, volume: 90_000_000 },
};

/** IDX price fractions: the tick grows with the price band. */
export function idxTick(price: number): number {
  if (price < 200) return 1;
  if (price < 500) return 2;
  if (price < 2000) return 5;
  if (price < 5000) return 10;
  return 25;
}

function onTick(price: number): number {
  const tick = idxTick(price);
  return Math.max(tick, Math.round(price / tick) * tick);
}

function isTradingDay(ms: number): boolean {
  const d = new Date(ms).getUTCDay();
  return d !== 0 && d !== 6;
}

/** Close on a trading day (UTC midnight ms of the Jakarta date). */
export function closeOn(ticker: string, dayMs: number): number {
  const listing = IDX_LISTINGS[ticker];
  const k = stringSeed(ticker);
  const day = dayMs / DAY_MS;
  const factor = 1 + 0.09 * Math.sin(day / 45 + k) + 0.035 * Math.sin(day / 6.5 + 2 * k) + 0.012 * noise(k, day);
  return onTick(listing.anchor * factor);
}

const WIB_MS = 7 * 3_600_000;
const RANGE_DAYS: Record<string, number> = { '1d': 1, '5d': 7, '1mo': 31, '3mo': 92, '6mo': 183, '1y': 366, '2y': 731 };

export interface YahooChartSimulatorOptions {
  port?: number;
  now?: () => Date;
}

export function startYahooChartSimulator(options: YahooChartSimulatorOptions = {}): Promise<RunningSimulator> {
  const now = options.now ?? (() => new Date());
  return runSimulator(
    'Yahoo Finance chart (IDX)',
    (app) => {
      app.get('/v8/finance/chart/:symbol', (c) => {
        const symbol = c.req.param('symbol').toUpperCase();
        const ticker = symbol.endsWith('.JK') ? symbol.slice(0, -3) : '';
        const range = c.req.query('range') ?? '1mo';
        if (!IDX_LISTINGS[ticker]) {
          return c.json({ chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } } }, 404);
        }
        if (!(range in RANGE_DAYS) || (c.req.query('interval') ?? '1d') !== '1d') {
          return c.json({ chart: { result: null, error: { code: 'Bad Request', description: `Invalid input - range or interval` } } }, 400);
        }
        // Trading days up to today in Jakarta; today's session counts once it has opened (09:00 WIB).
        const jakartaNow = now().getTime() + WIB_MS;
        const todayMs = Math.floor(jakartaNow / DAY_MS) * DAY_MS;
        const sessionOpen = jakartaNow - todayMs >= 9 * 3_600_000;
        const days: number[] = [];
        for (let ms = todayMs - (sessionOpen ? 0 : DAY_MS); days.length < 400; ms -= DAY_MS) {
          if (isTradingDay(ms)) days.unshift(ms);
          if (ms <= todayMs - RANGE_DAYS[range] * DAY_MS && days.length >= 1) break;
        }
        const last = days[days.length - 1];
        let previousDay = last - DAY_MS;
        while (!isTradingDay(previousDay)) previousDay -= DAY_MS;
        const firstPrevious = (() => {
          let ms = days[0] - DAY_MS;
          while (!isTradingDay(ms)) ms -= DAY_MS;
          return ms;
        })();
        const listing = IDX_LISTINGS[ticker];
        const k = stringSeed(ticker);
        const bars = days.map((ms) => {
          let prevMs = ms - DAY_MS;
          while (!isTradingDay(prevMs)) prevMs -= DAY_MS;
          const close = closeOn(ticker, ms);
          const open = onTick(closeOn(ticker, prevMs) * (1 + 0.004 * noise(k, ms / DAY_MS, 1)));
          const tick = idxTick(close);
          const high = Math.max(open, close) + tick * Math.round(2 + 2 * Math.abs(noise(k, ms / DAY_MS, 2)));
          const low = Math.max(tick, Math.min(open, close) - tick * Math.round(2 + 2 * Math.abs(noise(k, ms / DAY_MS, 3))));
          const volume = Math.round(listing.volume * (1 + 0.45 * noise(k, ms / DAY_MS, 4)) / 100) * 100;
          return { t: (ms - WIB_MS) / 1000 + 9 * 3600, open, high, low, close, volume };
        });
        const price = bars[bars.length - 1].close;
        const marketClosedAt = (last - WIB_MS) / 1000 + 16 * 3600 + 14 * 60;
        return c.json({
          chart: {
            result: [
              {
                meta: {
                  currency: 'IDR',
                  symbol,
                  exchangeName: 'JKT',
                  fullExchangeName: 'Jakarta',
                  instrumentType: 'EQUITY',
                  longName: listing.name,
                  shortName: listing.name.replace(/^PT /, '').replace(/ \(Persero\)/, ''),
                  firstTradeDate: 1_022_637_600,
                  regularMarketTime: Math.min(marketClosedAt, Math.floor(now().getTime() / 1000)),
                  gmtoffset: 25_200,
                  timezone: 'WIB',
                  exchangeTimezoneName: 'Asia/Jakarta',
                  regularMarketPrice: price,
                  regularMarketDayHigh: bars[bars.length - 1].high,
                  regularMarketDayLow: bars[bars.length - 1].low,
                  regularMarketVolume: bars[bars.length - 1].volume,
                  chartPreviousClose: closeOn(ticker, firstPrevious),
                  ...(range === '1d' ? { previousClose: closeOn(ticker, previousDay) } : {}),
                  priceHint: 2,
                  dataGranularity: '1d',
                  range,
                },
                timestamp: bars.map((b) => b.t),
                indicators: {
                  quote: [{ open: bars.map((b) => b.open), high: bars.map((b) => b.high), low: bars.map((b) => b.low), close: bars.map((b) => b.close), volume: bars.map((b) => b.volume) }],
                  adjclose: [{ adjclose: bars.map((b) => b.close) }],
                },
              },
            ],
            error: null,
          },
        });
      });
    },
    // Half an answer: meta without a price, no indicators.
    (c) => c.json({ chart: { result: [{ meta: { currency: 'IDR', symbol: 'BBCA.JK' } }], error: null } }),
    options,
  );
}

