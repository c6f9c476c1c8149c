/** The hub actor a linked chat user acts as: services take an Actor, as the REST routes give them one. */
import { AppError } from '../../src/lib/errors.js';
import type { Actor } from '../../src/services/actor.js';
import type { ChatOrigin, LinkedUser } from './command.js';

export function actorOf(ctx: { user: LinkedUser | null; origin: ChatOrigin }): Actor {
  // The engine runs linked-only commands for linked users only; this guards a public command calling a service.
  if (!ctx.user) throw new AppError('UNAUTHORIZED', 'link this chat first (/link)');
  return { userId: ctx.user.userId, role: ctx.user.role ?? 'user', channel: ctx.origin.channel };
}
