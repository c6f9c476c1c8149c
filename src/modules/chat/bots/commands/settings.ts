import { z } from 'zod';
import { defineCommand, type CommandContext } from '../../../../../bots/core/command.js';
import { parseLanguage, parseZone, TIME_ZONES } from '../../../../../bots/core/locale.js';
import { reply } from '../../../../../bots/core/reply.js';
import { AppError, validationFailed } from '../../../../lib/errors.js';
import type { Services } from '../../../../services/registry.js';
import { NOTIFICATION_TOPICS, type NotificationTopic } from '../../models/chat-identity.js';
import type { LinkedAccount } from '../../services/identity-service.js';

const TOPIC_LABELS: Record<NotificationTopic, { id: string; en: string }> = { payments: { id: 'pembayaran', en: 'payments' }, recurring: { id: 'rutin', en: 'recurring' }, other: { id: 'lainnya', en: 'other' } };
const TOPIC_WORDS: Record<string, NotificationTopic> = { payments: 'payments', pembayaran: 'payments', recurring: 'recurring', rutin: 'recurring', other: 'other', lainnya: 'other' };

/**
 * /settings                       show language, zone and notifications
 * /settings language en|id        /settings bahasa en
 * /settings zone WIB|WITA|WIT     /settings zona WITA
 * /settings notify payments off   /settings notif pembayaran mati
 * The card it answers has buttons for the same changes.
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
    const account = chatAccountOf(ctx);
    const what = ctx.args.what?.toLowerCase();
    const invalid = (field: string, reason: string) => validationFailed([{ field, reason }]);
    let current = await linkedSettings(ctx);

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

    return settingsView(ctx, current);
  },
  actions: {
    /** A settings button: the target state is in the payload (not a toggle), so a stale press cannot flip it back. */
    async set(ctx) {
      const account = chatAccountOf(ctx);
      const { what, value, state } = ctx.payload as { what: string; value: string; state?: 'on' | 'off' };
      const current = await linkedSettings(ctx);
      let changes: Parameters<Services['chatIdentities']['updateSettings']>[1] = {};
      if (what === 'language' && parseLanguage(value)) changes = { language: parseLanguage(value)! };
      else if (what === 'zone' && parseZone(value)) changes = { zone: parseZone(value)! };
      else if (what === 'notify' && (NOTIFICATION_TOPICS as readonly string[]).includes(value)) {
        const muted = new Set(current.mutedTopics);
        if (state === 'off') muted.add(value as NotificationTopic);
        else muted.delete(value as NotificationTopic);
        changes = { mutedTopics: [...muted] };
      }
      const updated = await ctx.services.chatIdentities.updateSettings(account, changes);
      return { ...(await settingsView(ctx, updated)), replaceOriginal: true };
    },
  },
});

type SettingsContext = Pick<CommandContext<unknown, Services>, 'buttons'>;

const chatAccountOf = (ctx: Pick<CommandContext<unknown, Services>, 'origin'>) => ({ channel: ctx.origin.channel, externalUserId: ctx.origin.externalUserId });

/** The chat user's current settings (both the command and its buttons start from them). */
async function linkedSettings(ctx: Pick<CommandContext<unknown, Services>, 'origin' | 'services'>): Promise<LinkedAccount> {
  const current = await ctx.services.chatIdentities.resolve(chatAccountOf(ctx));
  if (!current) throw new AppError('NOT_FOUND', 'chat account not found');
  return current;
}

/**
 * The settings card, in the user's (possibly just changed) language, with buttons for the changes people make
 * most: the other language, the other two zones, and each notification topic on or off. The typed forms in the
 * last line do the same.
 */
async function settingsView(ctx: SettingsContext, current: LinkedAccount) {
  const language = current.language;
  const say = (t: { id: string; en: string }) => t[language];
  const same = (text: string) => ({ id: text, en: text });
  const muted = (topic: NotificationTopic) => current.mutedTopics.includes(topic);
  const onOff = (topic: NotificationTopic) => (muted(topic) ? say({ id: 'mati', en: 'off' }) : say({ id: 'nyala', en: 'on' }));
  const otherLanguage = language === 'id' ? 'en' : 'id';
  const buttons = await ctx.buttons([
    { label: same(otherLanguage === 'en' ? '🌐 English' : '🌐 Bahasa Indonesia'), action: 'set', payload: { what: 'language', value: otherLanguage } },
    ...(Object.keys(TIME_ZONES) as (keyof typeof TIME_ZONES)[])
      .filter((zone) => zone !== current.zone)
      .map((zone) => ({ label: same(`🕐 ${zone}`), action: 'set', payload: { what: 'zone', value: zone } })),
    ...NOTIFICATION_TOPICS.map((topic) => ({
      label: same(`${muted(topic) ? '🔔' : '🔕'} ${TOPIC_LABELS[topic][language]} ${muted(topic) ? say({ id: 'nyalakan', en: 'on' }) : say({ id: 'matikan', en: 'off' })}`),
      action: 'set',
      payload: { what: 'notify', value: topic, state: muted(topic) ? 'on' : 'off' },
    })),
  ]);
  return reply.of([
    { type: 'heading', text: say({ id: 'Pengaturan', en: 'Settings' }) },
    {
      type: 'fields',
      fields: [
        { label: say({ id: 'Bahasa', en: 'Language' }), value: language === 'id' ? 'Bahasa Indonesia' : 'English' },
        { label: say({ id: 'Zona waktu', en: 'Time zone' }), value: current.zone },
        ...NOTIFICATION_TOPICS.map((t) => ({ label: `${say({ id: 'Notifikasi', en: 'Notifications' })} ${TOPIC_LABELS[t][language]}`, value: onOff(t) })),
      ],
    },
    { type: 'text', text: say({ id: 'Ubah: /settings bahasa en · /settings zona WITA · /settings notif pembayaran mati', en: 'Change: /settings language id · /settings zone WIT · /settings notify payments off' }) },
    buttons,
  ]);
}
