import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';

/** /unlink: disconnects this chat account; nothing else about the hub user changes. */
export const unlinkCommand = defineCommand<Record<string, never>, Services>({
  name: 'unlink',
  aliases: ['putuskan'],
  description: { id: 'Putuskan akun chat ini dari SmartWealth', en: 'Disconnect this chat account from SmartWealth' },
  args: z.object({}),
  async run(ctx) {
    if (ctx.origin.channel === 'terminal') return reply.text(ctx.say({ id: 'Terminal memakai kunci API; cabut kuncinya untuk memutuskan.', en: 'The terminal uses an API key; revoke the key to disconnect.' }));
    await ctx.services.chatIdentities.unlink({ channel: ctx.origin.channel, externalUserId: ctx.origin.externalUserId });
    return reply.text(ctx.say({ id: 'Akun chat ini sudah diputus. Untuk menghubungkan lagi: /link KODE', en: 'This chat account is disconnected. To link again: /link CODE' }));
  },
});
