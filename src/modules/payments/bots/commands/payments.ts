import { DateTime } from 'luxon';
import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { TIME_ZONES } from '../../../../../bots/core/locale.js';
import { reply } from '../../../../../bots/core/reply.js';
import { AppError } from '../../../../lib/errors.js';
import type { Services } from '../../../../services/registry.js';
import { actorOf, methodLabel, statusWord } from './chat-format.js';

const PERIODS: Record<string, 'day' | 'week' | 'month'> = { today: 'day', hariini: 'day', 'hari-ini': 'day', week: 'week', minggu: 'week', month: 'month', bulan: 'month' };

/** /payments [n|today|week|month|YYYY-MM]: the user's recent payments, same query as GET /api/payment/history. */
export const paymentsCommand = defineCommand<{ filter?: string }, Services>({
  name: 'payments',
  aliases: ['riwayat'],
  description: { id: 'Riwayat pembayaran', en: 'Payment history' },
  params: [{ name: 'filter', label: { id: 'n|hari-ini|minggu|bulan|YYYY-MM', en: 'n|today|week|month|YYYY-MM' }, optional: true }],
  args: z.object({ filter: z.string().optional() }),
  example: '/payments bulan',
  async run(ctx) {
    const zone = TIME_ZONES[ctx.locale.zone];
    const now = DateTime.now().setZone(zone);
    let limit = 10;
    let from: Date | undefined;
    let to: Date | undefined;
    let title = ctx.say({ id: 'Pembayaran terakhir', en: 'Latest payments' });
    const filter = ctx.args.filter?.toLowerCase();
    if (filter && /^\d{1,2}$/.test(filter)) {
      limit = Number(filter);
      if (limit < 1 || limit > 50) throw new AppError('VALIDATION_FAILED', 'n', { details: { issues: [{ field: 'n', reason: '1-50' }] } });
    } else if (filter && PERIODS[filter]) {
      from = now.startOf(PERIODS[filter]).toJSDate();
      limit = 50;
      title = ctx.say({ id: 'Pembayaran {period}', en: 'Payments this {period}' }, { period: filter });
    } else if (filter && /^\d{4}-\d{2}$/.test(filter)) {
      const month = DateTime.fromFormat(filter, 'yyyy-MM', { zone });
      if (!month.isValid) throw new AppError('VALIDATION_FAILED', 'period', { details: { issues: [{ field: 'period', reason: 'YYYY-MM' }] } });
      from = month.startOf('month').toJSDate();
      to = month.endOf('month').toJSDate();
      limit = 50;
      title = ctx.say({ id: 'Pembayaran {period}', en: 'Payments in {period}' }, { period: filter });
    } else if (filter) {
      throw new AppError('VALIDATION_FAILED', 'filter', { details: { issues: [{ field: 'filter', reason: ctx.say({ id: 'angka 1-50, hari-ini, minggu, bulan atau YYYY-MM', en: 'a number 1-50, today, week, month or YYYY-MM' }) }] } });
    }
    const { payments } = await ctx.services.paymentQueries.history(actorOf(ctx), { limit, from, to });
    if (!payments.length) return reply.of([{ type: 'text', text: ctx.say({ id: 'Belum ada pembayaran. Coba /pay 50rb qris', en: 'No payments yet. Try /pay 50rb qris' }) }]);
    return reply.of([
      { type: 'heading', text: title },
      {
        type: 'table',
        columns: [ctx.say({ id: 'Tanggal', en: 'Date' }), ctx.say({ id: 'Jumlah', en: 'Amount' }), ctx.say({ id: 'Metode', en: 'Method' }), 'Status', 'ID'],
        align: ['left', 'right', 'left', 'left', 'left'],
        rows: payments.map((p: { createdAt: string; amountDisplay: string; method: string; status: string; id: string }) => [
          DateTime.fromISO(p.createdAt).setZone(zone).toFormat('dd/MM HH.mm'),
          p.amountDisplay,
          methodLabel(p.method).split(' ')[0],
          statusWord(p.status, ctx.locale),
          p.id.slice(-8),
        ]),
      },
      { type: 'text', text: ctx.say({ id: 'Detail: /payment <ID> (8 karakter terakhir cukup)', en: 'Details: /payment <ID> (the last 8 characters will do)' }) },
    ]);
  },
});
