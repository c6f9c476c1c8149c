/**
 * Sorting as mongod does it, without mingo's full sort: each document's sort key is computed once, values compare
 * in BSON type order (MinKey < null < numbers < strings < objects < arrays < binary < ObjectId < booleans <
 * dates < timestamps < regular expressions < MaxKey), an array sorts by its smallest element ascending and its
 * largest descending, and ties keep natural order. With a limit only the best `limit` documents are kept (a
 * bounded heap), so sort+limit costs one pass and no full sort.
 */
import { Binary, ObjectId, Timestamp, type Document } from 'bson';
import { errors } from './errors.js';
import { exactParts, isPlainObject, valuesAt } from './values.js';

/** An empty array as a sort key: below null, as on mongod. */
const EMPTY = Symbol('empty array');

export function typeRank(value: unknown): number {
  if (value === EMPTY) return 0;
  if (value === null || value === undefined) return 2;
  switch (typeof value) {
    case 'number':
      return 3;
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 8;
  }
  if (value instanceof Date) return 9;
  if (value instanceof RegExp) return 11;
  if (Array.isArray(value)) return 6;
  switch ((value as { _bsontype?: string })._bsontype) {
    case 'MinKey':
      return 1;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 7.5;
    case 'Timestamp':
      return 10;
    case 'BSONRegExp':
      return 11;
    case 'MaxKey':
      return 12;
  }
  return 5; // a sub-document
}

/** Compares numbers of any type (number, Long, Decimal128) exactly; NaN sorts below every other number. */
export function compareNumbers(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = exactParts(a);
  const y = exactParts(b);
  if (typeof x === 'number' || typeof y === 'number') {
    // NaN or an infinity on one side at least: doubles order them right against anything finite.
    const fx = typeof x === 'number' ? x : Number(a);
    const fy = typeof y === 'number' ? y : Number(b);
    if (Number.isNaN(fx) || Number.isNaN(fy)) return Number.isNaN(fx) ? (Number.isNaN(fy) ? 0 : -1) : 1;
    return fx < fy ? -1 : fx > fy ? 1 : 0;
  }
  const exponent = Math.min(x.exponent, y.exponent);
  const sx = x.digits * 10n ** BigInt(x.exponent - exponent);
  const sy = y.digits * 10n ** BigInt(y.exponent - exponent);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

type Packed = { i0?: number; i1?: number; i2?: number; i3?: number };

/** bson 7 keeps an ObjectId as four big-endian 24-bit numbers; its `id` getter allocates a Buffer on every call. */
export function compareObjectIds(a: ObjectId, b: ObjectId): number {
  const x = a as unknown as Packed;
  const y = b as unknown as Packed;
  if (typeof x.i0 !== 'number' || typeof y.i0 !== 'number') return compareBytes(a.id, b.id);
  if (x.i0 !== y.i0) return x.i0 < y.i0! ? -1 : 1;
  if (x.i1 !== y.i1) return x.i1! < y.i1! ? -1 : 1;
  if (x.i2 !== y.i2) return x.i2! < y.i2! ? -1 : 1;
  return x.i3 === y.i3 ? 0 : x.i3! < y.i3! ? -1 : 1;
}

/** Compares two BSON values in mongod's order (simple collation). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
    case 1:
    case 2:
    case 12:
      return 0;
    case 3:
      return compareNumbers(a, b);
    case 4: {
      const x = String(a);
      const y = String(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 5:
      return compareObjects(a as Document, b as Document);
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c) return c;
      }
      return x.length - y.length;
    }
    case 7: {
      const x = a as Binary;
      const y = b as Binary;
      if (x.position !== y.position) return x.position < y.position ? -1 : 1;
      if (x.sub_type !== y.sub_type) return x.sub_type < y.sub_type ? -1 : 1;
      return compareBytes(x.buffer, y.buffer);
    }
    case 7.5:
      return compareObjectIds(a as ObjectId, b as ObjectId);
    case 8:
      return a === b ? 0 : a ? 1 : -1;
    case 9:
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 10: {
      const x = a as Timestamp;
      const y = b as Timestamp;
      return x.high !== y.high ? (x.high < y.high ? -1 : 1) : x.low !== y.low ? (x.low < y.low ? -1 : 1) : 0;
    }
    case 11: {
      const x = String((a as RegExp).source ?? (a as { pattern: string }).pattern);
      const y = String((b as RegExp).source ?? (b as { pattern: string }).pattern);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
  return 0;
}

function compareObjects(a: Document, b: Document): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const ta = typeRank(a[ka[i]]);
    const tb = typeRank(b[kb[i]]);
    if (ta !== tb) return ta < tb ? -1 : 1;
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    const c = compareValues(a[ka[i]], b[kb[i]]);
    if (c) return c;
  }
  return ka.length - kb.length;
}

interface SortField {
  path: string;
  direction: 1 | -1;
}

function parseSort(sort: Document): SortField[] {
  return Object.entries(sort).map(([path, direction]) => {
    if (direction === 1 || direction === -1) return { path, direction };
    if (isPlainObject(direction) && '$meta' in direction) throw errors.notSupported(`sorting by {$meta: ${JSON.stringify(direction.$meta)}}`);
    throw errors.badValue(`$sort key ordering must be 1 (for ascending) or -1 (for descending): ${path}: ${JSON.stringify(direction)}`);
  });
}

/** The value a document sorts by on one field: min of an array ascending, max descending, null when missing. */
function sortKey(doc: Document, field: SortField): unknown {
  // Fast path: a top-level field holding a scalar (most sorts).
  const direct = field.path.includes('.') ? undefined : doc[field.path];
  if (direct !== undefined && !Array.isArray(direct)) return direct;
  const found = direct === undefined ? valuesAt(doc, field.path) : [direct];
  let best: unknown = null;
  let any = false;
  let sawEmpty = false;
  for (const value of found) {
    const elements = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && !value.length) sawEmpty = true;
    for (const element of elements) {
      if (!any || compareValues(element, best) * field.direction < 0) best = element;
      any = true;
    }
  }
  if (any) return best;
  return sawEmpty ? EMPTY : null;
}

