import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import type { Localized } from '../../../../../bots/core/locale.js';
import { reply, type Reply, type ReplyBlock } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { seasonalChartPng } from '../../services/seasonal-chart.js';
import { displayMoney, marketReply, staleNote } from './chat-format.js';

/** WMO weather codes (what Open-Meteo reports), grouped the way a person would say them. */
function weatherWord(code: number | null): Localized | undefined {
  if (code === null) return undefined;
  if (code === 0) return { id: 'cerah', en: 'clear' };
  if (code <= 3) return { id: 'berawan', en: 'cloudy' };
  if (code <= 48) return { id: 'berkabut', en: 'foggy' };
  if (code <= 67 || (code >= 80 && code <= 82)) return { id: 'hujan', en: 'rain' };
  if (code >= 95) return { id: 'badai petir', en: 'thunderstorm' };
  return { id: 'hujan/salju', en: 'precipitation' };
}

/**
 * /weather [city]: the weather now (public), then the user's seasonal spending chart for that city as an image
 * (private: it shows their spending). The city defaults to the one in the user's settings.
 */
export const weatherCommand = defineCommand<{ city?: string }, Services>({
  name: 'weather',
  aliases: ['cuaca'],
  description: { id: 'Cuaca dan grafik belanja musiman', en: 'Weather and the seasonal spending chart' },
  params: [{ name: 'city', label: { id: 'kota', en: 'city' }, optional: true, rest: true }],
  args: z.object({ city: z.string().max(80).optional() }),
  example: '/weather Bandung',
  async run(ctx) {
    return marketReply(ctx, 'weather', '/weather Bandung', async () => {
      const settings = await ctx.services.marketSettings.get(ctx.user!.userId);
      const city = ctx.args.city ?? settings.city;
      const now = await ctx.services.marketWeather.current(city, 1);
      const c = now.current;
      const word = weatherWord(c.weatherCode);
      const place = [now.place.name, now.place.admin1, now.place.country].filter(Boolean).join(', ');
      const fields = [
        ...(c.temperatureC !== null ? [{ label: ctx.say({ id: 'Suhu', en: 'Temperature' }), value: `${c.temperatureC} °C` }] : []),
        ...(word ? [{ label: ctx.say({ id: 'Kondisi', en: 'Conditions' }), value: ctx.say(word) }] : []),
        ...(c.precipitationMm !== null ? [{ label: ctx.say({ id: 'Curah hujan', en: 'Precipitation' }), value: `${c.precipitationMm} mm` }] : []),
        ...(c.relativeHumidity !== null ? [{ label: ctx.say({ id: 'Kelembapan', en: 'Humidity' }), value: `${c.relativeHumidity}%` }] : []),
      ];
      const current: ReplyBlock[] = [{ type: 'heading', text: ctx.say({ id: 'Cuaca di {place}', en: 'Weather in {place}' }, { place }) }, { type: 'fields', fields }];
      const note = staleNote(ctx, now);
      if (note) current.push({ type: 'text', text: note });
      const replies: Reply[] = [reply.of(current, 'public')];

      const analysis = await ctx.services.marketSeasonal.analyse(ctx.user!.userId, { city: now.place.name, currency: settings.homeCurrency });
      const money = (minor: number | null) => (minor === null ? '—' : displayMoney(minor, analysis.currency, ctx.locale.language));
      const caption = ctx.say(
        { id: 'Belanja per bulan vs curah hujan, {first}–{last}. Rata-rata bulan hujan {rainy}, bulan kemarau {dry}.', en: 'Monthly spending vs rainfall, {first}–{last}. Average rainy month {rainy}, dry month {dry}.' },
        { first: analysis.firstMonth, last: analysis.lastMonth, rainy: money(analysis.totals.rainyMonthlyAverageMinor), dry: money(analysis.totals.dryMonthlyAverageMinor) },
      );
      replies.push(reply.of([{ type: 'image', data: seasonalChartPng(analysis), filename: `seasonal-${analysis.firstMonth}-${analysis.lastMonth}.png`, mimeType: 'image/png', caption }], 'private'));
      return replies;
    });
  },
});
