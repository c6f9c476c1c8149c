/**
 * Open-Meteo simulator: /v1/search (geocoder), /v1/forecast (current + daily) and /v1/archive (daily history up to
 * five days ago), one server for the three hosts. Weather follows each city's climatology: a wet season from
 * about November to March and a dry season from about June to September on Java, the reverse-leaning pattern of
 * Medan, temperatures by altitude (Bandung sits at ~700 m and is ~5 °C cooler than Jakarta).
 */
import { DAY_MS, dayIndex, isoDay, noise, runSimulator, stringSeed, type RunningSimulator } from './simulator.js';

interface City {
  id: number;
  name: string;
  latitude: number;
  longitude: number;
  elevation: number;
  admin1: string;
  population: number;
  /** Mean monthly rainfall, mm, January first. */
  rainMm: number[];
  /** Mean daily temperature, °C, January first. */
  tempC: number[];
}

export const CITIES: City[] = [
  { id: 1642911, name: 'Jakarta', latitude: -6.21462, longitude: 106.84513, elevation: 8, admin1: 'DKI Jakarta', population: 8_540_121,
    rainMm: [300, 300, 210, 150, 115, 95, 65, 55, 65, 105, 140, 200], tempC: [27.1, 27.1, 27.6, 28.1, 28.3, 28.0, 27.8, 28.1, 28.5, 28.6, 28.2, 27.6] },
  { id: 1650357, name: 'Bandung', latitude: -6.90389, longitude: 107.61861, elevation: 768, admin1: 'Jawa Barat', population: 1_699_719,
    rainMm: [220, 230, 270, 250, 160, 70, 50, 50, 70, 200, 290, 260], tempC: [22.5, 22.6, 22.9, 23.1, 23.1, 22.6, 22.2, 22.4, 23.1, 23.4, 23.0, 22.7] },
  { id: 1625822, name: 'Surabaya', latitude: -7.24917, longitude: 112.75083, elevation: 5, admin1: 'Jawa Timur', population: 2_374_658,
    rainMm: [330, 290, 280, 200, 120, 60, 30, 10, 15, 50, 120, 250], tempC: [27.3, 27.3, 27.5, 27.9, 27.9, 27.4, 27.0, 27.3, 28.0, 28.8, 28.9, 27.9] },
  { id: 1214520, name: 'Medan', latitude: 3.58333, longitude: 98.66667, elevation: 26, admin1: 'Sumatera Utara', population: 1_750_971,
    rainMm: [140, 100, 130, 170, 220, 140, 150, 200, 280, 330, 270, 230], tempC: [26.6, 27.0, 27.4, 27.7, 27.9, 27.8, 27.5, 27.3, 26.9, 26.7, 26.6, 26.5] },
  { id: 1645528, name: 'Denpasar', latitude: -8.65, longitude: 115.21667, elevation: 12, admin1: 'Bali', population: 405_923,
    rainMm: [350, 280, 220, 80, 70, 60, 50, 30, 40, 80, 150, 280], tempC: [27.8, 27.9, 27.9, 27.9, 27.5, 26.9, 26.4, 26.5, 27.0, 27.7, 28.2, 28.0] },
  { id: 1621177, name: 'Yogyakarta', latitude: -7.80139, longitude: 110.36472, elevation: 113, admin1: 'DI Yogyakarta', population: 636_660,
    rainMm: [340, 320, 290, 190, 110, 60, 35, 25, 40, 110, 220, 310], tempC: [26.2, 26.3, 26.5, 26.7, 26.5, 25.9, 25.4, 25.7, 26.4, 26.9, 26.8, 26.4] },
];

function nearest(latitude: number, longitude: number): City {
  return CITIES.reduce((best, city) =>
    Math.hypot(city.latitude - latitude, city.longitude - longitude) < Math.hypot(best.latitude - latitude, best.longitude - longitude) ? city : best,
  );
}

interface Day {
  precipitation: number;
  tMax: number;
  tMin: number;
  tMean: number;
}

