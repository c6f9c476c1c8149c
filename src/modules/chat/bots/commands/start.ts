import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { MESSAGES } from '../../../../../bots/core/messages.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';

/** /start: what Telegram sends when someone opens the bot; greets and says how to begin. */
export const startCommand = defineCommand<Record<string, never>, Services>({
  name: 'start',
  access: 'public',
  description: { id: 'Mulai dan lihat cara menghubungkan akun', en: 'Start and see how to link your account' },
  args: z.object({}),
  async run(ctx) {
    if (!ctx.user) {
      return reply.of([{ type: 'heading', text: ctx.say({ id: 'Selamat datang di SmartWealth', en: 'Welcome to SmartWealth' }) }, { type: 'text', text: ctx.say(MESSAGES.notLinked) }], 'public');
    }
    return reply.of(
      [
        { type: 'heading', text: ctx.say({ id: 'Halo lagi!', en: 'Hello again!' }) },
        { type: 'text', text: ctx.say({ id: 'Akun Anda sudah terhubung. Coba /pay 50rb qris atau /payments. Ketik /help untuk semua perintah.', en: 'Your account is linked. Try /pay 50rb qris or /payments. Type /help for every command.' }) },
      ],
      'public',
    );
  },
});
