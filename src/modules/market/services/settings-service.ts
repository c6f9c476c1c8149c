/**
 * Per-user market settings (ExternalService settings): home currency, city, watch list, enabled services.
 * Every value is checked before anything is written: an unknown currency, city or ticker is a 400 naming it.
 */
import type { Types } from 'mongoose';
import type { AuditService } from '../../../services/audit.js';
import type { Actor } from '../../../services/actor.js';
import { validationFailed } from '../../../lib/errors.js';
import { DEFAULT_EXTERNAL_SETTINGS, EXTERNAL_SERVICES, type ExternalServiceName, type ExternalServiceSettingsModel } from '../models/external-service-settings.js';
import { ServiceDisabledError } from '../errors.js';
import { currencyInfo } from './currencies.js';
import { normaliseTicker, type StocksService } from './stocks-service.js';
import type { WeatherService } from './weather-service.js';

export interface MarketSettings {
  homeCurrency: string;
  city: string;
  watchList: string[];
  enabledServices: ExternalServiceName[];
}

export class MarketSettingsService {
  constructor(private readonly deps: { model: ExternalServiceSettingsModel; stocks: StocksService; weather: WeatherService; audit: AuditService }) {}

  async get(userId: Types.ObjectId | string): Promise<MarketSettings> {
    const doc = await this.deps.model.findOne({ userId }).lean();
    if (!doc) return { ...DEFAULT_EXTERNAL_SETTINGS, watchList: [...DEFAULT_EXTERNAL_SETTINGS.watchList], enabledServices: [...DEFAULT_EXTERNAL_SETTINGS.enabledServices] };
    return { homeCurrency: doc.homeCurrency, city: doc.city, watchList: doc.watchList, enabledServices: doc.enabledServices };
  }

  async update(actor: Actor, patch: Partial<MarketSettings>): Promise<MarketSettings> {
    const userId = actor.userId;
    const current = await this.get(userId);
    const next: MarketSettings = { ...current };
    if (patch.homeCurrency !== undefined) next.homeCurrency = currencyInfo(patch.homeCurrency, 'homeCurrency').code;
    if (patch.city !== undefined) next.city = (await this.deps.weather.place(patch.city)).name;
    if (patch.watchList !== undefined) {
      if (patch.watchList.length > 30) throw validationFailed([{ field: 'watchList', reason: 'at most 30 tickers' }]);
      next.watchList = [...new Set(patch.watchList.map((t) => normaliseTicker(t, 'watchList')))];
      if (next.watchList.length) await this.deps.stocks.quotes(next.watchList, 'watchList');
    }
    if (patch.enabledServices !== undefined) {
      const unknown = patch.enabledServices.find((s) => !(EXTERNAL_SERVICES as readonly string[]).includes(s));
      if (unknown) throw validationFailed([{ field: 'enabledServices', reason: `unknown service ${JSON.stringify(unknown)} (one of ${EXTERNAL_SERVICES.join(', ')})` }]);
      next.enabledServices = [...new Set(patch.enabledServices)];
    }
    await this.deps.model.updateOne({ userId }, { $set: next }, { upsert: true });
    await this.deps.audit.record({ actor, action: 'market.settings.update', target: { type: 'externalServices', id: String(userId) }, metadata: { fields: Object.keys(patch) } });
    return next;
  }

  /** Refuses (403, with how to switch it on) when the user switched this service off; routes and commands call it first. */
  async requireEnabled(userId: Types.ObjectId | string, service: ExternalServiceName): Promise<void> {
    if (!(await this.isEnabled(userId, service))) throw new ServiceDisabledError(service);
  }

  /** Whether the user has this market service switched on (chat and clients read it to hide what is off). */
  async isEnabled(userId: Types.ObjectId | string, service: ExternalServiceName): Promise<boolean> {
    return (await this.get(userId)).enabledServices.includes(service);
  }
}
