import { z } from 'zod';
import { actorOf } from '../../../../../bots/core/actor.js';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { validationFailed } from '../../../../lib/errors.js';
import { EXTERNAL_SERVICES, type ExternalServiceName } from '../../models/external-service-settings.js';
import type { MarketSettings } from '../../services/settings-service.js';
import { marketRefusal, SERVICE_WORDS } from './chat-format.js';

/** The words people type for each setting and service, in both languages. */
const SETTING_WORDS: Record<string, 'currency' | 'city' | 'watch' | 'on' | 'off'> = {
  currency: 'currency', 'mata-uang': 'currency', matauang: 'currency', kurs: 'currency',
  city: 'city', kota: 'city',
  watch: 'watch', pantau: 'watch',
  on: 'on', nyala: 'on', aktif: 'on',
  off: 'off', mati: 'off', nonaktif: 'off',
};
const SERVICE_NAMES: Record<string, ExternalServiceName> = {
  currency: 'currency', kurs: 'currency', stocks: 'stocks', saham: 'stocks', weather: 'weather', cuaca: 'weather', news: 'news', berita: 'news',
};
const ADD = ['add', 'tambah', '+'];
const REMOVE = ['remove', 'hapus', 'rm', '-'];

/**
 * /market                                  show home currency, city, watch list and services
 * /market currency SGD   (mata-uang)       the currency analytics and rates are shown in
 * /market city Bandung   (kota)            the city for /weather and the seasonal chart
 * /market watch add BBRI (pantau tambah)   /market watch remove TLKM (pantau hapus)
 * /market off news       (mati berita)     /market on stocks (nyala saham)
 * The same settings as GET/PUT /api/external/settings, through the same service (and its checks).
 * Always answers, even with every market service switched off: it is how they are switched back on.
 */
export const marketCommand = defineCommand<{ what?: string; value?: string; rest?: string }, Services>({
  name: 'market',
  aliases: ['pasar'],
  description: { id: 'Pengaturan data pasar: mata uang, kota, saham pantauan, layanan', en: 'Market data settings: currency, city, watch list, services' },
  params: [
    { name: 'what', label: { id: 'mata-uang|kota|pantau|nyala|mati', en: 'currency|city|watch|on|off' }, optional: true },
    { name: 'value', label: { id: 'nilai', en: 'value' }, optional: true },
    { name: 'rest', label: { id: 'kode', en: 'code' }, optional: true, rest: true },
  ],
  args: z.object({ what: z.string().optional(), value: z.string().max(80).optional(), rest: z.string().max(80).optional() }),
  example: '/market kota Bandung',
  async run(ctx) {
    const settings = ctx.services.marketSettings;
    const userId = ctx.user!.userId;
    const invalid = (field: string, reason: string) => validationFailed([{ field, reason }]);
    const what = ctx.args.what ? SETTING_WORDS[ctx.args.what.toLowerCase()] : undefined;
    if (ctx.args.what && !what) throw invalid(ctx.say({ id: 'pengaturan', en: 'setting' }), 'currency | city | watch | on | off');
    const value = ctx.args.value?.trim();
    let patch: Partial<MarketSettings> | undefined;
    if (what === 'currency') {
      if (!value) throw invalid(ctx.say({ id: 'mata uang', en: 'currency' }), ctx.say({ id: 'kode ISO 4217, mis. SGD', en: 'an ISO 4217 code, e.g. SGD' }));
      patch = { homeCurrency: value };
    } else if (what === 'city') {
      const city = [value, ctx.args.rest].filter(Boolean).join(' ').trim();
      if (!city) throw invalid(ctx.say({ id: 'kota', en: 'city' }), ctx.say({ id: 'nama kota, mis. Bandung', en: 'a city name, e.g. Bandung' }));
      patch = { city };
    } else if (what === 'watch') {
      const op = value?.toLowerCase() ?? '';
      const tickers = (ctx.args.rest ?? '').split(/[\s,]+/).filter(Boolean);
      if (!(ADD.includes(op) || REMOVE.includes(op)) || !tickers.length) throw invalid(ctx.say({ id: 'pantau', en: 'watch' }), ctx.say({ id: 'tambah|hapus <kode saham>', en: 'add|remove <ticker>' }));
      const current = (await settings.get(userId)).watchList;
      const named = new Set(tickers.map((t) => t.toUpperCase()));
      patch = { watchList: ADD.includes(op) ? [...current, ...named] : current.filter((t) => !named.has(t)) };
    } else if (what === 'on' || what === 'off') {
      const service = SERVICE_NAMES[value?.toLowerCase() ?? ''];
      if (!service) throw invalid(ctx.say({ id: 'layanan', en: 'service' }), 'kurs | saham | cuaca | berita (currency | stocks | weather | news)');
      const enabled = new Set((await settings.get(userId)).enabledServices);
      if (what === 'on') enabled.add(service);
      else enabled.delete(service);
      patch = { enabledServices: EXTERNAL_SERVICES.filter((s) => enabled.has(s)) };
    }

    let current: MarketSettings;
    try {
      current = patch ? await settings.update(actorOf(ctx), patch) : await settings.get(userId);
    } catch (err) {
      // An unknown currency, city or ticker names what was typed and shows what to type instead.
      const friendly = marketRefusal(ctx, err, '/market kota Bandung');
      if (friendly) return reply.text(friendly);
      throw err;
    }
    const onOff = (s: ExternalServiceName) => (current.enabledServices.includes(s) ? ctx.say({ id: 'nyala', en: 'on' }) : ctx.say({ id: 'mati', en: 'off' }));
    return reply.of([
      { type: 'heading', text: ctx.say({ id: 'Pengaturan data pasar', en: 'Market data settings' }) },
      {
        type: 'fields',
        fields: [
          { label: ctx.say({ id: 'Mata uang utama', en: 'Home currency' }), value: current.homeCurrency },
          { label: ctx.say({ id: 'Kota', en: 'City' }), value: current.city },
          { label: ctx.say({ id: 'Saham pantauan', en: 'Watch list' }), value: current.watchList.join(', ') || '—' },
          ...EXTERNAL_SERVICES.map((s) => ({ label: ctx.say(SERVICE_WORDS[s]), value: onOff(s) })),
        ],
      },
      { type: 'text', text: ctx.say({ id: 'Ubah: /market mata-uang SGD · /market kota Bandung · /market pantau tambah BBRI · /market mati berita', en: 'Change: /market currency SGD · /market city Bandung · /market watch add BBRI · /market off news' }) },
    ]);
  },
});
