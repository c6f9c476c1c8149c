import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { actorOf, pickAccount } from './account-ref.js';

/** /sync [account]: syncs now and says what it brought — POST /api/bank/sync/:accountId. */
export const syncCommand = defineCommand<{ account?: string }, Services>({
  name: 'sync',
  aliases: ['sinkron'],
  description: { id: 'Sinkronkan rekening sekarang', en: 'Sync an account now' },
  params: [{ name: 'account', label: { id: 'no|4 digit terakhir', en: 'no|last 4 digits' }, optional: true }],
  args: z.object({ account: z.string().optional() }),
  example: '/sync 1',
  async run(ctx) {
    const actor = actorOf(ctx);
    const account = await pickAccount(ctx.services, actor, ctx.args.account);
    const run = await ctx.services.banks.sync(actor, account.id);
    if (run.status === 'failed') return reply.of([{ type: 'text', text: ctx.say({ id: 'Sinkron {bank} gagal: {why}. Dicoba lagi sesuai jadwal.', en: '{bank} sync failed: {why}. It will be retried on schedule.' }, { bank: run.bank, why: run.error?.message ?? '?' }) }]);
    return reply.of([{ type: 'text', text: ctx.say({ id: '{bank}: {fetched} transaksi dibaca, {new} baru, {dup} sudah ada.', en: '{bank}: {fetched} read, {new} new, {dup} already there.' }, { bank: run.bank, fetched: run.fetched, new: run.inserted, dup: run.duplicates }) }]);
  },
});