/**
 * The documents in `sort` order (natural order among ties); with `keep`, only the first `keep` of them. The input
 * is iterated once.
 */
export function sortDocuments(docs: Iterable<Document>, sort: Document, keep?: number): Document[] {
  const fields = parseSort(sort);
  if (!fields.length) {
    const all = [...docs];
    return keep === undefined ? all : all.slice(0, keep);
  }
  type Entry = { doc: Document; keys: unknown[]; seq: number };
  const compare = (a: Entry, b: Entry) => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c) return c * fields[i].direction;
    }
    return a.seq - b.seq;
  };
  let seq = 0;
  const entry = (doc: Document): Entry => {
    const keys = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) keys[i] = sortKey(doc, fields[i]);
    return { doc, keys, seq: seq++ };
  };
  if (keep === undefined) {
    const all: Entry[] = [];
    for (const doc of docs) all.push(entry(doc));
    return all.sort(compare).map((e) => e.doc);
  }
  if (keep <= 0) return [];
  // A max-heap of the best `keep` entries: the root is the worst kept one.
  const heap: Entry[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(heap[i], heap[parent]) <= 0) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && compare(heap[l], heap[worst]) > 0) worst = l;
      if (r < heap.length && compare(heap[r], heap[worst]) > 0) worst = r;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst], heap[i]];
      i = worst;
    }
  };
  // Keys go into a scratch entry first: most documents lose to the worst kept one and need no allocation.
  const scratch: Entry = { doc: {}, keys: new Array<unknown>(fields.length), seq: 0 };
  for (const doc of docs) {
    if (heap.length < keep) {
      heap.push(entry(doc));
      up(heap.length - 1);
      continue;
    }
    scratch.doc = doc;
    scratch.seq = seq;
    for (let i = 0; i < fields.length; i++) scratch.keys[i] = sortKey(doc, fields[i]);
    if (compare(scratch, heap[0]) < 0) {
      heap[0] = { doc, keys: scratch.keys.slice(), seq: seq };
      down(0);
    }
    seq++;
  }
  return heap.sort(compare).map((e) => e.doc);
}
