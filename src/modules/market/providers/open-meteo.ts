/**
 * Open-Meteo: forecast with current conditions, the historical archive (ERA5, 1940 → about five days ago) and
 * the geocoder. No key. Three hosts, one source (one breaker, one status line):
 *   https://geocoding-api.open-meteo.com/v1/search?name=Bandung&count=1&language=id
 *     → {"results":[{"name","latitude","longitude","country","admin1","timezone",…}]}; no match → no `results` key
 *   https://api.open-meteo.com/v1/forecast?latitude&longitude&current=…&daily=…&timezone=Asia/Jakarta&forecast_days=7
 *   https://archive-api.open-meteo.com/v1/archive?latitude&longitude&start_date&end_date&daily=…&timezone=…
 * Answers are column arrays aligned by index, values may be null; errors are 400 {"error":true,"reason":"…"}.
 */
import { z } from 'zod';
import { UnknownCityError } from '../errors.js';
import { badData, badShape, parseJson, type SourceResponse } from './source-client.js';
import { clientFor, joinUrl, type AdapterOptions } from './common.js';
import type { CurrentWeather, DailyWeather, Place, SourceDescriptor, WeatherProvider } from './types.js';

export const openMeteoDescriptor: SourceDescriptor = {
  id: 'open-meteo',
  kind: 'weather',
  title: 'Open-Meteo (forecast, ERA5 archive, geocoding)',
  realBaseUrl: 'https://api.open-meteo.com',
  ttlMs: 30 * 60_000,
  staleWhileRevalidateMs: 6 * 60 * 60_000,
  timeoutMs: 8000,
  attribution: 'Weather data by Open-Meteo.com (CC BY 4.0)',
};

export const OPEN_METEO_HOSTS = {
  forecast: 'https://api.open-meteo.com',
  archive: 'https://archive-api.open-meteo.com',
  geocoding: 'https://geocoding-api.open-meteo.com',
} as const;

const DAILY_FIELDS = ['precipitation_sum', 'temperature_2m_max', 'temperature_2m_min', 'temperature_2m_mean'] as const;
const CURRENT_FIELDS = ['temperature_2m', 'precipitation', 'relative_humidity_2m', 'weather_code', 'wind_speed_10m'] as const;

const column = z.array(z.number().nullable());
const dailyBlock = z.object({
  time: z.array(z.string()),
  precipitation_sum: column,
  temperature_2m_max: column,
  temperature_2m_min: column,
  temperature_2m_mean: column.optional(),
});
const forecastAnswer = z.object({
  current: z.object({
    time: z.string(),
    temperature_2m: z.number().nullable(),
    precipitation: z.number().nullable(),
    relative_humidity_2m: z.number().nullable(),
    weather_code: z.number().nullable(),
    wind_speed_10m: z.number().nullable(),
  }),
  daily: dailyBlock,
});
const archiveAnswer = z.object({ daily: dailyBlock });
/** Its error body: {"error": true, "reason": "…"}. */
const refusal = z.object({ reason: z.string() });
const geocodingAnswer = z.object({
  results: z
    .array(
      z.object({
        name: z.string(),
        latitude: z.number(),
        longitude: z.number(),
        country: z.string().optional(),
        admin1: z.string().optional(),
        timezone: z.string().optional(),
      }),
    )
    .optional(),
});

export interface OpenMeteoOptions extends AdapterOptions {
  /** Per-host overrides; `baseUrl` alone points all three hosts at one server (the sandbox serves all paths). */
  hosts?: Partial<Record<keyof typeof OPEN_METEO_HOSTS, string>>;
}

export function createOpenMeteoProvider(options: OpenMeteoOptions = {}): WeatherProvider {
  const descriptor = openMeteoDescriptor;
  const client = clientFor(descriptor, options);
  const host = (which: keyof typeof OPEN_METEO_HOSTS) => options.hosts?.[which] ?? options.baseUrl ?? OPEN_METEO_HOSTS[which];

  const checked = <T>(schema: z.ZodType<T>, response: SourceResponse): T => {
    const body = parseJson(descriptor.id, response);
    if (response.status === 400) throw badData(descriptor.id, `refused: ${refusal.safeParse(body).data?.reason ?? 'bad request'}`);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw badShape(descriptor.id, 'unexpected answer shape', parsed.error);
    return parsed.data;
  };

  const toDaily = (daily: z.infer<typeof dailyBlock>): DailyWeather[] => {
    const n = daily.time.length;
    if ([daily.precipitation_sum, daily.temperature_2m_max, daily.temperature_2m_min].some((c) => c.length !== n)) {
      throw badData(descriptor.id, 'daily columns do not line up');
    }
    return daily.time.map((date, i) => {
      const max = daily.temperature_2m_max[i];
      const min = daily.temperature_2m_min[i];
      // The forecast API has no daily mean; the midpoint of max and min is the customary stand-in.
      const mean = daily.temperature_2m_mean?.[i] ?? (max !== null && min !== null ? Math.round(((max + min) / 2) * 10) / 10 : null);
      return { date, precipitationMm: daily.precipitation_sum[i], temperatureMaxC: max, temperatureMinC: min, temperatureMeanC: mean };
    });
  };

  return {
    descriptor,
    client,
    geocode: (name) =>
      client.get(joinUrl(host('geocoding'), 'v1/search', { name: name.trim(), count: 1, language: 'id', format: 'json' }), (response) => {
        const first = checked(geocodingAnswer, response).results?.[0];
        if (!first) throw new UnknownCityError(name);
        const place: Place = { name: first.name, latitude: first.latitude, longitude: first.longitude, timezone: first.timezone ?? 'Asia/Jakarta' };
        if (first.country) place.country = first.country;
        if (first.admin1) place.admin1 = first.admin1;
        return place;
      }),
    forecast: (place, days) =>
      client.get(
        joinUrl(host('forecast'), 'v1/forecast', {
          latitude: place.latitude,
          longitude: place.longitude,
          current: CURRENT_FIELDS.join(','),
          daily: DAILY_FIELDS.filter((f) => f !== 'temperature_2m_mean').join(','),
          timezone: place.timezone,
          forecast_days: days,
        }),
        (response) => {
          const data = checked(forecastAnswer, response);
          const current: CurrentWeather = {
            time: data.current.time,
            temperatureC: data.current.temperature_2m,
            precipitationMm: data.current.precipitation,
            relativeHumidity: data.current.relative_humidity_2m,
            weatherCode: data.current.weather_code,
            windSpeedKmh: data.current.wind_speed_10m,
          };
          return { current, daily: toDaily(data.daily) };
        },
      ),
    archive: (place, startDate, endDate) =>
      client.get(
        joinUrl(host('archive'), 'v1/archive', {
          latitude: place.latitude,
          longitude: place.longitude,
          start_date: startDate,
          end_date: endDate,
          daily: DAILY_FIELDS.join(','),
          timezone: place.timezone,
        }),
        (response) => toDaily(checked(archiveAnswer, response).daily),
      ),
  };
}
