import { z } from 'zod';
import { AmountParseError, parseRupiahToMinor } from '../../../../../bots/core/amount.js';
import { choiceArg, localizeReason, tokenize } from '../../../../../bots/core/args.js';
import { defineCommand } from '../../../../../bots/core/command.js';
import type { Language } from '../../../../../bots/core/locale.js';
import { reply } from '../../../../../bots/core/reply.js';
import { AppError } from '../../../../lib/errors.js';
import type { Services } from '../../../../services/registry.js';
import type { PaymentMethod } from '../../providers/types.js';
import type { Recurrence } from '../../services/recurrence.js';
import { CHAT_METHODS, actorOf, methodLabel, money, when } from './chat-format.js';

const DAYS: Record<string, number> = { senin: 1, monday: 1, mon: 1, selasa: 2, tuesday: 2, tue: 2, rabu: 3, wednesday: 3, wed: 3, kamis: 4, thursday: 4, thu: 4, jumat: 5, "jum'at": 5, friday: 5, fri: 5, sabtu: 6, saturday: 6, sat: 6, minggu: 7, ahad: 7, sunday: 7, sun: 7 };
const FREQUENCIES: Record<string, 'daily' | 'weekly' | 'monthly'> = { daily: 'daily', harian: 'daily', weekly: 'weekly', mingguan: 'weekly', monthly: 'monthly', bulanan: 'monthly' };

export interface RecurringAddInput {
  amountMinor: number;
  method: PaymentMethod;
  recurrence: Recurrence;
  description?: string;
}

/** `150rb va_bca bulanan 25 09:00 Kos` → the recurring request; errors name the word that is wrong. */
export function parseRecurringAdd(text: string, language: Language): RecurringAddInput {
  const words = tokenize(text);
  const fail = (field: string, reason: string): never => {
    throw new AppError('VALIDATION_FAILED', `${field}: ${reason}`, { details: { issues: [{ field, reason }] } });
  };
  const [amountWord, methodWord, frequencyWord, ...rest] = words;
  let amountMinor = 0;
  try {
    amountMinor = parseRupiahToMinor(amountWord ?? '');
  } catch (err) {
    if (!(err instanceof AmountParseError)) throw err;
    fail(language === 'id' ? 'jumlah' : 'amount', localizeReason(`amount.${err.reason}`, language));
  }
  const method = methodWord?.toLowerCase();
  if (!method || !CHAT_METHODS.includes(method)) fail(language === 'id' ? 'metode' : 'method', CHAT_METHODS.join(', '));
  const frequency = FREQUENCIES[frequencyWord?.toLowerCase() ?? ''];
  if (!frequency) fail(language === 'id' ? 'frekuensi' : 'frequency', language === 'id' ? 'harian, mingguan atau bulanan' : 'daily, weekly or monthly');
  let time = '09:00';
  let recurrence: Recurrence;
  if (frequency === 'weekly') {
    const dayWord = rest.shift()?.toLowerCase() ?? '';
    const dayOfWeek = DAYS[dayWord] ?? (/^[1-7]$/.test(dayWord) ? Number(dayWord) : undefined);
    if (!dayOfWeek) fail(language === 'id' ? 'hari' : 'day', language === 'id' ? 'senin … minggu atau 1-7' : 'monday … sunday or 1-7');
    recurrence = { frequency, dayOfWeek: dayOfWeek!, time };
  } else if (frequency === 'monthly') {
    const dayWord = rest.shift() ?? '';
    const dayOfMonth = /^\d{1,2}$/.test(dayWord) ? Number(dayWord) : 0;
    if (dayOfMonth < 1 || dayOfMonth > 31) fail(language === 'id' ? 'tanggal' : 'day of month', '1-31');
    recurrence = { frequency, dayOfMonth, time };
  } else recurrence = { frequency: 'daily', time };
  if (rest[0] && /^\d{1,2}[:.]\d{2}$/.test(rest[0])) {
    const [h, m] = rest.shift()!.split(/[:.]/).map(Number);
    if (h > 23 || m > 59) fail(language === 'id' ? 'jam' : 'time', 'HH:mm');
    time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    (recurrence as { time: string }).time = time;
  }
  const description = rest.join(' ').trim() || undefined;
  return { amountMinor, method: method as PaymentMethod, recurrence: recurrence!, description };
}

const RECURRING_EXAMPLE = '/recurring add 150rb va_bca bulanan 25 09:00 Kos';

