import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import { AppError } from '../../../../lib/errors.js';
import { actorOf } from './account-ref.js';

/**
 * /connect <bank> <account number> [otp]: starts the bank's consent (POST /api/bank/connect); when the bank sent
 * its holder an OTP, /connect otp <code> confirms it (POST /api/bank/connect/:consentId/otp); when the bank asks on
 * its own page, the reply carries the link to it.
 */
export const connectCommand = defineCommand<{ bank: string; number: string }, Services>({
  name: 'connect',
  aliases: ['sambungkan'],
  description: { id: 'Hubungkan rekening bank (SNAP BI)', en: 'Connect a bank account (SNAP BI)' },
  params: [
    { name: 'bank', label: { id: 'bank|otp', en: 'bank|otp' } },
    { name: 'number', label: { id: 'nomor rekening|kode', en: 'account number|code' } },
  ],
  args: z.object({ bank: z.string({ error: 'required' }), number: z.string({ error: 'required' }) }),
  example: '/connect BCA 0611104625',
  async run(ctx) {
    const actor = actorOf(ctx);
    if (ctx.args.bank.toLowerCase() === 'otp') {
      const pending = await ctx.services.banks.pendingConsent(actor);
      if (!pending) throw new AppError('NOT_FOUND', 'no connection is waiting for an OTP');
      const done = await ctx.services.banks.confirmOtp(actor, pending, ctx.args.number);
      return reply.of([{ type: 'text', text: ctx.say({ id: 'Terhubung: {bank} {number}.', en: 'Connected: {bank} {number}.' }, { bank: done.account.bank ?? '', number: done.account.accountNumberMasked ?? '' }) }]);
    }
    const result = await ctx.services.banks.connect(actor, { bank: ctx.args.bank, accountNumber: ctx.args.number });
    if (result.status === 'connected') return reply.of([{ type: 'text', text: ctx.say({ id: 'Terhubung: {bank} {number}. Ketik /sync untuk menarik mutasi.', en: 'Connected: {bank} {number}. Type /sync to bring its transactions in.' }, { bank: result.account.bank ?? '', number: result.account.accountNumberMasked ?? '' }) }]);
    if (result.status === 'redirect_required') {
      return reply.of([
        { type: 'text', text: ctx.say({ id: '{bank} meminta persetujuan pemilik rekening {number} di halamannya sendiri. Buka tautan ini dan setujui; setelah itu rekening terhubung.', en: '{bank} asks the holder of {number} to approve on its own page. Open this link and approve; the account is connected after that.' }, { bank: result.bank, number: result.accountNumberMasked }) },
        { type: 'link', text: ctx.say({ id: 'Setujui di {bank}', en: 'Approve at {bank}' }, { bank: result.bank }), url: result.authorizationUrl },
      ]);
    }
    return reply.of([{ type: 'text', text: ctx.say({ id: 'Bank mengirim OTP ke pemilik rekening {number}. Balas /connect otp <kode>.', en: 'The bank sent an OTP to the holder of {number}. Reply /connect otp <code>.' }, { number: result.accountNumberMasked }) }]);
  },
});
