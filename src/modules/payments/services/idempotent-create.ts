/**
 * The one idempotent create that payments, batches and recurring payments share: insert a document under a unique
 * dedupe key with the hash of the request that made it; a second create with the same key hands back the first
 * document (same request) or refuses (a different request under the same key).
 */
import { createHash } from 'node:crypto';
import { AppError, isDuplicateKeyError } from '../../../lib/errors.js';

export interface IdempotentCreate<Doc extends { requestHash?: string }> {
  /** No key: a plain insert (the caller asked for no idempotency). */
  dedupeKey: string | undefined;
  requestHash: string;
  /** Inserts the document (with dedupeKey and requestHash among its fields) and returns it. */
  insert: () => Promise<Doc>;
  /** The document already stored under the key. */
  findExisting: (dedupeKey: string) => Promise<Doc | null>;
  /**
   * `conflict-check` (a client retrying): a different request under the same key is refused.
   * `return-existing` (a job re-running after a crash): what it made the first time stands.
   */
  onDuplicate?: 'conflict-check' | 'return-existing';
  /** Said when the key was used for a different request. */
  conflictMessage: string;
  conflictDetails?: (existing: Doc) => Record<string, unknown>;
}

export async function createIdempotent<Doc extends { requestHash?: string }>(args: IdempotentCreate<Doc>): Promise<{ doc: Doc; replayed: boolean }> {
  try {
    return { doc: await args.insert(), replayed: false };
  } catch (err) {
    // Only the dedupe key's own index means "made before"; any other unique index (an order id) is a real error.
    if (!isDuplicateKeyError(err) || !args.dedupeKey || (err.keyPattern && !err.keyPattern.dedupeKey)) throw err;
    const existing = await args.findExisting(args.dedupeKey);
    if (!existing) throw new AppError('CONFLICT', 'a request with this Idempotency-Key is being processed; retry shortly', { retryAfterSeconds: 1 });
    if (args.onDuplicate !== 'return-existing' && existing.requestHash !== args.requestHash) {
      throw new AppError('IDEMPOTENCY_CONFLICT', args.conflictMessage, args.conflictDetails ? { details: args.conflictDetails(existing) } : {});
    }
    return { doc: existing, replayed: true };
  }
}

export function hashRequest(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

/** JSON with sorted keys, so the same request hashes the same whatever the key order. */
function stableStringify(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
