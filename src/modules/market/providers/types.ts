/**
 * The contracts between the market services and the sources. Providers speak our vocabulary (decimal strings for
 * rates and prices, ISO dates, plain tickers without the exchange suffix); source vocabulary stays in the adapter.
 * Amounts are never floats here: prices and rates are decimal strings the services turn into exact fractions.
 */
import type { SourceClient } from './source-client.js';

export type SourceKind = 'rates' | 'stocks' | 'weather' | 'news';

/** What a source is, where it lives for real, and how long its answers stay good. */
export interface SourceDescriptor {
  id: string;
  kind: SourceKind;
  title: string;
  /** The real public host; the composition root points adapters at the sandbox simulator instead by default. */
  realBaseUrl: string;
  /** Answers younger than this are served without asking the source. */
  ttlMs: number;
  /** After the TTL and within this much more, the cached answer is served (marked stale) while it is refreshed. */
  staleWhileRevalidateMs: number;
  timeoutMs: number;
  /** Attribution the source's terms ask for, shown with its data. */
  attribution?: string;
}

/** A provider instance: its descriptor and the client (breaker, retries) behind it. */
export interface MarketSource {
  readonly descriptor: SourceDescriptor;
  readonly client: SourceClient;
}

// ---- rates ----

export interface RateTable {
  source: string;
  /** Every rate is units of the currency per ONE unit of this base. */
  base: string;
  /** The day the rates are for (the last working day on or before the asked date for historical tables). */
  date: string;
  /** Decimal strings, exactly as the source wrote them. */
  rates: Record<string, string>;
}

export interface RatesProvider extends MarketSource {
  latest(): Promise<RateTable>;
  /** Absent when the source has no history (open.er-api.com's open access). */
  historical?(date: string): Promise<RateTable>;
}

// ---- stocks ----

export interface StockQuote {
  /** IDX ticker without the exchange suffix: "BBCA". */
  ticker: string;
  currency: string;
  exchange: string;
  name?: string;
  /** Last price, decimal string in major units (IDX prices are whole rupiah). */
  price: string;
  previousClose: string;
  marketTime: string;
}

export interface PriceBar {
  date: string;
  open: string | null;
  high: string | null;
  low: string | null;
  close: string | null;
  volume: number | null;
}

export const HISTORY_RANGES = ['5d', '1mo', '3mo', '6mo', '1y'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

export interface StockProvider extends MarketSource {
  quote(ticker: string): Promise<StockQuote>;
  history(ticker: string, range: HistoryRange): Promise<{ quote: StockQuote; bars: PriceBar[] }>;
}

// ---- weather ----

export interface Place {
  name: string;
  latitude: number;
  longitude: number;
  country?: string;
  admin1?: string;
  timezone: string;
}

export interface CurrentWeather {
  time: string;
  temperatureC: number | null;
  precipitationMm: number | null;
  relativeHumidity: number | null;
  weatherCode: number | null;
  windSpeedKmh: number | null;
}

export interface DailyWeather {
  date: string;
  precipitationMm: number | null;
  temperatureMaxC: number | null;
  temperatureMinC: number | null;
  temperatureMeanC: number | null;
}

export interface WeatherProvider extends MarketSource {
  geocode(name: string): Promise<Place>;
  forecast(place: Place, days: number): Promise<{ current: CurrentWeather; daily: DailyWeather[] }>;
  archive(place: Place, startDate: string, endDate: string): Promise<DailyWeather[]>;
}

// ---- news ----

export interface NewsItem {
  title: string;
  link: string;
  guid?: string;
  publishedAt: string | null;
  summary: string;
  feed: string;
  feedTitle: string;
  language: 'id' | 'en';
}

export interface NewsFeed {
  id: string;
  title: string;
  language: 'id' | 'en';
  /** Where the feed is for real; the path is kept when the sandbox replaces the origin. */
  url: string;
}

export interface NewsProvider extends MarketSource {
  readonly feed: NewsFeed;
  items(): Promise<NewsItem[]>;
}
