import { z } from 'zod';
import { AmountParseError, parseRupiahToMinor } from '../../../../../bots/core/amount.js';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { actorOf, money } from './chat-format.js';

/** `25rb` is spending, `+5jt` income (a leading `-` is accepted for spending too). */
const signedAmount = z.string({ error: 'required' }).transform((value, ctx) => {
  const income = value.startsWith('+');
  try {
    return { type: income ? ('income' as const) : ('expense' as const), amountMinor: parseRupiahToMinor(value.replace(/^[+-]/, '')) };
  } catch (err) {
    if (!(err instanceof AmountParseError)) throw err;
    ctx.addIssue({ code: 'custom', message: `amount.${err.reason}` });
    return z.NEVER;
  }
});

/** /catat <amount> <description>: cash spending (or income with +) into the ledger, the same as POST /api/data/entries. */
export const catatCommand = defineCommand<{ amount: { type: 'expense' | 'income'; amountMinor: number }; description: string }, Services>({
  name: 'catat',
  aliases: ['note', 'cash'],
  description: { id: 'Catat pengeluaran tunai (atau pemasukan dengan +)', en: 'Record cash spending (or income with +)' },
  params: [
    { name: 'amount', label: { id: 'jumlah', en: 'amount' } },
    { name: 'description', label: { id: 'keterangan', en: 'description' }, rest: true },
  ],
  args: z.object({ amount: signedAmount, description: z.string({ error: 'required' }).trim().min(1, 'required').max(200) }),
  example: '/catat 25rb kopi',
  async run(ctx) {
    const { type, amountMinor } = ctx.args.amount;
    const entry = await ctx.services.manualEntries.create(actorOf(ctx), { type, amountMinor, currency: 'IDR', description: ctx.args.description });
    const what = type === 'income' ? ctx.say({ id: 'Pemasukan', en: 'Income' }) : ctx.say({ id: 'Pengeluaran', en: 'Spending' });
    const undo = await ctx.buttons([{ label: { id: 'Batalkan', en: 'Undo' }, action: 'undo', payload: { id: entry.id }, style: 'danger' }]);
    return reply.of([
      { type: 'text', text: `✅ ${ctx.say({ id: '{what} dicatat: {amount} — {description}', en: '{what} recorded: {amount} — {description}' }, { what, amount: money(Math.abs(entry.amountMinor)), description: entry.description })}` },
      {
        type: 'fields',
        fields: [
          { label: ctx.say({ id: 'Tanggal', en: 'Date' }), value: entry.date },
          { label: ctx.say({ id: 'Kategori', en: 'Category' }), value: entry.category ?? '-' },
          { label: ctx.say({ id: 'Rekening', en: 'Account' }), value: ctx.say({ id: 'Tunai', en: 'Cash' }) },
          { label: 'ID', value: entry.id, copy: true },
        ],
      },
      undo,
    ]);
  },
  actions: {
    async undo(ctx) {
      await ctx.services.manualEntries.remove(actorOf(ctx), String(ctx.payload.id));
      return reply.of([{ type: 'text', text: ctx.say({ id: '↩️ Catatan dihapus.', en: '↩️ Entry removed.' }) }], 'private', { replaceOriginal: true });
    },
  },
});
