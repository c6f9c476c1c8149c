import { Types } from 'mongoose';
import { notFound } from '../lib/errors.js';
import type { Actor } from './actor.js';

/**
 * Finds a document that belongs to the actor. Anything else — another user's, a malformed id, a missing one — is
 * the same "not found", so ids cannot be probed. Administrators get no exception here: DESIGN §4 has every user
 * route act for the key's own user; what an administrator may see of others lives under /api/admin.
 */
export async function findOwned<T>(
  model: { findOne(filter: Record<string, unknown>): { lean(): PromiseLike<T | null> } },
  actor: Actor,
  id: string,
  what: string,
): Promise<T> {
  if (!Types.ObjectId.isValid(id) || !actor.userId) throw notFound(what);
  const doc = await model.findOne({ _id: new Types.ObjectId(id), userId: new Types.ObjectId(actor.userId) }).lean();
  if (!doc) throw notFound(what);
  return doc;
}
