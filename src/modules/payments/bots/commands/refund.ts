import { z } from 'zod';
import { amountArg } from '../../../../../bots/core/args.js';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { actorOf, money, statusWord } from './chat-format.js';
import { resolvePaymentId } from './payment.js';

/** /refund <id> [amount]: confirmed with a button, then the same PaymentService.refund as POST /api/payment/:id/refund. */
export const refundCommand = defineCommand<{ id: string; amount?: number }, Services>({
  name: 'refund',
  aliases: ['kembalikan'],
  description: { id: 'Kembalikan dana pembayaran yang lunas (seluruh atau sebagian)', en: 'Refund a paid payment (all or part)' },
  params: [
    { name: 'id', label: { id: 'id', en: 'id' } },
    { name: 'amount', label: { id: 'jumlah', en: 'amount' }, optional: true },
  ],
  args: z.object({ id: z.string({ error: 'required' }), amount: amountArg().optional() }),
  example: '/refund 5f1c2b9a 50rb',
  async run(ctx) {
    const actor = actorOf(ctx);
    const p = await ctx.services.payments.get(actor, await resolvePaymentId(ctx.services, actor, ctx.args.id));
    const refundable = p.amountMinor - (p.refundedAmountMinor ?? 0);
    // Both refusals below speak of the payment's own state and figures: private, so a group never sees them.
    if (!['success', 'partially_refunded'].includes(p.status) || refundable <= 0) {
      return reply.text(ctx.say({ id: 'Pembayaran ini {status}; hanya pembayaran lunas yang bisa dikembalikan.', en: 'This payment is {status}; only paid payments can be refunded.' }, { status: statusWord(p.status, ctx.locale) }), 'private');
    }
    const amount = ctx.args.amount ?? refundable;
    if (amount > refundable) return reply.text(ctx.say({ id: 'Paling banyak {max} yang bisa dikembalikan.', en: 'At most {max} can be refunded.' }, { max: money(refundable) }), 'private');
    const buttons = await ctx.buttons([
      { label: { id: 'Ya, kembalikan', en: 'Yes, refund' }, action: 'confirm', style: 'danger', payload: { paymentId: p.id, amountMinor: amount } },
      { label: { id: 'Batal', en: 'Cancel' }, action: 'cancel' },
    ]);
    return reply.of([
      { type: 'heading', text: ctx.say({ id: 'Konfirmasi pengembalian dana', en: 'Confirm refund' }) },
      { type: 'fields', fields: [{ label: ctx.say({ id: 'Pembayaran', en: 'Payment' }), value: `${p.amountDisplay}${p.description ? ` · ${p.description}` : ''}` }, { label: ctx.say({ id: 'Dikembalikan', en: 'To refund' }), value: money(amount) }] },
      buttons,
    ]);
  },
  actions: {
    async confirm(ctx) {
      const { paymentId, amountMinor } = ctx.payload as { paymentId: string; amountMinor: number };
      const p = await ctx.services.payments.refund(actorOf(ctx), paymentId, { amountMinor, reason: `chat ${ctx.origin.channel}` });
      return reply.of([{ type: 'text', text: ctx.say({ id: '↩️ Pengembalian {amount} diminta. Status pembayaran: {status}.', en: '↩️ Refund of {amount} requested. Payment status: {status}.' }, { amount: money(amountMinor), status: statusWord(p.status, ctx.locale) }) }], 'private', { replaceOriginal: true });
    },
    async cancel(ctx) {
      return reply.of([{ type: 'text', text: ctx.say({ id: 'Pengembalian dana dibatalkan.', en: 'Refund cancelled.' }) }], 'private', { replaceOriginal: true });
    },
  },
});