/** /recurring list | add … | cancel <id>: the same RecurringPaymentService as /api/payment/recurring. */
export const recurringCommand = defineCommand<{ action: string; rest?: string }, Services>({
  name: 'recurring',
  aliases: ['rutin'],
  description: { id: 'Pembayaran rutin: list, add, cancel', en: 'Recurring payments: list, add, cancel' },
  params: [
    { name: 'action', label: { id: 'list|add|cancel', en: 'list|add|cancel' } },
    { name: 'rest', label: { id: 'detail', en: 'details' }, optional: true, rest: true },
  ],
  args: z.object({ action: choiceArg(['list', 'add', 'cancel', 'daftar', 'tambah', 'batal'] as const), rest: z.string().optional() }),
  example: RECURRING_EXAMPLE,
  async run(ctx) {
    const actor = actorOf(ctx);
    const action = ({ daftar: 'list', tambah: 'add', batal: 'cancel' } as Record<string, string>)[ctx.args.action] ?? ctx.args.action;
    if (action === 'list') {
      const { recurring } = await ctx.services.recurringPayments.list(actor);
      const active = recurring.filter((r) => r.status === 'active');
      if (!active.length) return reply.of([{ type: 'text', text: ctx.say({ id: 'Belum ada pembayaran rutin. Contoh: {example}', en: 'No recurring payments yet. Example: {example}' }, { example: RECURRING_EXAMPLE }) }]);
      return reply.of([
        { type: 'heading', text: ctx.say({ id: 'Pembayaran rutin', en: 'Recurring payments' }) },
        {
          type: 'table',
          columns: ['ID', ctx.say({ id: 'Jumlah', en: 'Amount' }), ctx.say({ id: 'Jadwal', en: 'Schedule' }), ctx.say({ id: 'Berikutnya', en: 'Next' })],
          rows: active.map((r) => [r.id.slice(-8), money((r.payment as { amountMinor: number }).amountMinor), r.description, when(r.nextRunAt, ctx.locale)]),
        },
        { type: 'text', text: ctx.say({ id: 'Hentikan: /recurring cancel <ID>', en: 'Stop one: /recurring cancel <ID>' }) },
      ]);
    }
    if (action === 'cancel') {
      const wanted = (ctx.args.rest ?? '').trim().toLowerCase();
      const { recurring } = await ctx.services.recurringPayments.list(actor);
      const match = recurring.filter((r) => wanted.length >= 6 && r.id.endsWith(wanted));
      if (match.length !== 1) throw new AppError('NOT_FOUND', 'recurring payment not found');
      const cancelled = await ctx.services.recurringPayments.cancel(actor, match[0].id);
      return reply.of([{ type: 'text', text: ctx.say({ id: 'Pembayaran rutin {schedule} dihentikan.', en: 'Recurring payment {schedule} stopped.' }, { schedule: cancelled.description }) }]);
    }
    const input = parseRecurringAdd(ctx.args.rest ?? '', ctx.locale.language);
    const buttons = await ctx.buttons([
      { label: { id: 'Konfirmasi', en: 'Confirm' }, action: 'confirm', style: 'primary', payload: { ...input } },
      { label: { id: 'Batal', en: 'Cancel' }, action: 'cancel' },
    ]);
    const r = input.recurrence as { frequency: string; time: string; dayOfWeek?: number; dayOfMonth?: number };
    // Schedules run on Jakarta wall time (the payments service's rule), whatever the user's own zone.
    const schedule = `${r.frequency}${r.dayOfWeek ? ` (${r.dayOfWeek})` : ''}${r.dayOfMonth ? ` (${r.dayOfMonth})` : ''} ${r.time} WIB`;
    return reply.of([
      { type: 'heading', text: ctx.say({ id: 'Konfirmasi pembayaran rutin', en: 'Confirm recurring payment' }) },
      {
        type: 'fields',
        fields: [
          { label: ctx.say({ id: 'Jumlah', en: 'Amount' }), value: money(input.amountMinor) },
          { label: ctx.say({ id: 'Metode', en: 'Method' }), value: methodLabel(input.method) },
          { label: ctx.say({ id: 'Jadwal', en: 'Schedule' }), value: schedule },
          ...(input.description ? [{ label: ctx.say({ id: 'Keterangan', en: 'Description' }), value: input.description }] : []),
        ],
      },
      buttons,
    ]);
  },
  actions: {
    async confirm(ctx) {
      const input = ctx.payload as unknown as RecurringAddInput;
      const created = await ctx.services.recurringPayments.create(
        actorOf(ctx),
        { payment: { amountMinor: input.amountMinor, method: input.method, currency: 'IDR', description: input.description }, recurrence: input.recurrence },
        `chat:${ctx.confirmationId}`,
      );
      return reply.of(
        [
          { type: 'text', text: ctx.say({ id: '🔁 Pembayaran rutin dibuat: {schedule}.', en: '🔁 Recurring payment created: {schedule}.' }, { schedule: created.description }) },
          { type: 'fields', fields: [{ label: 'ID', value: created.id, copy: true }, { label: ctx.say({ id: 'Berikutnya', en: 'Next' }), value: when(created.nextRunAt, ctx.locale) }] },
        ],
        'private',
        { replaceOriginal: true },
      );
    },
    async cancel(ctx) {
      return reply.of([{ type: 'text', text: ctx.say({ id: 'Tidak jadi dibuat.', en: 'Not created.' }) }], 'private', { replaceOriginal: true });
    },
  },
});
