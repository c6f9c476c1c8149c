/**
 * Ordered secondary indexes and the small planner that uses them.
 *
 * Every index a collection declares (and `_id`) keeps a B-tree (sorted-btree) of entries
 * `[value of field 1, …, value of field n, insertion sequence] → document`, ordered by mongod's BSON value order
 * with each field's direction, so a walk of the tree yields documents in the index's order and a reverse walk in
 * the opposite one. The insertion sequence makes every entry unique and orders equal keys the way a record id
 * does on mongod.
 *
 * The planner reads from a filter what it pins or bounds per field (equality, `$in`, ranges, `$and`, and an `$or`
 * whose every branch bounds the same field, which is how keyset cursors look) and picks the index with the
 * longest equality prefix, then a range on the next field, then a sort the walk satisfies. It only narrows the
 * candidates: every caller still tests each document against the whole filter, so an index answers a superset
 * and the filter decides. Documents holding an array in an indexed field (multikey) are not entered, and an
 * index with any such document is not used at all: array semantics (min/max sort keys, element matches) stay
 * with the scan. Partial indexes are never used; sparse ones only when the plan bounds one of their fields.
 */
import BTreeModule from 'sorted-btree';
import { type Document, ObjectId } from 'bson';
import { compareValues, typeRank } from './sort.js';
import { scalarEquals } from './filter.js';
import { isPlainObject, valuesAt } from './values.js';

// sorted-btree is CommonJS with `exports.default = BTree`: Node's ESM loader hands out the exports object (class on
// `.default`), vitest's loader the class itself.
const BTree: typeof BTreeModule.default = (BTreeModule as unknown as { default?: typeof BTreeModule.default }).default ?? (BTreeModule as unknown as typeof BTreeModule.default);
type Tree = InstanceType<typeof BTree<unknown[], Document>>;

/** Bounds of a walk in index order, whatever a field's direction. */
const ORDER_FIRST = Symbol('first in index order');
const ORDER_LAST = Symbol('last in index order');

/** The lowest or highest possible value of one BSON type (mongod's type bracketing of a one-sided range). */
class TypeEdge {
  constructor(readonly rank: number, readonly high: boolean) {}
}

/** Compares two key parts in value order, type edges included. */
function compareKeyPart(a: unknown, b: unknown): number {
  const ea = a instanceof TypeEdge;
  const eb = b instanceof TypeEdge;
  if (!ea && !eb) return compareValues(a, b);
  const ra = ea ? (a as TypeEdge).rank : typeRank(a);
  const rb = eb ? (b as TypeEdge).rank : typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  const pa = ea ? ((a as TypeEdge).high ? 1 : -1) : 0;
  const pb = eb ? ((b as TypeEdge).high ? 1 : -1) : 0;
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}

export class OrderedIndex {
  readonly tree: Tree;
  /** _id keys of the documents with an array in an indexed field: while any exists the index is not used. */
  readonly multikey = new Set<string>();
  readonly fields: string[];
  readonly directions: number[];
  /** The tree's order on entry keys, for the walk to know where its bounds end. */
  readonly compare: (a: unknown[], b: unknown[]) => number;

  constructor(key: Record<string, unknown>, readonly sparse: boolean, readonly partial: boolean) {
    this.fields = Object.keys(key);
    this.directions = this.fields.map((f) => (Number(key[f]) < 0 ? -1 : 1));
    const n = this.fields.length;
    const dirs = this.directions;
    this.compare = (a, b) => {
      for (let i = 0; i < n; i++) {
        const x = a[i];
        const y = b[i];
        if (x === y) continue;
        if (x === ORDER_FIRST || y === ORDER_LAST) return -1;
        if (x === ORDER_LAST || y === ORDER_FIRST) return 1;
        const c = compareKeyPart(x, y);
        if (c) return c * dirs[i];
      }
      return (a[n] as number) - (b[n] as number);
    };
    this.tree = new BTree<unknown[], Document>(undefined, this.compare);
  }

