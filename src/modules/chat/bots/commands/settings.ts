import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { parseLanguage, parseZone } from '../../../../../bots/core/locale.js';
import { reply } from '../../../../../bots/core/reply.js';
import { AppError } from '../../../../lib/errors.js';
import type { Services } from '../../../../services/registry.js';
import { NOTIFICATION_TOPICS, type NotificationTopic } from '../../models/chat-identity.js';

const TOPIC_WORDS: Record<string, NotificationTopic> = { payments: 'payments', pembayaran: 'payments', recurring: 'recurring', rutin: 'recurring', other: 'other', lainnya: 'other' };

/**
 * /settings                       show language, zone and notifications
 * /settings language en|id        /settings bahasa en
 * /settings zone WIB|WITA|WIT     /settings zona WITA
 * /settings notify payments off   /settings notif pembayaran mati
 */
export const settingsCommand = defineCommand<{ what?: string; value?: string; state?: string }, Services>({
  name: 'settings',
  aliases: ['pengaturan'],
  description: { id: 'Bahasa, zona waktu (WIB/WITA/WIT) dan notifikasi', en: 'Language, time zone (WIB/WITA/WIT) and notifications' },
  params: [
    { name: 'what', label: { id: 'bahasa|zona|notif', en: 'language|zone|notify' }, optional: true },
    { name: 'value', label: { id: 'nilai', en: 'value' }, optional: true },
    { name: 'state', label: { id: 'on|off', en: 'on|off' }, optional: true },
  ],
  args: z.object({ what: z.string().optional(), value: z.string().optional(), state: z.string().optional() }),
  example: '/settings zona WITA',
  async run(ctx) {
    const account = { channel: ctx.origin.channel, externalUserId: ctx.origin.externalUserId };
    const what = ctx.args.what?.toLowerCase();
    const invalid = (field: string, reason: string) => new AppError('VALIDATION_FAILED', reason, { details: { issues: [{ field, reason }] } });
    let current = await ctx.services.chatIdentities.resolve(account);
    if (!current) throw new AppError('NOT_FOUND', 'chat account not found');

    if (what === 'language' || what === 'bahasa' || what === 'lang') {
      const language = parseLanguage(ctx.args.value ?? '');
      if (!language) throw invalid(ctx.say({ id: 'bahasa', en: 'language' }), 'id | en');
      current = await ctx.services.chatIdentities.updateSettings(account, { language });
    } else if (what === 'zone' || what === 'zona' || what === 'tz') {
      const zone = parseZone(ctx.args.value ?? '');
      if (!zone) throw invalid(ctx.say({ id: 'zona', en: 'zone' }), 'WIB | WITA | WIT');
      current = await ctx.services.chatIdentities.updateSettings(account, { zone });
    } else if (what === 'notify' || what === 'notif' || what === 'notifikasi') {
      const topic = TOPIC_WORDS[ctx.args.value?.toLowerCase() ?? ''];
      const state = ctx.args.state?.toLowerCase();
      const on = state === 'on' || state === 'nyala' || state === 'aktif';
      const off = state === 'off' || state === 'mati' || state === 'nonaktif';
      if (!topic || (!on && !off)) throw invalid('notif', `${Object.keys(TOPIC_WORDS).join(' | ')} on|off`);
      const muted = new Set(current.mutedTopics);
      if (off) muted.add(topic);
      else muted.delete(topic);
      current = await ctx.services.chatIdentities.updateSettings(account, { mutedTopics: [...muted] });
    } else if (what !== undefined) {
      throw invalid(ctx.say({ id: 'pengaturan', en: 'setting' }), ctx.say({ id: 'pilih bahasa, zona atau notif', en: 'choose language, zone or notify' }));
    }

    const language = current.language;
    const say = (t: { id: string; en: string }) => t[language];
    const onOff = (topic: NotificationTopic) => (current!.mutedTopics.includes(topic) ? say({ id: 'mati', en: 'off' }) : say({ id: 'nyala', en: 'on' }));
    return reply.of([
      { type: 'heading', text: say({ id: 'Pengaturan', en: 'Settings' }) },
      {
        type: 'fields',
        fields: [
          { label: say({ id: 'Bahasa', en: 'Language' }), value: language === 'id' ? 'Bahasa Indonesia' : 'English' },
          { label: say({ id: 'Zona waktu', en: 'Time zone' }), value: current.zone },
          ...NOTIFICATION_TOPICS.map((t) => ({ label: `${say({ id: 'Notifikasi', en: 'Notifications' })} ${t}`, value: onOff(t) })),
        ],
      },
      { type: 'text', text: say({ id: 'Ubah: /settings bahasa en · /settings zona WITA · /settings notif pembayaran mati', en: 'Change: /settings language id · /settings zone WIT · /settings notify payments off' }) },
    ]);
  },
});
