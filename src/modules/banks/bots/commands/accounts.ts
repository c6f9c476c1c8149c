import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { actorOf, inZone, rupiah } from './account-ref.js';

/** /accounts: connected bank accounts (numbers masked) with their last known balances — GET /api/bank/accounts. */
export const accountsCommand = defineCommand<Record<string, never>, Services>({
  name: 'accounts',
  aliases: ['rekening'],
  description: { id: 'Rekening bank yang terhubung', en: 'Connected bank accounts' },
  args: z.object({}),
  example: '/accounts',
  async run(ctx) {
    const accounts = await ctx.services.banks.accounts(actorOf(ctx));
    if (!accounts.length) return reply.of([{ type: 'text', text: ctx.say({ id: 'Belum ada rekening. Coba /connect BCA 0611104625', en: 'No accounts yet. Try /connect BCA 0611104625' }) }]);
    return reply.of([
      { type: 'heading', text: ctx.say({ id: 'Rekening', en: 'Accounts' }) },
      {
        type: 'table',
        columns: ['#', 'Bank', ctx.say({ id: 'Nomor', en: 'Number' }), 'Saldo', ctx.say({ id: 'Sinkron', en: 'Synced' })],
        align: ['right', 'left', 'left', 'right', 'left'],
        rows: accounts.map((a, i) => [String(i + 1), a.bank ?? '', a.accountNumberMasked ?? '', a.status === 'active' ? rupiah(a.balanceMinor, a.currency) : ctx.say({ id: 'terputus', en: 'disconnected' }), inZone(a.lastSyncedAt, ctx.locale)]),
      },
    ]);
  },
});
