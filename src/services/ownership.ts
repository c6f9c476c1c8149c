import { Types } from 'mongoose';
import { notFound } from '../lib/errors.js';
import type { Actor } from './actor.js';

/**
 * Finds a document the actor may see: their own, or any for an administrator. Anything else — another user's,
 * a malformed id, a missing one — is the same "not found", so ids cannot be probed.
 */
export async function findOwned<T>(
  model: { findOne(filter: Record<string, unknown>): { lean(): PromiseLike<T | null> } },
  actor: Actor,
  id: string,
  what: string,
): Promise<T> {
  if (!Types.ObjectId.isValid(id)) throw notFound(what);
  const filter: Record<string, unknown> = { _id: new Types.ObjectId(id) };
  if (actor.role !== 'admin') filter.userId = new Types.ObjectId(actor.userId);
  const doc = await model.findOne(filter).lean();
  if (!doc) throw notFound(what);
  return doc;
}