/** One day's weather for a city: rain falls on more days in the wet season, in amounts that sum to the monthly mean. */
export function dayWeather(city: City, date: string): Day {
  const d = new Date(`${date}T00:00:00Z`);
  const month = d.getUTCMonth();
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), month + 1, 0)).getUTCDate();
  const day = dayIndex(date);
  const k = city.id;
  // Year-to-year variation: some wet seasons are wetter (La Niña years), some dry seasons drier.
  const yearFactor = 1 + 0.25 * noise(k, d.getUTCFullYear());
  const monthly = city.rainMm[month] * yearFactor;
  const chance = Math.min(0.9, Math.max(0.12, monthly / 380));
  const raining = (noise(k, day, 1) + 1) / 2 < chance;
  const amount = raining ? (monthly / (daysInMonth * chance)) * (1 + 0.7 * noise(k, day, 2)) : 0;
  const tMean = city.tempC[month] + 0.8 * noise(k, day, 3) - (raining ? 0.4 : 0);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    precipitation: round(Math.max(0, amount)),
    tMax: round(tMean + 4.2 + 0.6 * noise(k, day, 4) - (raining ? 0.8 : 0)),
    tMin: round(tMean - 3.4 + 0.5 * noise(k, day, 5)),
    tMean: round(tMean),
  };
}

const DAILY = ['precipitation_sum', 'temperature_2m_max', 'temperature_2m_min', 'temperature_2m_mean'] as const;

export interface OpenMeteoSimulatorOptions {
  port?: number;
  now?: () => Date;
}

