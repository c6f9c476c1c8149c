/** Request and response schemas of the market routes (validation, types and the OpenAPI document at once). */
import { z } from '@hono/zod-openapi';
import { HISTORY_RANGES } from '../providers/types.js';

const code = z.string().min(3).max(3).openapi({ example: 'USD' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').openapi({ example: '2024-01-05' });
const list = (example: string) => z.string().max(400).openapi({ example, description: 'comma-separated' });

export const splitList = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const Freshness = {
  stale: z.boolean().openapi({ description: 'True when the answer is older than its time to live (being refreshed, or its source is down)' }),
  ageSeconds: z.number().int(),
};

export const RatesQuery = z.object({ base: code.default('USD'), symbols: list('IDR,EUR,JPY').optional(), date: isoDate.optional() });
export const RatesResponse = z.looseObject({
  base: z.string(),
  date: z.string(),
  source: z.string(),
  rates: z.record(z.string(), z.string().openapi({ description: 'Units per one base unit, as an exact decimal string' })),
  ...Freshness,
  fetchedAt: z.string(),
  attribution: z.string().optional(),
  sourceError: z.string().optional(),
});

export const ConvertQuery = z.object({
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal amount such as 100 or 12.50').openapi({ example: '100' }),
  from: code,
  to: code.openapi({ example: 'IDR' }),
  date: isoDate.optional(),
});
const MoneyView = z.object({ currency: z.string(), amount: z.string(), amountMinor: z.number().int() });
export const ConvertResponse = z.looseObject({ from: MoneyView, to: MoneyView, rate: z.string(), date: z.string(), source: z.string(), ...Freshness, attribution: z.string().optional() });

export const QuoteSchema = z.looseObject({
  ticker: z.string(),
  name: z.string().optional(),
  currency: z.string(),
  price: z.string(),
  priceMinor: z.number().int(),
  previousCloseMinor: z.number().int(),
  changeMinor: z.number().int(),
  changePercent: z.string(),
  marketTime: z.string(),
  source: z.string(),
  ...Freshness,
});
export const StocksQuery = z.object({ symbols: list('BBCA,TLKM') });
export const StocksResponse = z.object({ quotes: z.array(QuoteSchema), attribution: z.string().optional() });
export const TickerParam = z.object({ ticker: z.string().min(1).max(12).openapi({ example: 'BBCA' }) });
export const HistoryQuery = z.object({ range: z.enum(HISTORY_RANGES).default('1mo') });
export const HistoryResponse = z.object({
  quote: QuoteSchema,
  bars: z.array(z.looseObject({ date: z.string(), open: z.string().nullable(), high: z.string().nullable(), low: z.string().nullable(), close: z.string().nullable(), closeMinor: z.number().int().nullable(), volume: z.number().nullable() })),
});

export const HoldingInput = z.object({
  lots: z.number().int().min(1).openapi({ description: '1 lot = 100 shares', example: 10 }),
  averagePrice: z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be a rupiah amount such as 9250 or 9250.50').openapi({ description: 'Average price per share in rupiah', example: '9250' }),
});
export const HoldingSchema = z.object({ ticker: z.string(), lots: z.number().int(), averagePriceMinor: z.number().int(), currency: z.string() });
export const PortfolioResponse = z.looseObject({
  currency: z.string(),
  holdings: z.array(z.looseObject({ ticker: z.string(), lots: z.number().int(), shares: z.number().int(), valueMinor: z.number().int(), gainLossMinor: z.number().int(), dayChangeMinor: z.number().int(), stale: z.boolean() })),
  totals: z.looseObject({ costMinor: z.number().int(), valueMinor: z.number().int(), gainLossMinor: z.number().int(), gainLossPercent: z.string(), dayChangeMinor: z.number().int() }),
  stale: z.boolean(),
  valuedAt: z.string(),
});

export const WeatherQuery = z.object({ city: z.string().min(2).max(80).optional().openapi({ description: 'Default: the city in your settings', example: 'Bandung' }) });
export const WeatherResponse = z.looseObject({ place: z.looseObject({ name: z.string(), latitude: z.number(), longitude: z.number() }), current: z.looseObject({}), daily: z.array(z.looseObject({ date: z.string() })), source: z.string(), ...Freshness });

export const SeasonalQuery = z.object({
  city: z.string().min(2).max(80).optional(),
  months: z.coerce.number().int().min(1).max(36).default(12),
  currency: code.optional().openapi({ description: 'Default: your home currency' }),
});
export const SeasonalResponse = z.looseObject({
  city: z.string(),
  currency: z.string(),
  firstMonth: z.string(),
  lastMonth: z.string(),
  months: z.array(z.looseObject({ month: z.string(), rainfallMm: z.number(), season: z.enum(['rainy', 'dry']), spendingMinor: z.number().int(), byCategory: z.record(z.string(), z.number().int()) })),
  categories: z.array(z.looseObject({ category: z.string() })),
  totals: z.looseObject({}),
});

export const NewsQuery = z.object({
  q: z.string().max(100).optional(),
  ticker: z.string().max(12).optional(),
  language: z.enum(['id', 'en']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const NewsResponse = z.object({
  items: z.array(z.looseObject({ title: z.string(), link: z.string(), publishedAt: z.string().nullable(), summary: z.string(), feed: z.string(), language: z.string(), alsoIn: z.array(z.string()) })),
  feeds: z.array(z.looseObject({ feed: z.string(), ok: z.boolean(), stale: z.boolean() })),
  stale: z.boolean(),
});

export const StatusResponse = z.object({
  sources: z.array(
    z.looseObject({
      source: z.string(),
      kind: z.string(),
      state: z.enum(['up', 'degraded', 'down', 'unknown']),
      breaker: z.enum(['closed', 'open', 'half_open']),
      lastSuccessAt: z.string().nullable(),
      errorRate: z.number(),
      latencyMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }),
    }),
  ),
});

export const SettingsSchema = z.object({
  homeCurrency: z.string(),
  city: z.string(),
  watchList: z.array(z.string()),
  enabledServices: z.array(z.enum(['currency', 'stocks', 'weather', 'news'])),
});
export const SettingsPatch = z.object({
  homeCurrency: z.string().min(3).max(3).optional(),
  city: z.string().min(2).max(80).optional(),
  watchList: z.array(z.string().max(12)).max(30).optional(),
  enabledServices: z.array(z.enum(['currency', 'stocks', 'weather', 'news'])).optional(),
});

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM').openapi({ example: '2025-01' });
export const WeatherHistoryQuery = z.object({ city: z.string().min(2).max(80).optional(), from: month, to: month });
export const WeatherHistoryResponse = z.looseObject({
  place: z.looseObject({ name: z.string() }),
  months: z.array(z.looseObject({ month: z.string(), rainfallMm: z.number(), meanTemperatureC: z.number().nullable(), rainyDays: z.number().int(), season: z.enum(['rainy', 'dry']) })),
  source: z.string(),
  ...Freshness,
});

export const CurrencyListResponse = z.object({
  currencies: z.array(z.object({ code: z.string(), name: z.string(), digits: z.number().int().openapi({ description: 'ISO 4217 minor unit: IDR 2, JPY 0, KWD 3' }), sources: z.array(z.string()) })),
});
