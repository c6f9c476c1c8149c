import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import { AppError } from '../../../../lib/errors.js';
import type { Actor } from '../../../../services/actor.js';
import type { Services } from '../../../../services/registry.js';
import { actorOf, methodLabel, money, nextStepBlocks, statusWord, when } from './chat-format.js';

/** A full id, or the last 6+ characters of one of the user's recent payments (what /payments shows). */
export async function resolvePaymentId(services: Services, actor: Actor, id: string): Promise<string> {
  const wanted = id.trim().toLowerCase();
  if (/^[0-9a-f]{24}$/.test(wanted)) return wanted;
  if (!/^[0-9a-f]{6,23}$/.test(wanted)) throw new AppError('NOT_FOUND', 'payment not found');
  const { payments } = await services.paymentQueries.history(actor, { limit: 100 });
  const matches = payments.filter((p: { id: string }) => p.id.endsWith(wanted));
  if (matches.length !== 1) throw new AppError('NOT_FOUND', 'payment not found');
  return matches[0].id;
}

/** /payment <id>: one payment with its state changes and refunds (GET /api/payment/:id). */
export const paymentCommand = defineCommand<{ id: string }, Services>({
  name: 'payment',
  aliases: ['pembayaran'],
  description: { id: 'Detail satu pembayaran dan riwayat statusnya', en: 'One payment with its status history' },
  params: [{ name: 'id', label: { id: 'id', en: 'id' } }],
  args: z.object({ id: z.string({ error: 'required' }) }),
  example: '/payment 5f1c2b9a',
  async run(ctx) {
    const actor = actorOf(ctx);
    const p = await ctx.services.payments.get(actor, await resolvePaymentId(ctx.services, actor, ctx.args.id));
    const refunded = p.refundedAmountMinor ? [{ label: ctx.say({ id: 'Dikembalikan', en: 'Refunded' }), value: money(p.refundedAmountMinor) }] : [];
    const blocks = [
      { type: 'heading' as const, text: `${p.amountDisplay} · ${statusWord(p.status, ctx.locale)}` },
      {
        type: 'fields' as const,
        fields: [
          { label: 'ID', value: p.id, copy: true },
          { label: ctx.say({ id: 'Metode', en: 'Method' }), value: `${methodLabel(p.method)} (${p.provider})` },
          ...(p.description ? [{ label: ctx.say({ id: 'Keterangan', en: 'Description' }), value: p.description }] : []),
          { label: ctx.say({ id: 'Dibuat', en: 'Created' }), value: when(p.createdAt, ctx.locale) },
          ...(p.settledAt ? [{ label: ctx.say({ id: 'Lunas', en: 'Paid' }), value: when(p.settledAt, ctx.locale) }] : []),
          ...refunded,
          ...(p.failureReason ? [{ label: ctx.say({ id: 'Alasan', en: 'Reason' }), value: p.failureReason }] : []),
        ],
      },
      {
        type: 'table' as const,
        columns: [ctx.say({ id: 'Waktu', en: 'Time' }), 'Status', ctx.say({ id: 'Oleh', en: 'By' })],
        rows: p.history.map((h: { at: string; to: string; source: string }) => [when(h.at, ctx.locale), statusWord(h.to, ctx.locale), h.source]),
      },
    ];
    if (p.status === 'pending') blocks.push(...((await nextStepBlocks(p, ctx)) as never[]));
    return reply.of(blocks);
  },
});
