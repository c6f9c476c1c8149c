import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import { AppError } from '../../../../lib/errors.js';
import type { Services } from '../../../../services/registry.js';

/** /link CODE: links this chat account to the hub user who created the code (POST /api/chat/link-code). */
export const linkCommand = defineCommand<{ code: string }, Services>({
  name: 'link',
  aliases: ['hubungkan'],
  access: 'public',
  description: { id: 'Hubungkan akun chat ini dengan kode dari aplikasi', en: 'Link this chat account with a code from the app' },
  params: [{ name: 'code', label: { id: 'kode', en: 'code' } }],
  args: z.object({ code: z.string({ error: 'required' }).min(4).max(20) }),
  example: '/link K7Q2M9XH',
  async run(ctx) {
    if (ctx.origin.channel === 'terminal') return reply.text(ctx.say({ id: 'Terminal sudah memakai kunci API Anda; tidak perlu /link.', en: 'The terminal already uses your API key; no /link needed.' }));
    try {
      await ctx.services.chatIdentities.link(
        { channel: ctx.origin.channel, externalUserId: ctx.origin.externalUserId, displayName: ctx.origin.displayName, directChatId: ctx.origin.isGroup ? undefined : ctx.origin.chatId },
        ctx.args.code,
      );
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err;
      return reply.text(ctx.say({ id: 'Akun chat ini sudah terhubung ke akun SmartWealth lain. Kirim /unlink dulu, lalu /link KODE lagi.', en: 'This chat account is already linked to another SmartWealth account. Send /unlink first, then /link CODE again.' }));
    }
    const lines = [ctx.say({ id: 'Akun terhubung. Notifikasi pembayaran akan dikirim ke sini.', en: 'Account linked. Payment notifications will be sent here.' })];
    if (ctx.origin.isGroup) lines.push(ctx.say({ id: 'Lain kali kirim kode lewat chat pribadi.', en: 'Next time send the code in a private chat.' }));
    lines.push(ctx.say({ id: 'Ketik /help untuk mulai.', en: 'Type /help to start.' }));
    return reply.text(lines.join('\n'));
  },
});
