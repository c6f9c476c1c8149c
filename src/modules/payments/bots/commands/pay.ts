import { z } from 'zod';
import { amountArg, choiceArg } from '../../../../../bots/core/args.js';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import type { PaymentMethod } from '../../providers/types.js';
import { estimateFeeMinor, methodInfo } from '../../services/methods.js';
import { CHAT_METHODS, actorOf, methodLabel, money, nextStepBlocks, statusWord } from './chat-format.js';

/**
 * /pay <amount> <method> [description]: shows a summary with Confirm/Cancel; Confirm creates the payment through
 * the same PaymentService call as POST /api/payment/process, with the button group as the idempotency key, so a
 * retried or double press makes one payment. Then the payer gets the VA number, QR image or app link.
 */
export const payCommand = defineCommand<{ amount: number; method: string; description?: string }, Services>({
  name: 'pay',
  aliases: ['bayar'],
  description: { id: 'Buat pembayaran (QRIS, VA, e-wallet, gerai)', en: 'Make a payment (QRIS, VA, e-wallet, store)' },
  params: [
    { name: 'amount', label: { id: 'jumlah', en: 'amount' } },
    { name: 'method', label: { id: 'metode', en: 'method' } },
    { name: 'description', label: { id: 'keterangan', en: 'description' }, optional: true, rest: true },
  ],
  args: z.object({ amount: amountArg(), method: choiceArg(CHAT_METHODS), description: z.string().max(255).optional() }),
  example: '/pay 150rb qris makan siang',
  async run(ctx) {
    const info = methodInfo(ctx.args.method as PaymentMethod);
    const { amount } = ctx.args;
    if (amount < info.minAmountMinor || amount > info.maxAmountMinor) {
      return reply.text(ctx.say({ id: '{method} menerima {min} sampai {max}.', en: '{method} takes {min} to {max}.' }, { method: info.label, min: money(info.minAmountMinor), max: money(info.maxAmountMinor) }));
    }
    const fee = estimateFeeMinor(info.fee, amount);
    const buttons = await ctx.buttons([
      { label: { id: 'Konfirmasi', en: 'Confirm' }, action: 'confirm', style: 'primary', payload: { amountMinor: amount, method: ctx.args.method, description: ctx.args.description } },
      { label: { id: 'Batal', en: 'Cancel' }, action: 'cancel' },
    ]);
    return reply.of([
      { type: 'heading', text: ctx.say({ id: 'Konfirmasi pembayaran', en: 'Confirm payment' }) },
      {
        type: 'fields',
        fields: [
          { label: ctx.say({ id: 'Jumlah', en: 'Amount' }), value: money(amount) },
          { label: ctx.say({ id: 'Metode', en: 'Method' }), value: methodLabel(ctx.args.method) },
          { label: ctx.say({ id: 'Perkiraan biaya', en: 'Estimated fee' }), value: money(fee) },
          ...(ctx.args.description ? [{ label: ctx.say({ id: 'Keterangan', en: 'Description' }), value: ctx.args.description }] : []),
        ],
      },
      buttons,
    ]);
  },
  actions: {
    async confirm(ctx) {
      const p = ctx.payload as { amountMinor: number; method: PaymentMethod; description?: string };
      const { payment } = await ctx.services.payments.process(actorOf(ctx), { amountMinor: p.amountMinor, method: p.method, currency: 'IDR', description: p.description }, `chat:${ctx.confirmationId}`);
      const done = reply.of(
        [
          { type: 'text', text: ctx.say({ id: '✅ Pembayaran {amount} via {method} dibuat ({status}).', en: '✅ Payment of {amount} by {method} created ({status}).' }, { amount: payment.amountDisplay, method: methodLabel(payment.method), status: statusWord(payment.status, ctx.locale) }) },
          { type: 'fields', fields: [{ label: 'ID', value: payment.id, copy: true }] },
        ],
        'private',
        { replaceOriginal: true },
      );
      // The terminal is not a push channel: there the user checks, in Telegram/Slack the settlement comes to them.
      const followUp =
        ctx.origin.channel === 'terminal'
          ? ctx.say({ id: 'Cek statusnya: /payment {id}', en: 'Check its status: /payment {id}' }, { id: payment.id })
          : ctx.say({ id: 'Saya kabari di sini begitu lunas. Cek kapan saja: /payment {id}', en: 'I will tell you here once it is paid. Check any time: /payment {id}' }, { id: payment.id });
      const next = reply.of([...(await nextStepBlocks(payment, ctx)), { type: 'text', text: followUp }]);
      return [done, next];
    },
    async cancel(ctx) {
      return reply.of([{ type: 'text', text: ctx.say({ id: 'Pembayaran dibatalkan. Tidak ada yang ditagih.', en: 'Payment cancelled. Nothing was charged.' }) }], 'private', { replaceOriginal: true });
    },
  },
});