export function startOpenMeteoSimulator(options: OpenMeteoSimulatorOptions = {}): Promise<RunningSimulator> {
  const now = options.now ?? (() => new Date());
  return runSimulator(
    'Open-Meteo',
    (app) => {
      const refuse = (reason: string) => Response.json({ error: true, reason }, { status: 400 });
      const coordinates = (q: (k: string) => string | undefined) => {
        const latitude = Number(q('latitude'));
        const longitude = Number(q('longitude'));
        if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90 || !Number.isFinite(longitude) || longitude < -180 || longitude > 180) return undefined;
        return { latitude, longitude };
      };
      const header = (city: City, tz: string) => ({
        latitude: Number(city.latitude.toFixed(4)),
        longitude: Number(city.longitude.toFixed(4)),
        generationtime_ms: 0.05 + Math.abs(noise(stringSeed(tz))) / 10,
        utc_offset_seconds: 25_200,
        timezone: 'Asia/Jakarta',
        timezone_abbreviation: 'WIB',
        elevation: city.elevation,
      });
      const daily = (city: City, dates: string[], fields: string[]) => {
        const days = dates.map((date) => dayWeather(city, date));
        const columns: Record<string, unknown[]> = { time: dates };
        const units: Record<string, string> = { time: 'iso8601' };
        for (const field of fields) {
          if (field === 'precipitation_sum') { columns[field] = days.map((d) => d.precipitation); units[field] = 'mm'; }
          if (field === 'temperature_2m_max') { columns[field] = days.map((d) => d.tMax); units[field] = '°C'; }
          if (field === 'temperature_2m_min') { columns[field] = days.map((d) => d.tMin); units[field] = '°C'; }
          if (field === 'temperature_2m_mean') { columns[field] = days.map((d) => d.tMean); units[field] = '°C'; }
        }
        return { daily_units: units, daily: columns };
      };
      const fieldsOf = (list: string | undefined) => {
        const fields = (list ?? '').split(',').filter(Boolean);
        const unknown = fields.find((f) => !(DAILY as readonly string[]).includes(f));
        return { fields, unknown };
      };
      const datesBetween = (start: string, end: string) => {
        const out: string[] = [];
        for (let ms = Date.parse(`${start}T00:00:00Z`); ms <= Date.parse(`${end}T00:00:00Z`); ms += DAY_MS) out.push(isoDay(ms));
        return out;
      };

      app.get('/v1/search', (c) => {
        const name = (c.req.query('name') ?? '').trim().toLowerCase();
        const count = Math.min(100, Number(c.req.query('count') ?? 10) || 10);
        const matches = name.length < 2 ? [] : CITIES.filter((city) => city.name.toLowerCase().startsWith(name)).slice(0, count);
        const body: Record<string, unknown> = { generationtime_ms: 0.61 };
        // The real geocoder leaves `results` out entirely when nothing matches.
        if (matches.length) {
          body.results = matches.map((city) => ({
            id: city.id, name: city.name, latitude: city.latitude, longitude: city.longitude, elevation: city.elevation,
            feature_code: city.name === 'Jakarta' ? 'PPLC' : 'PPLA', country_code: 'ID', admin1_id: city.id + 1, timezone: 'Asia/Jakarta',
            population: city.population, country_id: 1643084, country: 'Indonesia', admin1: city.admin1,
          }));
        }
        return c.json(body);
      });

      app.get('/v1/forecast', (c) => {
        const at = coordinates((k) => c.req.query(k));
        if (!at) return refuse('Latitude must be in range of -90 to 90°. Given: ' + c.req.query('latitude'));
        const { fields, unknown } = fieldsOf(c.req.query('daily'));
        if (unknown) return refuse(`Cannot initialize ForecastVariableDaily from invalid String value ${unknown} for key daily`);
        const days = Number(c.req.query('forecast_days') ?? 7);
        if (!Number.isInteger(days) || days < 0 || days > 16) return refuse('Forecast days is invalid. Allowed range 0 to 16. Given ' + days + '.');
        const city = nearest(at.latitude, at.longitude);
        const local = new Date(now().getTime() + 7 * 3_600_000);
        const today = isoDay(local.getTime());
        const dates = datesBetween(today, isoDay(local.getTime() + (days - 1) * DAY_MS));
        const body: Record<string, unknown> = { ...header(city, 'forecast'), ...(fields.length ? daily(city, dates, fields) : {}) };
        if (c.req.query('current')) {
          const quarter = Math.floor(local.getTime() / 900_000) * 900_000;
          const todayWeather = dayWeather(city, today);
          const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
          // Warmest mid-afternoon; on a rainy day the rain comes in the afternoon, as Java's convective storms do.
          const temperature = Math.round((todayWeather.tMin + (todayWeather.tMax - todayWeather.tMin) * Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI))) * 10) / 10;
          const rainingNow = todayWeather.precipitation > 0 && hour >= 14 && hour < 18;
          body.current_units = { time: 'iso8601', interval: 'seconds', temperature_2m: '°C', precipitation: 'mm', relative_humidity_2m: '%', weather_code: 'wmo code', wind_speed_10m: 'km/h' };
          body.current = {
            time: new Date(quarter).toISOString().slice(0, 16),
            interval: 900,
            temperature_2m: temperature,
            precipitation: rainingNow ? Math.round((todayWeather.precipitation / 4) * 10) / 10 : 0,
            relative_humidity_2m: Math.round(75 + 10 * noise(city.id, quarter / 900_000) + (rainingNow ? 12 : 0)),
            weather_code: rainingNow ? (todayWeather.precipitation > 20 ? 95 : 61) : todayWeather.precipitation > 0 ? 3 : 1,
            wind_speed_10m: Math.round((8 + 5 * Math.abs(noise(city.id, quarter / 900_000, 7))) * 10) / 10,
          };
        }
        return c.json(body);
      });

      app.get('/v1/archive', (c) => {
        const at = coordinates((k) => c.req.query(k));
        if (!at) return refuse('Latitude must be in range of -90 to 90°. Given: ' + c.req.query('latitude'));
        const start = c.req.query('start_date') ?? '';
        const end = c.req.query('end_date') ?? '';
        const latest = isoDay(now().getTime() - 5 * DAY_MS);
        for (const [name, value] of [['start_date', start], ['end_date', end]] as const) {
          if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return refuse(`Parameter '${name}' is invalid`);
          if (value < '1940-01-01' || value > latest) return refuse(`Parameter '${name}' is out of allowed range from 1940-01-01 to ${latest}`);
        }
        if (start > end) return refuse('End-date must be larger or equal than start-date');
        const { fields, unknown } = fieldsOf(c.req.query('daily'));
        if (unknown) return refuse(`Cannot initialize DailyWeatherVariable from invalid String value ${unknown} for key daily`);
        const city = nearest(at.latitude, at.longitude);
        return c.json({ ...header(city, 'archive'), ...daily(city, datesBetween(start, end), fields) });
      });
    },
    // Columns that do not line up: a classic partial answer.
    (c) => c.json({ latitude: -6.2, longitude: 106.8, daily: { time: ['2024-01-01', '2024-01-02'], precipitation_sum: [12.1], temperature_2m_max: [31.2, 30.8], temperature_2m_min: [24.0, 24.1] } }),
    options,
  );
}
