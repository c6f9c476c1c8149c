import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { actorOf, inZone, pickAccount, rupiah } from './account-ref.js';

/**
 * /balance [account]: one account's balance asked from the bank now — GET /api/bank/balance/:accountId. When the bank
 * cannot answer, the last stored figure with its time and a note that it is not live.
 */
export const balanceCommand = defineCommand<{ account?: string }, Services>({
  name: 'balance',
  aliases: ['saldo'],
  description: { id: 'Saldo rekening', en: 'Account balance' },
  params: [{ name: 'account', label: { id: 'no|4 digit terakhir', en: 'no|last 4 digits' }, optional: true }],
  args: z.object({ account: z.string().optional() }),
  example: '/balance 4625',
  async run(ctx) {
    const actor = actorOf(ctx);
    const account = await pickAccount(ctx.services, actor, ctx.args.account);
    const b = await ctx.services.banks.balance(actor, account.id);
    return reply.of([
      { type: 'heading', text: `${account.bank} ${account.accountNumberMasked ?? ''}` },
      {
        type: 'fields',
        fields: [
          { label: 'Saldo', value: rupiah(b.balanceMinor, b.currency) },
          { label: ctx.say({ id: 'Tersedia', en: 'Available' }), value: rupiah(b.availableBalanceMinor, b.currency) },
          { label: ctx.say({ id: 'Per', en: 'As of' }), value: inZone(b.asOf, ctx.locale, 'dd/MM/yyyy HH.mm') },
        ],
      },
      ...(b.stale ? [{ type: 'text' as const, text: ctx.say({ id: 'Bank tidak bisa dihubungi; ini saldo terakhir yang tersimpan.', en: 'The bank could not be reached; this is the last stored balance.' }) }] : []),
    ]);
  },
});
