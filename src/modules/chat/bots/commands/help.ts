import { z } from 'zod';
import { defineCommand } from '../../../../../bots/core/command.js';
import { MESSAGES } from '../../../../../bots/core/messages.js';
import { reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';

/** /help [command]: every command this user can run, or one command's usage and example. */
export const helpCommand = defineCommand<{ command?: string }, Services>({
  name: 'help',
  aliases: ['bantuan'],
  access: 'public',
  description: { id: 'Daftar perintah', en: 'List of commands' },
  params: [{ name: 'command', label: { id: 'perintah', en: 'command' }, optional: true }],
  args: z.object({ command: z.string().optional() }),
  example: '/help pay',
  async run(ctx) {
    const visible = ctx.commands();
    if (ctx.args.command) {
      const wanted = ctx.args.command.replace(/^\//, '').toLowerCase();
      const command = visible.find((c) => c.name === wanted || c.aliases?.includes(wanted));
      if (!command) return reply.text(ctx.say(MESSAGES.unknownCommand, { command: wanted }));
      const lines = [ctx.say(command.description), ctx.say(MESSAGES.usage, { usage: ctx.usageOf(command) })];
      if (command.example) lines.push(ctx.say(MESSAGES.example, { example: command.example }));
      if (command.aliases?.length) lines.push(`${ctx.say({ id: 'Nama lain', en: 'Also' })}: ${command.aliases.map((a) => `/${a}`).join(', ')}`);
      return reply.text(lines.join('\n'));
    }
    const blocks = [
      { type: 'heading' as const, text: ctx.say({ id: 'Perintah SmartWealth', en: 'SmartWealth commands' }) },
      { type: 'text' as const, text: visible.map((c) => `${ctx.usageOf(c)}\n  ${ctx.say(c.description)}`).join('\n') },
      { type: 'text' as const, text: ctx.say({ id: 'Jumlah boleh ditulis 150rb, 1,5jt atau Rp 150.000. Detail: /help <perintah>', en: 'Amounts may be written 150rb, 1,5jt or Rp 150.000. Details: /help <command>' }) },
    ];
    if (!ctx.user) blocks.push({ type: 'text', text: ctx.say(MESSAGES.notLinked) });
    return reply.of(blocks, 'public');
  },
});
