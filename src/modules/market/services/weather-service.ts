/**
 * Weather for a city: the geocoder finds it (cached a month: cities do not move), the forecast gives current
 * conditions and the week ahead, the ERA5 archive gives past months for the seasonal analysis (a finished month's
 * weather never changes, so it is cached for a year).
 */
import { validationFailed } from '../../../lib/errors.js';
import type { CurrentWeather, DailyWeather, Place, WeatherProvider } from '../providers/types.js';
import type { MarketCache } from './market-cache.js';

const DAY_MS = 86_400_000;
/** The archive runs about five days behind. */
const ARCHIVE_LAG_DAYS = 6;
/** ERA5's first month: the archive refuses anything earlier, and such a refusal must not count as the source failing. */
export const ARCHIVE_FIRST_MONTH = '1940-01';
/**
 * A month with at least this much rain counts as rainy season: BMKG starts the rainy season at 50 mm in a
 * ten-day period (dasarian), about 150 mm a month.
 */
export const RAINY_MONTH_MM = 150;

export interface MonthlyWeather {
  month: string;
  rainfallMm: number;
  meanTemperatureC: number | null;
  rainyDays: number;
  days: number;
  season: 'rainy' | 'dry';
}

export interface FreshnessInfo {
  stale: boolean;
  ageSeconds: number;
  source: string;
  sourceError?: string;
}

export class WeatherService {
  constructor(private readonly deps: { provider: WeatherProvider; cache: MarketCache; now: () => Date }) {}

  async place(city: string): Promise<Place> {
    const name = city.trim();
    if (name.length < 2 || name.length > 80) throw validationFailed([{ field: 'city', reason: 'a city name of 2 to 80 characters' }]);
    const { provider, cache } = this.deps;
    const cached = await cache.get(`weather:place:${name.toLowerCase()}`, { ttlMs: 30 * DAY_MS, staleWhileRevalidateMs: 335 * DAY_MS }, async () => ({
      value: await provider.geocode(name),
      source: provider.descriptor.id,
    }));
    return cached.value;
  }

  async current(city: string, days = 7): Promise<{ place: Place; current: CurrentWeather; daily: DailyWeather[] } & FreshnessInfo> {
    const place = await this.place(city);
    const { provider, cache } = this.deps;
    const cached = await cache.get(`weather:forecast:${place.latitude.toFixed(3)},${place.longitude.toFixed(3)}:${days}`, provider.descriptor, async () => ({
      value: await provider.forecast(place, days),
      source: provider.descriptor.id,
    }));
    return { place, ...cached.value, ...freshness(cached) };
  }

  /** Monthly rainfall and temperature for the months from `firstMonth` to `lastMonth` ('YYYY-MM'), oldest first. */
  async monthly(city: string, firstMonth: string, lastMonth: string): Promise<{ place: Place; months: MonthlyWeather[] } & FreshnessInfo> {
    // Asked of the archive, each month before 1940 would be a refused call (retried, and counted by the breaker
    // until it opened for every user): it is bad input, so it is refused here.
    if (firstMonth < ARCHIVE_FIRST_MONTH) throw validationFailed([{ field: 'from', reason: `no weather archive before ${ARCHIVE_FIRST_MONTH}` }]);
    const place = await this.place(city);
    const { provider, cache } = this.deps;
    const latestDay = new Date(this.deps.now().getTime() - ARCHIVE_LAG_DAYS * DAY_MS).toISOString().slice(0, 10);
    const months: MonthlyWeather[] = [];
    let stale = false;
    let ageSeconds = 0;
    let sourceError: string | undefined;
    for (const month of monthsBetween(firstMonth, lastMonth)) {
      const start = `${month}-01`;
      const monthEnd = lastDayOf(month);
      if (start > latestDay) continue;
      const end = monthEnd < latestDay ? monthEnd : latestDay;
      const complete = end === monthEnd;
      const cached = await cache.get(
        `weather:archive:${place.latitude.toFixed(3)},${place.longitude.toFixed(3)}:${month}${complete ? '' : `:${end}`}`,
        complete ? { ttlMs: 365 * DAY_MS, staleWhileRevalidateMs: 0 } : { ttlMs: DAY_MS, staleWhileRevalidateMs: DAY_MS },
        async () => ({ value: await provider.archive(place, start, end), source: provider.descriptor.id }),
      );
      stale ||= cached.stale;
      ageSeconds = Math.max(ageSeconds, cached.ageSeconds);
      sourceError ??= cached.sourceError;
      months.push(summarise(month, cached.value));
    }
    return { place, months, stale, ageSeconds, source: provider.descriptor.id, ...(sourceError ? { sourceError } : {}) };
  }
}

export function summarise(month: string, days: DailyWeather[]): MonthlyWeather {
  const rain = days.filter((d) => d.precipitationMm !== null);
  const temps = days.map((d) => d.temperatureMeanC).filter((t): t is number => t !== null);
  const rainfallMm = Math.round(rain.reduce((s, d) => s + (d.precipitationMm ?? 0), 0) * 10) / 10;
  const fullMonth = Number(lastDayOf(month).slice(8));
  // A partial month is judged by its pace: 80 mm in the first ten days of a 30-day month is a rainy month.
  const projected = days.length ? (rainfallMm * fullMonth) / days.length : 0;
  return {
    month,
    rainfallMm,
    meanTemperatureC: temps.length ? Math.round((temps.reduce((s, t) => s + t, 0) / temps.length) * 10) / 10 : null,
    rainyDays: rain.filter((d) => (d.precipitationMm ?? 0) >= 1).length,
    days: days.length,
    season: projected >= RAINY_MONTH_MM ? 'rainy' : 'dry',
  };
}

export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number);
  const [ly, lm] = last.split('-').map(Number);
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function freshness(cached: { stale: boolean; ageSeconds: number; source: string; sourceError?: string }): FreshnessInfo {
  return { stale: cached.stale, ageSeconds: cached.ageSeconds, source: cached.source, ...(cached.sourceError ? { sourceError: cached.sourceError } : {}) };
}
