import { externalServiceSettingsModel, type ExternalServiceSettingsModel } from './external-service-settings.js';
import { marketCacheModel, type MarketCacheModel } from './market-cache.js';
import { portfolioHoldingModel, type PortfolioHoldingModel } from './portfolio-holding.js';

export const marketModels = {
  MarketCache: marketCacheModel,
  PortfolioHolding: portfolioHoldingModel,
  ExternalServiceSettings: externalServiceSettingsModel,
};

declare module '../../../db/models/index.js' {
  interface Models {
    MarketCache: MarketCacheModel;
    PortfolioHolding: PortfolioHoldingModel;
    ExternalServiceSettings: ExternalServiceSettingsModel;
  }
}
