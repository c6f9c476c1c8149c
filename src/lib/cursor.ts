/**
 * Opaque keyset-pagination cursors: (sort value, _id) of the last item on a page, base64url-encoded.
 * Keyset paging stays correct while new rows arrive, unlike skip/offset.
 */
import { Types } from 'mongoose';
import { validationFailed } from './errors.js';

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: Types.ObjectId } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || !Types.ObjectId.isValid(id)) throw new Error('bad cursor');
    return { at: date, id: new Types.ObjectId(id) };
  } catch {
    throw validationFailed([{ field: 'cursor', reason: 'is not a cursor this API issued' }]);
  }
}

/** Mongo filter for "strictly after the cursor" in a (field desc, _id desc) ordering. */
export function afterCursorDesc(field: string, cursor: string): Record<string, unknown> {
  const { at, id } = decodeCursor(cursor);
  return { $or: [{ [field]: { $lt: at } }, { [field]: at, _id: { $lt: id } }] };
}

export function pageOf<T extends { _id: unknown }>(docs: T[], limit: number, sortValue: (doc: T) => Date) {
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: docs.length > limit && last ? encodeCursor(sortValue(last), String(last._id)) : null };
}
