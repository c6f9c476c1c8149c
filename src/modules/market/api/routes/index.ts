/** The market REST operations, in registration order (fixed paths before parameterised ones). */
import { registerServiceGuard } from '../service-guard.js';
import { registerCurrencyRates } from './currency-rates.js';
import { registerCurrencyConvert } from './currency-convert.js';
import { registerCurrencyList } from './currency-list.js';
import { registerStockQuotes } from './stocks-quotes.js';
import { registerStockHistory } from './stocks-history.js';
import { registerPortfolioGet } from './portfolio-get.js';
import { registerPortfolioSet } from './portfolio-set.js';
import { registerPortfolioRemove } from './portfolio-remove.js';
import { registerWeather } from './weather-current.js';
import { registerWeatherHistory } from './weather-history.js';
import { registerSeasonalAnalysis } from './weather-seasonal.js';
import { registerSeasonalChart } from './weather-seasonal-chart.js';
import { registerNews } from './news-list.js';
import { registerMarketStatus } from './status.js';
import { registerMarketSettingsGet } from './settings-get.js';
import { registerMarketSettingsUpdate } from './settings-update.js';

export const marketRoutes = [
  // First: the enabledServices check must run before any market route.
  registerServiceGuard,
  registerCurrencyRates,
  registerCurrencyConvert,
  registerCurrencyList,
  registerStockQuotes,
  registerStockHistory,
  registerPortfolioGet,
  registerPortfolioSet,
  registerPortfolioRemove,
  registerWeather,
  registerWeatherHistory,
  registerSeasonalAnalysis,
  registerSeasonalChart,
  registerNews,
  registerMarketStatus,
  registerMarketSettingsGet,
  registerMarketSettingsUpdate,
];
