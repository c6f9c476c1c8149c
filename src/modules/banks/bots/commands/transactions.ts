import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { actorOf, inZone, pickAccount, rupiah } from './account-ref.js';

/** /transactions [account] [text]: the latest 10 (optionally containing text) — GET /api/bank/transactions/:accountId. */
export const transactionsCommand = defineCommand<{ account?: string; text?: string }, Services>({
  name: 'transactions',
  aliases: ['mutasi'],
  description: { id: 'Mutasi rekening terakhir', en: 'Latest transactions' },
  params: [
    { name: 'account', label: { id: 'no|4 digit terakhir', en: 'no|last 4 digits' }, optional: true },
    { name: 'text', label: { id: 'kata', en: 'text' }, optional: true },
  ],
  args: z.object({ account: z.string().optional(), text: z.string().max(100).optional() }),
  example: '/transactions 1 indomaret',
  async run(ctx) {
    const actor = actorOf(ctx);
    const account = await pickAccount(ctx.services, actor, ctx.args.account);
    const page = await ctx.services.banks.transactions(actor, account.id, { limit: 10, text: ctx.args.text });
    if (!page.transactions.length) return reply.of([{ type: 'text', text: ctx.say({ id: 'Belum ada transaksi. Coba /sync', en: 'No transactions yet. Try /sync' }) }]);
    return reply.of([
      { type: 'heading', text: `${account.bank} ${account.accountNumberMasked ?? ''}` },
      {
        type: 'table',
        columns: [ctx.say({ id: 'Tanggal', en: 'Date' }), ctx.say({ id: 'Keterangan', en: 'Description' }), ctx.say({ id: 'Jumlah', en: 'Amount' })],
        align: ['left', 'left', 'right'],
        rows: page.transactions.map((t) => [inZone(t.bookedAt, ctx.locale), t.description.slice(0, 32), rupiah(t.amountMinor, t.currency)]),
      },
    ]);
  },
});
