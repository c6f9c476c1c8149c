/**
 * Builds the market services from the shared dependencies: one cache (MongoDB, shared by hub processes), one
 * status service every source reports to, and the domain services over the sources the root set up.
 */
import type { ModuleDeps } from '../../contract.js';
import type { NewsProvider, RatesProvider, StockProvider, WeatherProvider, MarketSource } from '../providers/types.js';
import { HomeCurrencyConverter } from './home-currency.js';
import { MarketCache, MongoCacheStore } from './market-cache.js';
import { NewsService } from './news-service.js';
import { PortfolioService } from './portfolio-service.js';
import { RatesService } from './rates-service.js';
import { SeasonalAnalysisService } from './seasonal-analysis.js';
import { MarketSettingsService } from './settings-service.js';
import { SourceStatusService } from './source-status.js';
import { StocksService } from './stocks-service.js';
import { WeatherService } from './weather-service.js';

export interface MarketServices {
  marketRates: RatesService;
  /** Many dated amounts into one currency at each date's rate (analytics and exports in the home currency). */
  marketHomeCurrency: HomeCurrencyConverter;
  marketStocks: StocksService;
  marketPortfolio: PortfolioService;
  marketWeather: WeatherService;
  marketSeasonal: SeasonalAnalysisService;
  marketNews: NewsService;
  marketSettings: MarketSettingsService;
  marketStatus: SourceStatusService;
  marketCache: MarketCache;
  /** The sources' lifecycle: the module's stop shuts their circuit breakers (timers) down. */
  marketSources: { shutdown(): Promise<void>; isShutdown(): boolean };
}

declare module '../../../services/registry.js' {
  interface Services extends MarketServices {}
}

/** Rates sources in order of preference: the ECB first, the wider open.er-api.com table as the fallback. */
const RATES_ORDER = ['frankfurter', 'open-er-api'];

export function createMarketServices(deps: ModuleDeps): MarketServices {
  const { models, clock, logger, metrics } = deps;
  const now = () => clock.now();
  const registry = deps.providers.of<unknown>('market');
  const cache = new MarketCache(new MongoCacheStore(models.MarketCache), {
    now: () => clock.now().getTime(),
    onBackgroundError: (key, err) => logger.warn({ key, err: (err as Error).message }, 'market cache refresh failed; the cached answer stays'),
  });

  const rates = RATES_ORDER.map((name) => registry.get(name) as RatesProvider | undefined).filter((p): p is RatesProvider => p !== undefined);
  const stocks = registry.get('yahoo-chart') as StockProvider;
  const weather = registry.get('open-meteo') as WeatherProvider;
  const news = (registry.get('rss-news') as NewsProvider[] | undefined) ?? [];

  const sources = [...rates, stocks, weather, ...news] as MarketSource[];
  const status = new SourceStatusService({ now: () => clock.now().getTime() });
  for (const source of sources) {
    source.client.observe(status);
    status.register(source.descriptor, () => source.client.breakerState);
  }
  status.bindMetrics(metrics.registry);

  const marketRates = new RatesService({ sources: rates, cache, now });
  const marketStocks = new StocksService({ provider: stocks, cache });
  const marketWeather = new WeatherService({ provider: weather, cache, now });
  const marketSettings = new MarketSettingsService({ model: models.ExternalServiceSettings, stocks: marketStocks, weather: marketWeather, audit: deps.audit });
  return {
    marketRates,
    marketHomeCurrency: new HomeCurrencyConverter(marketRates, async (userId) => (await marketSettings.get(userId)).homeCurrency),
    marketStocks,
    marketPortfolio: new PortfolioService({ model: models.PortfolioHolding, stocks: marketStocks, audit: deps.audit, now }),
    marketWeather,
    marketSeasonal: new SeasonalAnalysisService({
      transactions: models.BankTransaction,
      weather: marketWeather,
      rates: marketRates,
      now,
      weatherAttribution: weather.descriptor.attribution,
    }),
    marketNews: new NewsService({ feeds: news, cache }),
    marketSettings,
    marketStatus: status,
    marketCache: cache,
    marketSources: {
      shutdown: async () => void (await Promise.all(sources.map((s) => s.client.shutdown()))),
      isShutdown: () => sources.every((s) => s.client.isShutdown),
    },
  };
}