  /** The entry key of a document, null when it is not entered (sparse and missing, or multikey). */
  private keyOf(doc: Document, sequence: number, idKey: string, track: boolean): unknown[] | null {
    const key = new Array<unknown>(this.fields.length + 1);
    let present = false;
    for (let i = 0; i < this.fields.length; i++) {
      const field = this.fields[i];
      let value: unknown;
      if (!field.includes('.')) {
        value = doc[field];
      } else {
        // Several values through an array along the path make the document multikey, like an array at the end.
        const found = valuesAt(doc, field);
        value = found.length > 1 ? found : found[0];
      }
      if (Array.isArray(value)) {
        if (track) this.multikey.add(idKey);
        return null;
      }
      if (value !== undefined) present = true;
      key[i] = value === undefined ? null : value;
    }
    if (this.sparse && !present) return null;
    key[this.fields.length] = sequence;
    return key;
  }

  add(doc: Document, sequence: number, idKey: string): void {
    const key = this.keyOf(doc, sequence, idKey, true);
    if (key) this.tree.set(key, doc);
  }

  remove(doc: Document, sequence: number, idKey: string): void {
    this.multikey.delete(idKey);
    const key = this.keyOf(doc, sequence, idKey, false);
    if (key) this.tree.delete(key);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What a filter says about each field.
// ---------------------------------------------------------------------------------------------------------------

/** Inclusive bounds in value order (a superset of what the filter matches); `point` when one value is pinned. */
interface Bounds {
  lo: unknown;
  hi: unknown;
  point: boolean;
}

/** A value an index can be walked to: scalars, dates, ids and other BSON scalars, not null, NaN, regexes or documents. */
function indexable(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'number') return !Number.isNaN(value);
  if (typeof value !== 'object') return typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint';
  if (value instanceof ObjectId || value instanceof Date) return true;
  if (Array.isArray(value) || value instanceof RegExp || isPlainObject(value)) return false;
  const bsonType = (value as { _bsontype?: string })._bsontype;
  return bsonType === 'Long' || bsonType === 'Decimal128';
}

function point(value: unknown): Bounds {
  return { lo: value, hi: value, point: true };
}

function sameRank(a: unknown, b: unknown): boolean {
  const ra = a instanceof TypeEdge ? a.rank : typeRank(a);
  const rb = b instanceof TypeEdge ? b.rank : typeRank(b);
  return ra === rb;
}

/** One field's condition as bounds, or undefined when it bounds nothing an index can use. */
function fieldBounds(condition: unknown): Bounds | undefined {
  if (indexable(condition)) return point(condition);
  if (!isPlainObject(condition)) return undefined;
  const keys = Object.keys(condition);
  if (!keys.length || !keys.every((k) => k.startsWith('$'))) return undefined; // an embedded document as a value
  let result: Bounds | undefined;
  let lo: unknown;
  let hi: unknown;
  for (const op of keys) {
    const operand = condition[op];
    let next: Bounds | undefined;
    if (op === '$eq' && indexable(operand)) next = point(operand);
    else if (op === '$in' && Array.isArray(operand) && operand.length && operand.every(indexable) && operand.every((v) => sameRank(v, operand[0]))) {
      let min = operand[0];
      let max = operand[0];
      for (const v of operand) {
        if (compareValues(v, min) < 0) min = v;
        if (compareValues(v, max) > 0) max = v;
      }
      next = { lo: min, hi: max, point: compareValues(min, max) === 0 };
    } else if ((op === '$gt' || op === '$gte') && indexable(operand)) lo = lo === undefined || compareValues(operand, lo) > 0 ? operand : lo;
    else if ((op === '$lt' || op === '$lte') && indexable(operand)) hi = hi === undefined || compareValues(operand, hi) < 0 ? operand : hi;
    if (next) result = result ? intersect(result, next) : next;
  }
  if (lo !== undefined || hi !== undefined) {
    if (lo !== undefined && hi !== undefined && !sameRank(lo, hi)) return result;
    const range: Bounds = { lo: lo ?? new TypeEdge(typeRank(hi), false), hi: hi ?? new TypeEdge(typeRank(lo), true), point: false };
    result = result ? intersect(result, range) : range;
  }
  return result;
}

/** Both conditions hold: the narrower bounds (either one alone is still a superset when they cannot be combined). */
function intersect(a: Bounds, b: Bounds): Bounds {
  if (!sameRank(a.lo, b.lo) || !sameRank(a.hi, b.hi)) return a.point ? a : b;
  const lo = compareKeyPart(a.lo, b.lo) >= 0 ? a.lo : b.lo;
  const hi = compareKeyPart(a.hi, b.hi) <= 0 ? a.hi : b.hi;
  if (compareKeyPart(lo, hi) > 0) return a.point ? a : b; // contradictory: the filter matches nothing; keep a valid superset
  return { lo, hi, point: a.point || b.point || compareKeyPart(lo, hi) === 0 };
}

/** Either condition holds: the hull of both, when they are of one type. */
function union(a: Bounds, b: Bounds): Bounds | undefined {
  if (!sameRank(a.lo, b.lo) || !sameRank(a.hi, b.hi)) return undefined;
  const lo = compareKeyPart(a.lo, b.lo) <= 0 ? a.lo : b.lo;
  const hi = compareKeyPart(a.hi, b.hi) >= 0 ? a.hi : b.hi;
  return { lo, hi, point: a.point && b.point && compareKeyPart(lo, hi) === 0 };
}

/** Per field, the bounds the whole filter implies. */
export function filterBounds(filter: Document | undefined): Map<string, Bounds> {
  const out = new Map<string, Bounds>();
  if (!filter) return out;
  const add = (field: string, bounds: Bounds) => {
    const existing = out.get(field);
    out.set(field, existing ? intersect(existing, bounds) : bounds);
  };
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) if (isPlainObject(part)) for (const [f, b] of filterBounds(part)) add(f, b);
    } else if (key === '$or' && Array.isArray(value) && value.length) {
      const branches = value.map((part) => (isPlainObject(part) ? filterBounds(part) : new Map<string, Bounds>()));
      for (const [field, first] of branches[0]) {
        let hull: Bounds | undefined = first;
        for (const branch of branches.slice(1)) {
          const b = branch.get(field);
          hull = b && hull ? union(hull, b) : undefined;
          if (!hull) break;
        }
        if (hull) add(field, hull);
      }
    } else if (!key.startsWith('$')) {
      const bounds = fieldBounds(value);
      if (bounds) add(key, bounds);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Choosing an index and walking it.
// ---------------------------------------------------------------------------------------------------------------

export interface IndexPlan {
  index: OrderedIndex;
  name: string;
  /** Fields pinned to one value, from the first. */
  prefix: number;
  range?: Bounds;
  /** Whether the walk yields documents in the requested sort order; `reverse` walks the tree backwards. */
  sorted: boolean;
  reverse: boolean;
  score: number;
}

/** The best index for `filter` and `sort`, or undefined when none helps (then the caller scans). */
export function chooseIndex(indexes: Iterable<[string, OrderedIndex]>, filter: Document | undefined, sort: Document | undefined): IndexPlan | undefined {
  const bounds = filterBounds(filter);
  const sortFields = sort ? Object.entries(sort) : [];
  let best: IndexPlan | undefined;
  for (const [name, index] of indexes) {
    if (index.partial || index.multikey.size) continue;
    let prefix = 0;
    while (prefix < index.fields.length && bounds.get(index.fields[prefix])?.point) prefix++;
    const next = index.fields[prefix];
    const range = next !== undefined ? bounds.get(next) : undefined;
    if (index.sparse && !prefix && !range) continue;
    // The sort is satisfied when its fields (less those pinned to one value) follow the index from the prefix on,
    // skipping index fields pinned to one value, all in the index's directions or all reversed.
    const wanted = sortFields.filter(([f]) => !bounds.get(f)?.point);
    let sorted = wanted.length === 0;
    let reverse = false;
    if (!sorted) {
      let position = prefix;
      let direction = 0;
      sorted = true;
      for (const [field, dir] of wanted) {
        while (position < index.fields.length && index.fields[position] !== field && bounds.get(index.fields[position])?.point) position++;
        if (index.fields[position] !== field || (dir !== 1 && dir !== -1)) {
          sorted = false;
          break;
        }
        const relative = (dir as number) * index.directions[position];
        if (direction && relative !== direction) {
          sorted = false;
          break;
        }
        direction = relative;
        position++;
      }
      reverse = direction === -1;
    }
    // A walk that only gives an order is worth it for a sort, never for a sort every order satisfies.
    const score = prefix * 10 + (range ? 5 : 0) + (sorted && wanted.length ? 8 : 0);
    if (score === 0) continue;
    if (!best || score > best.score) best = { index, name, prefix, range, sorted, reverse, score };
  }
  return best;
}

/** The lowest and highest entry keys of the plan's part of the index, in the tree's order. */
function walkLimits(plan: IndexPlan, byField: Map<string, Bounds>): { low: unknown[]; high: unknown[] } {
  const { index, prefix, range } = plan;
  const n = index.fields.length;
  const low = new Array<unknown>(n + 1);
  const high = new Array<unknown>(n + 1);
  for (let i = 0; i < n; i++) {
    if (i < prefix) {
      low[i] = high[i] = byField.get(index.fields[i])!.lo;
    } else if (i === prefix && range) {
      const ascending = index.directions[i] === 1;
      low[i] = ascending ? range.lo : range.hi;
      high[i] = ascending ? range.hi : range.lo;
    } else {
      low[i] = ORDER_FIRST;
      high[i] = ORDER_LAST;
    }
  }
  low[n] = -Infinity;
  high[n] = Infinity;
  return { low, high };
}

/** The documents the plan's part of the index holds, in index order (or reversed). Do not write while iterating. */
export function* walk(plan: IndexPlan, bounds: Map<string, Bounds> | Document | undefined): Generator<Document> {
  const { index, prefix, range } = plan;
  const { low, high } = walkLimits(plan, bounds instanceof Map ? bounds : filterBounds(bounds));
  const compare = index.compare;
  // A walk of an equality prefix alone ends where the prefix changes: checked field by field with a plain
  // equality, cheaper than comparing whole keys against the upper bound on every entry.
  if (!range && prefix > 0 && !plan.reverse) {
    const same = low.slice(0, prefix).map((value) => scalarEquals(value));
    if (same.every(Boolean)) {
      const tests = same as ((v: unknown) => boolean)[];
      // One reused pair instead of a new [key, value] array per entry.
      for (const [key, doc] of index.tree.entries(low, [])) {
        for (let i = 0; i < prefix; i++) if (!tests[i](key[i])) return;
        yield doc;
      }
      return;
    }
  }
  if (!plan.reverse) {
    for (const [key, doc] of index.tree.entries(low, [])) {
      if (compare(key, high) > 0) return;
      yield doc;
    }
  } else {
    for (const [key, doc] of index.tree.entriesReversed(high, [])) {
      if (compare(key, low) < 0) return;
      yield doc;
    }
  }
}

/**
 * The same documents as `walk`, handed to `onDoc` (false stops the walk): the tree's own range walk, which finds
 * both ends by binary search per node and calls back per entry, without the generators, iterators and entry
 * arrays of `walk` — what a read of a whole user's rows (an aggregation's input) spends most of its time on.
 */
export function walkEach(plan: IndexPlan, bounds: Map<string, Bounds> | Document | undefined, onDoc: (doc: Document) => boolean | void): void {
  if (plan.reverse) {
    for (const doc of walk(plan, bounds)) if (onDoc(doc) === false) return;
    return;
  }
  const { low, high } = walkLimits(plan, bounds instanceof Map ? bounds : filterBounds(bounds));
  const stop = { break: true };
  plan.index.tree.forRange(low, high, true, (_key, doc) => (onDoc(doc) === false ? stop : undefined));
}

/**
 * The top-level fields of `filter` the plan's walk already holds to their value: `field: v` or `field: {$eq: v}`
 * on an equality-prefix field of a plan (the walk pinned to that value), for an id, string, boolean, date or finite number `v`. An index in use
 * has no array in its fields (multikey indexes are not used), so every entry the walk yields has exactly that
 * value there by BSON comparison, which is what the filter's equality tests: the caller may leave them out.
 */
export function impliedFields(plan: IndexPlan, filter: Document | undefined): string[] {
  if (!filter) return [];
  const byField = filterBounds(filter);
  const out: string[] = [];
  for (let i = 0; i < plan.prefix; i++) {
    const field = plan.index.fields[i];
    if (field.includes('.')) continue;
    let condition = filter[field];
    if (isPlainObject(condition) && Object.keys(condition).length === 1 && '$eq' in condition) condition = condition.$eq;
    const exact =
      typeof condition === 'string' || typeof condition === 'boolean' || (typeof condition === 'number' && Number.isFinite(condition)) || condition instanceof ObjectId || (condition instanceof Date && Number.isFinite(condition.getTime()));
    // The walk's bound for the field must be this very value (an `$and` elsewhere in the filter could pin another).
    const bound = byField.get(field);
    if (exact && bound?.point && compareKeyPart(bound.lo, condition) === 0 && compareKeyPart(bound.hi, condition) === 0) out.push(field);
  }
  return out;
}
