/**
 * Aggregation compiled once per pipeline into plain functions, instead of mingo interpreting every expression for
 * every document: `$match` (a mingo Query built once), `$group` with `$sum`/`$avg`/`$min`/`$max`/`$first`/
 * `$last`/`$push`/`$addToSet`/`$count`, `$sort` (mongod's order, sort.ts), `$project`/`$addFields`/`$set` of
 * top-level fields, `$limit`, `$skip`, `$count`, `$unwind` of a top-level path, and `$facet` whose every branch
 * compiles. Expressions: field paths, `$$ROOT`/`$$CURRENT`, literals, object and array literals, `$cond`,
 * `$ifNull`, `$eq`/`$ne`/`$gt`/`$gte`/`$lt`/`$lte`/`$cmp`, `$in`, `$and`/`$or`/`$not`, `$add`/`$subtract`/
 * `$multiply`/`$divide`, `$dateToString` and the date parts (dates.ts), `$toString` of ids and strings,
 * `$literal`, `$size`, `$concat`.
 *
 * The longest leading run of stages that compiles runs here and mingo runs the rest. A value the compiled code
 * does not handle exactly (a Long beyond 2^53 or a Decimal128 in arithmetic) aborts with Fallback, and the whole
 * pipeline is run by mingo instead, which also keeps mingo's errors for what it refuses. The input documents are
 * the stored ones, read as they are (never copied, never changed).
 */
import { ObjectId, type Document } from 'bson';
import { compiledDateOperators } from './dates.js';
import { errors } from './errors.js';
import { compileFilter } from './filter.js';
import { Query } from './mingo.js';
import { compareValues, sortDocuments } from './sort.js';
import { fieldReader, isPlainObject, keyOf } from './values.js';

/** Thrown while compiling (not compiled here) or running (a value this code would get wrong): use mingo. */
export class Fallback extends Error {}

type Expr = (doc: Document) => unknown;
/**
 * A compiled stage. One that reads each input document once (`$group`, `$facet`) may take the test of the `$match`
 * before it (`pretest`), so each document is tested and grouped in one visit instead of two passes over memory.
 */
type Stage = ((docs: Document[], pretest?: (doc: Document) => boolean) => Document[]) & { takesPretest?: boolean; predicate?: (doc: Document) => boolean };

const fallback = (why: string): never => {
  throw new Fallback(why);
};

// ---------------------------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------------------------

/** A field path's value as aggregation reads it: arrays along the way give the array of the values inside. */
function pathGetter(path: string): Expr {
  if (!path || path.startsWith('$')) fallback(`field path ${path}`);
  const parts = path.split('.');
  if (parts.length === 1) return fieldReader(path);
  const walk = (value: unknown, i: number): unknown => {
    if (i === parts.length) return value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const element of value) {
        if (isPlainObject(element) || Array.isArray(element)) {
          const found = walk(element, i);
          if (found !== undefined) out.push(found);
        }
      }
      return out;
    }
    if (value === null || typeof value !== 'object') return undefined;
    return walk((value as Document)[parts[i]], i + 1);
  };
  return (doc) => walk(doc, 0);
}

const isNumber = (v: unknown): v is number => typeof v === 'number';
/** A number the compiled arithmetic cannot do exactly: hand the whole pipeline to mingo (and its refusals). */
function checkNumeric(v: unknown): void {
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  if (t === 'Long' || t === 'Decimal128' || typeof v === 'bigint') fallback(`arithmetic on ${t ?? 'bigint'}`);
}

/** Aggregation truthiness: false, null, missing and 0 are false; everything else (empty string and array too) true. */
const truthy = (v: unknown) => !(v === false || v === null || v === undefined || v === 0);

function args(spec: unknown, count?: number): unknown[] {
  const list = Array.isArray(spec) ? spec : [spec];
  if (count !== undefined && list.length !== count) fallback('argument count');
  return list;
}

const COMPARE: Record<string, (c: number) => boolean> = {
  $eq: (c) => c === 0,
  $ne: (c) => c !== 0,
  $gt: (c) => c > 0,
  $gte: (c) => c >= 0,
  $lt: (c) => c < 0,
  $lte: (c) => c <= 0,
};

/** Aggregation comparison: a missing value compares as null. */
const cmp = (a: unknown, b: unknown) => compareValues(a === undefined ? null : a, b === undefined ? null : b);

/**
 * Within one pipeline, operator expressions written more than once (the same `$cond`/`$in` in eight accumulators
 * and five facets) are compiled once and remember their value for the last document they saw, so each is
 * evaluated once per document. Documents are never changed while a pipeline runs, so identity is a safe key.
 */
let shared: Map<string, Expr> | undefined;
/** How often each operator expression occurs in the pipeline being compiled: only repeated ones are memoized. */
let occurrences: Map<string, number> | undefined;

function countOccurrences(value: unknown, into: Map<string, number>): void {
  if (Array.isArray(value)) {
    for (const item of value) countOccurrences(item, into);
    return;
  }
  if (!isPlainObject(value)) return;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const key = specKey(value);
    into.set(key, (into.get(key) ?? 0) + 1);
  }
  for (const k of keys) countOccurrences(value[k], into);
}

function specKey(spec: unknown): string {
  if (Array.isArray(spec)) return `[${spec.map(specKey).join(',')}]`;
  if (isPlainObject(spec)) return `{${Object.keys(spec).map((k) => `${JSON.stringify(k)}:${specKey(spec[k])}`).join(',')}}`;
  return keyOf(spec);
}

export function compileExpr(expr: unknown): Expr {
  if (shared && isPlainObject(expr) && Object.keys(expr).length === 1 && Object.keys(expr)[0].startsWith('$')) {
    const key = specKey(expr);
    const known = shared.get(key);
    if (known) return known;
    const compiled = compileUncached(expr);
    if ((occurrences?.get(key) ?? 0) < 2) {
      shared.set(key, compiled);
      return compiled;
    }
    let lastDoc: Document | undefined;
    let last: unknown;
    const memo: Expr = (doc) => {
      if (doc === lastDoc) return last;
      last = compiled(doc);
      lastDoc = doc;
      return last;
    };
    shared.set(key, memo);
    return memo;
  }
  return compileUncached(expr);
}

function compileUncached(expr: unknown): Expr {
  if (typeof expr === 'string') {
    if (expr === '$$ROOT' || expr === '$$CURRENT') return (doc) => doc;
    if (expr.startsWith('$$ROOT.') || expr.startsWith('$$CURRENT.')) return pathGetter(expr.slice(expr.indexOf('.') + 1));
    if (expr.startsWith('$$')) return fallback(`variable ${expr}`);
    if (expr.startsWith('$')) return pathGetter(expr.slice(1));
    return () => expr;
  }
  if (Array.isArray(expr)) {
    const items = expr.map(compileExpr);
    return (doc) => items.map((item) => item(doc));
  }
  if (!isPlainObject(expr)) return () => expr; // numbers, booleans, null, dates, ids, other BSON values
  const keys = Object.keys(expr);
  if (keys.length === 1 && keys[0].startsWith('$')) return compileOperator(keys[0], expr[keys[0]]);
  if (keys.some((k) => k.startsWith('$') || k.includes('.'))) fallback('operator mixed with fields');
  const fields = keys.map((k): [string, Expr] => [k, compileExpr(expr[k])]);
  // An object expression leaves out fields whose value is missing (as mongod and mingo do).
  return (doc) => {
    const out: Document = {};
    for (const [k, f] of fields) {
      const v = f(doc);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
}

function compileOperator(op: string, spec: unknown): Expr {
  if (op in COMPARE) {
    const [a, b] = args(spec, 2).map(compileExpr);
    const test = COMPARE[op];
    return (doc) => test(cmp(a(doc), b(doc)));
  }
  switch (op) {
    case '$literal':
      return () => spec;
    case '$cmp': {
      const [a, b] = args(spec, 2).map(compileExpr);
      return (doc) => Math.sign(cmp(a(doc), b(doc)));
    }
    case '$cond': {
      let parts: unknown[];
      if (Array.isArray(spec)) parts = args(spec, 3);
      else if (isPlainObject(spec) && 'if' in spec && 'then' in spec && 'else' in spec && Object.keys(spec).length === 3) parts = [spec.if, spec.then, spec.else];
      else return fallback('$cond form');
      const [test, then, otherwise] = parts.map(compileExpr);
      return (doc) => (truthy(test(doc)) ? then(doc) : otherwise(doc));
    }
    case '$ifNull': {
      const list = args(spec).map(compileExpr);
      if (list.length < 2) fallback('$ifNull arguments');
      return (doc) => {
        for (let i = 0; i < list.length - 1; i++) {
          const v = list[i](doc);
          if (v !== null && v !== undefined) return v;
        }
        return list[list.length - 1](doc);
      };
    }
    case '$in': {
      const [needleSpec, haystackSpec] = args(spec, 2);
      const needle = compileExpr(needleSpec);
      // A literal list of strings, booleans and plain numbers: a Set answers for those types exactly (numbers by
      // value, NaN included); any other needle type takes the general comparison.
      const literal = Array.isArray(haystackSpec) && haystackSpec.every((v) => typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number');
      if (literal) {
        const set = new Set<unknown>(haystackSpec as unknown[]);
        const list = haystackSpec as unknown[];
        return (doc) => {
          const value = needle(doc);
          const t = typeof value;
          if (t === 'string' || t === 'boolean' || t === 'number') return set.has(value);
          for (const item of list) if (cmp(value, item) === 0) return true;
          return false;
        };
      }
      const haystack = compileExpr(haystackSpec);
      return (doc) => {
        const list = haystack(doc);
        if (!Array.isArray(list)) return fallback('$in over a non-array'); // mingo raises mongod's error
        const value = needle(doc);
        for (const item of list) if (cmp(value, item) === 0) return true;
        return false;
      };
    }
    case '$and':
    case '$or': {
      const list = args(spec).map(compileExpr);
      const all = op === '$and';
      return (doc) => {
        for (const item of list) if (truthy(item(doc)) !== all) return !all;
        return all;
      };
    }
    case '$not': {
      const [a] = args(spec, 1).map(compileExpr);
      return (doc) => !truthy(a(doc));
    }
    case '$add': {
      const list = args(spec).map(compileExpr);
      return (doc) => {
        let sum = 0;
        let date = false;
        for (const item of list) {
          const v = item(doc);
          if (v === null || v === undefined) return null;
          if (v instanceof Date) {
            if (date) fallback('$add of two dates');
            date = true;
            sum += v.getTime();
          } else if (isNumber(v)) sum += v;
          else {
            checkNumeric(v);
            return fallback('$add of a non-number');
          }
        }
        return date ? new Date(sum) : sum;
      };
    }
    case '$subtract': {
      const [a, b] = args(spec, 2).map(compileExpr);
      return (doc) => {
        const x = a(doc);
        const y = b(doc);
        if (x === null || x === undefined || y === null || y === undefined) return null;
        if (x instanceof Date && y instanceof Date) return x.getTime() - y.getTime();
        if (x instanceof Date && isNumber(y)) return new Date(x.getTime() - y);
        if (isNumber(x) && isNumber(y)) return x - y;
        checkNumeric(x);
        checkNumeric(y);
        return fallback('$subtract of these types');
      };
    }
    case '$multiply': {
      const list = args(spec).map(compileExpr);
      return (doc) => {
        let product = 1;
        for (const item of list) {
          const v = item(doc);
          if (v === null || v === undefined) return null;
          if (!isNumber(v)) {
            checkNumeric(v);
            return fallback('$multiply of a non-number');
          }
          product *= v;
        }
        return product;
      };
    }
    case '$divide': {
      const [a, b] = args(spec, 2).map(compileExpr);
      return (doc) => {
        const x = a(doc);
        const y = b(doc);
        if (x === null || x === undefined || y === null || y === undefined) return null;
        if (!isNumber(x) || !isNumber(y) || y === 0) return fallback('$divide of these values'); // mingo/mongod errors
        return x / y;
      };
    }
    case '$size': {
      const [a] = args(spec, 1).map(compileExpr);
      return (doc) => {
        const v = a(doc);
        return Array.isArray(v) ? v.length : fallback('$size of a non-array');
      };
    }
    case '$concat': {
      const list = args(spec).map(compileExpr);
      return (doc) => {
        let out = '';
        for (const item of list) {
          const v = item(doc);
          if (v === null || v === undefined) return null;
          if (typeof v !== 'string') return fallback('$concat of a non-string');
          out += v;
        }
        return out;
      };
    }
    case '$toString': {
      const [a] = args(spec, 1).map(compileExpr);
      return (doc) => {
        const v = a(doc);
        if (v === null || v === undefined) return null;
        if (typeof v === 'string') return v;
        if (v instanceof ObjectId) return v.toHexString();
        return fallback('$toString of this type');
      };
    }
  }
  const date = compiledDateOperators[op];
  if (date) return date(spec, compileExpr);
  return fallback(`operator ${op}`);
}

// ---------------------------------------------------------------------------------------------------------------
// $group
// ---------------------------------------------------------------------------------------------------------------

/** A grouping key equal for values mongod groups together (1 and 1.0, field order within documents matters). */
function groupKey(value: unknown): string {
  if (isPlainObject(value)) {
    let key = '{';
    for (const k of Object.keys(value)) key += `${k.length}:${k}=${groupKey(value[k])};`;
    return `${key}}`;
  }
  if (Array.isArray(value)) return `[${value.map(groupKey).join(',')}]`;
  return keyOf(value);
}

interface Accumulator {
  init(): unknown;
  add(state: unknown, doc: Document): unknown;
  result(state: unknown): unknown;
}

function compileAccumulator(spec: unknown): Accumulator {
  if (!isPlainObject(spec) || Object.keys(spec).length !== 1) return fallback('accumulator form');
  const [op] = Object.keys(spec);
  const arg = spec[op];
  if (op === '$count') {
    if (!isPlainObject(arg) || Object.keys(arg).length) fallback('$count arguments');
    return { init: () => 0, add: (n) => (n as number) + 1, result: (n) => n };
  }
  if (Array.isArray(arg) && op !== '$push' && op !== '$addToSet') fallback(`${op} over an array of expressions`);
  const value = compileExpr(arg);
  switch (op) {
    case '$sum':
      if (typeof arg === 'number') return { init: () => 0, add: (n) => (n as number) + arg, result: (n) => n };
      return {
        init: () => 0,
        add: (n, doc) => {
          const v = value(doc);
          if (isNumber(v)) return (n as number) + v;
          if (Array.isArray(v)) return fallback('$sum of an array');
          const t = (v as { _bsontype?: string } | null)?._bsontype;
          if (t === 'Long' || t === 'Decimal128') throw errors.notSupported(`$sum over ${t} values (mingo would skip them and give a wrong total)`);
          return n;
        },
        result: (n) => n,
      };
    case '$avg':
      return {
        init: () => ({ sum: 0, count: 0 }),
        add: (s, doc) => {
          const state = s as { sum: number; count: number };
          const v = value(doc);
          if (isNumber(v)) {
            state.sum += v;
            state.count++;
          } else {
            const t = (v as { _bsontype?: string } | null)?._bsontype;
            if (t === 'Long' || t === 'Decimal128') throw errors.notSupported(`$avg over ${t} values (mingo would skip them and give a wrong total)`);
          }
          return state;
        },
        result: (s) => {
          const state = s as { sum: number; count: number };
          return state.count ? state.sum / state.count : null;
        },
      };
    case '$min':
    case '$max': {
      const sign = op === '$min' ? -1 : 1;
      return {
        init: () => undefined,
        add: (best, doc) => {
          const v = value(doc);
          if (v === null || v === undefined) return best;
          return best === undefined || compareValues(v, best) * sign > 0 ? v : best;
        },
        result: (best) => (best === undefined ? null : best),
      };
    }
    case '$first':
      return { init: () => NONE, add: (s, doc) => (s === NONE ? (value(doc) ?? null) : s), result: (s) => (s === NONE ? null : s) };
    case '$last':
      return { init: () => null, add: (_s, doc) => value(doc) ?? null, result: (s) => s };
    case '$push':
      return {
        init: () => [],
        add: (list, doc) => {
          (list as unknown[]).push(value(doc) ?? null);
          return list;
        },
        result: (list) => list,
      };
    case '$addToSet':
      return {
        init: () => new Map<string, unknown>(),
        add: (set, doc) => {
          const v = value(doc);
          if (v !== undefined) (set as Map<string, unknown>).set(groupKey(v), v);
          return set;
        },
        result: (set) => [...(set as Map<string, unknown>).values()],
      };
  }
  return fallback(`accumulator ${op}`);
}

const NONE = Symbol('no value yet');

interface Group {
  id: unknown;
  states: unknown[];
}

/**
 * Groups by the values of their key parts without building a key string per document: a tree of Maps, one level
 * per part, where strings, booleans, plain numbers, null and missing are Map keys as they are (a Map keeps 1 and
 * '1' apart, and missing apart from null, as an object _id does) and other values go by their keyOf text in a
 * second Map, so no string can collide with them. Groups come out in the order they first appeared.
 */
class GroupTable {
  private readonly root: Level = newLevel();
  readonly groups: Group[] = [];

  find(parts: unknown[], create: () => Group): Group {
    let level = this.root;
    const last = parts.length - 1;
    for (let i = 0; i <= last; i++) {
      const v = parts[i];
      const t = typeof v;
      const primitive = t === 'string' || t === 'boolean' || t === 'undefined' || v === null || t === 'number';
      const map = primitive ? level.prim : level.other;
      const key = primitive ? v : numericWrapper(v) ? fallback('a Long or Decimal128 group key') : groupKey(v);
      const next = map.get(key);
      if (i === last) {
        if (next) return next as Group;
        const group = create();
        map.set(key, group);
        this.groups.push(group);
        return group;
      }
      if (next) level = next as Level;
      else map.set(key, (level = newLevel()));
    }
    throw new Error('unreachable');
  }
}

interface Level {
  prim: Map<unknown, Level | Group>;
  other: Map<unknown, Level | Group>;
}

const newLevel = (): Level => ({ prim: new Map(), other: new Map() });

function numericWrapper(v: unknown): boolean {
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  return t === 'Long' || t === 'Decimal128' || t === 'Int32' || t === 'Double' || typeof v === 'bigint';
}

interface GroupRunner {
  begin(): GroupTable;
  feed(table: GroupTable, doc: Document): void;
  end(table: GroupTable): Document[];
  /** What generateFeeder needs to write the feed as source. */
  plan: { idSpecs: unknown[]; objectId: boolean; accSpecs: [string, unknown][]; values: unknown[]; create: () => Group; accumulators: Accumulator[] };
}

function compileGroup(spec: unknown): Stage {
  const runner = compileGroupRunner(spec);
  const feeder = generateFeeder([runner]);
  const stage: Stage = (docs, pretest) => {
    const table = runner.begin();
    if (feeder) {
      const tables = [table];
      for (const doc of docs) if (!pretest || pretest(doc)) feeder(tables, doc);
    } else {
      for (const doc of docs) if (!pretest || pretest(doc)) runner.feed(table, doc);
    }
    return runner.end(table);
  };
  stage.takesPretest = true;
  return stage;
}

function compileGroupRunner(spec: unknown): GroupRunner {
  if (!isPlainObject(spec) || !('_id' in spec)) return fallback('$group form');
  const fields = Object.keys(spec)
    .filter((k) => k !== '_id')
    .map((k): [string, Accumulator] => {
      if (k.includes('.')) fallback('dotted $group field');
      return [k, compileAccumulator(spec[k])];
    });
  // An _id that is an object of expressions ({key: …, currency: '$currency'}) is grouped by its parts, and the
  // object built once per group rather than once per document.
  const idSpec = spec._id;
  const objectId = isPlainObject(idSpec) && Object.keys(idSpec).length > 0 && !Object.keys(idSpec).some((k) => k.startsWith('$') || k.includes('.'));
  const idParts = objectId ? Object.entries(idSpec as Document).map(([k, e]): [string, Expr] => [k, compileExpr(e)]) : [['', compileExpr(idSpec)] as [string, Expr]];
  const values = new Array<unknown>(idParts.length);
  const accumulators = fields.map(([, acc]) => acc);
  const create = (): Group => {
    let id: unknown;
    if (objectId) {
      const built: Document = {};
      idParts.forEach(([k], i) => {
        if (values[i] !== undefined) built[k] = values[i];
      });
      id = built;
    } else {
      id = values[0];
    }
    return { id, states: accumulators.map((acc) => acc.init()) };
  };
  return {
    begin: () => new GroupTable(),
    feed: (table, doc) => {
      for (let i = 0; i < idParts.length; i++) values[i] = idParts[i][1](doc);
      // A missing or null _id expression is one group, null.
      if (!objectId && values[0] === undefined) values[0] = null;
      const group = table.find(values, create);
      const states = group.states;
      for (let i = 0; i < accumulators.length; i++) states[i] = accumulators[i].add(states[i], doc);
    },
    end: (table) =>
      table.groups.map((group) => {
        const row: Document = { _id: group.id };
        fields.forEach(([name, acc], i) => (row[name] = acc.result(group.states[i])));
        return row;
      }),
    plan: {
      idSpecs: objectId ? Object.values(idSpec as Document) : [idSpec],
      objectId,
      accSpecs: fields.map(([name]) => {
        const acc = (spec as Document)[name] as Document;
        const op = Object.keys(acc)[0];
        return [op, acc[op]];
      }),
      values,
      create,
      accumulators,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Generated feeds: the per-document work of one or more $groups written out as one function, so V8 sees plain
// code (monomorphic property reads and calls) instead of a tree of closures sharing megamorphic call sites.
// ---------------------------------------------------------------------------------------------------------------

const UNSET = Symbol('not evaluated for this document');

const helpers = {
  truthy,
  inList: (set: Set<unknown>, list: unknown[], value: unknown) => {
    const t = typeof value;
    if (t === 'string' || t === 'boolean' || t === 'number') return set.has(value);
    for (const item of list) if (cmp(value, item) === 0) return true;
    return false;
  },
  subtract: (x: unknown, y: unknown) => {
    if (x === null || x === undefined || y === null || y === undefined) return null;
    if (x instanceof Date && y instanceof Date) return x.getTime() - y.getTime();
    if (x instanceof Date && isNumber(y)) return new Date(x.getTime() - y);
    if (isNumber(x) && isNumber(y)) return x - y;
    checkNumeric(x);
    checkNumeric(y);
    return fallback('$subtract of these types');
  },
  sumOther: (n: number, v: unknown) => {
    if (Array.isArray(v)) return fallback('$sum of an array');
    const t = (v as { _bsontype?: string } | null)?._bsontype;
    if (t === 'Long' || t === 'Decimal128') throw errors.notSupported(`$sum over ${t} values (mingo would skip them and give a wrong total)`);
    return n;
  },
  compare: (op: string, a: unknown, b: unknown) => COMPARE[op](cmp(a, b)),
};

class FeedWriter {
  readonly externals: unknown[] = [];
  readonly memos: string[] = [];
  private readonly memoSlots = new Map<string, string>();

  ext(value: unknown): string {
    this.externals.push(value);
    return `x[${this.externals.length - 1}]`;
  }

  expr(e: unknown): string {
    if (typeof e === 'string') {
      if (e === '$$ROOT' || e === '$$CURRENT') return 'doc';
      if (e.startsWith('$$')) return fallback(`variable ${e}`);
      if (e.startsWith('$')) {
        const path = e.slice(1);
        if (path && !path.includes('.') && !path.startsWith('$') && !(path in Object.prototype)) return `doc[${JSON.stringify(path)}]`;
        return `${this.ext(pathGetter(path))}(doc)`;
      }
      return JSON.stringify(e);
    }
    if (typeof e === 'number' && Number.isFinite(e) && !Object.is(e, -0)) return `(${String(e)})`;
    if (typeof e === 'boolean' || e === null) return String(e);
    if (!isPlainObject(e) || Object.keys(e).length !== 1 || !Object.keys(e)[0].startsWith('$')) return `${this.ext(compileExpr(e))}(doc)`;
    const key = specKey(e);
    const repeated = (occurrences?.get(key) ?? 0) >= 2;
    const known = repeated ? this.memoSlots.get(key) : undefined;
    if (known) return `(${known} !== U ? ${known} : (${known} = ${this.operator(e)}))`;
    const code = this.operator(e);
    if (!repeated) return code;
    const slot = `m${this.memos.length}`;
    this.memos.push(slot);
    this.memoSlots.set(key, slot);
    return `(${slot} !== U ? ${slot} : (${slot} = ${code}))`;
  }

  private operator(e: Document): string {
    const [op] = Object.keys(e);
    const spec = e[op];
    const list = Array.isArray(spec) ? spec : [spec];
    switch (op) {
      case '$cond': {
        const parts = Array.isArray(spec) ? spec : isPlainObject(spec) ? [spec.if, spec.then, spec.else] : undefined;
        if (!parts || parts.length !== 3 || (isPlainObject(spec) && Object.keys(spec).length !== 3)) break;
        return `(h.truthy(${this.expr(parts[0])}) ? ${this.expr(parts[1])} : ${this.expr(parts[2])})`;
      }
      case '$and':
      case '$or':
        if (!list.length) break;
        return `(${list.map((item) => `h.truthy(${this.expr(item)})`).join(op === '$and' ? ' && ' : ' || ')})`;
      case '$not':
        if (list.length !== 1) break;
        return `!h.truthy(${this.expr(list[0])})`;
      case '$in': {
        if (list.length !== 2 || !Array.isArray(list[1]) || !list[1].every((v) => typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number')) break;
        return `h.inList(${this.ext(new Set(list[1] as unknown[]))}, ${this.ext(list[1])}, ${this.expr(list[0])})`;
      }
      case '$ifNull':
        if (list.length !== 2) break;
        return `((t = ${this.expr(list[0])}) === null || t === undefined ? ${this.expr(list[1])} : t)`;
      case '$subtract':
        if (list.length !== 2) break;
        return `h.subtract(${this.expr(list[0])}, ${this.expr(list[1])})`;
      case '$eq':
      case '$ne':
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (list.length !== 2) break;
        return `h.compare(${JSON.stringify(op)}, ${this.expr(list[0])}, ${this.expr(list[1])})`;
    }
    // Anything else: its compiled closure, called from here.
    return `${this.ext(compileUncached(e))}(doc)`;
  }
}

/** One function feeding every runner's table from a document, or undefined when it cannot be written. */
function generateFeeder(runners: GroupRunner[]): ((tables: GroupTable[], doc: Document) => void) | undefined {
  try {
    const w = new FeedWriter();
    const head: string[] = [];
    const body: string[] = [];
    runners.forEach((runner, r) => {
      const { idSpecs, objectId, accSpecs, values, create, accumulators } = runner.plan;
      head.push(`const V${r} = ${w.ext(values)}, C${r} = ${w.ext(create)};`);
      idSpecs.forEach((idSpec, j) => body.push(`V${r}[${j}] = ${w.expr(idSpec)};`));
      if (!objectId) body.push(`if (V${r}[0] === undefined) V${r}[0] = null;`);
      body.push(`s = T[${r}].find(V${r}, C${r}).states;`);
      accSpecs.forEach(([op, arg], i) => {
        if (op === '$sum' && typeof arg === 'number' && Number.isFinite(arg)) body.push(`s[${i}] += ${arg};`);
        else if (op === '$sum' && !Array.isArray(arg)) body.push(`t = ${w.expr(arg)}; if (typeof t === 'number') s[${i}] += t; else s[${i}] = h.sumOther(s[${i}], t);`);
        else if (op === '$count') body.push(`s[${i}]++;`);
        else body.push(`s[${i}] = ${w.ext(accumulators[i])}.add(s[${i}], doc);`);
      });
    });
    const source = `${head.join('\n')}\nlet ${['s', 't', ...w.memos].join(', ')};\nreturn function feed(T, doc) {\n${w.memos.map((m) => `${m} = U;`).join(' ')}\n${body.join('\n')}\n};`;
    return new Function('x', 'h', 'U', source)(w.externals, helpers, UNSET) as (tables: GroupTable[], doc: Document) => void;
  } catch (err) {
    if (err instanceof Fallback || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Roll-up of several $groups of sums: one fine grouping, then each branch from the fine groups.
// ---------------------------------------------------------------------------------------------------------------

/** How often a $facet was answered by a roll-up and how often one gave up (for tests and benchmarks). */
export const rollupStats = { used: 0, abandoned: 0 };

/** Stops a roll-up that would not pay (too many fine groups) or not be exact (a sum that is not of integers). */
class RollupAbort extends Error {}

const isConstantSpec = (spec: unknown) => spec === null || typeof spec === 'number' || typeof spec === 'boolean' || (typeof spec === 'string' && !spec.startsWith('$'));

interface Rollup {
  /** The tables of every runner, or undefined when the roll-up gave up (then feed the runners directly). */
  run(docs: Document[], pretest?: (doc: Document) => boolean): GroupTable[] | undefined;
}

/**
 * When every grouped branch of a $facet sums (`$sum`, `$count`) and only the grouping key differs between them
 * (analytics: the same eight sums by period, method, provider, status and overall, each per currency), the
 * documents are grouped once by all the key parts together, each distinct sum added once per document, and each
 * branch is then added up from those few fine groups: per document one group lookup and eight additions instead
 * of five lookups and forty additions.
 *
 * It gives exactly what feeding the branches directly gives: a fine group holds documents equal in every key part,
 * so all of them fall in one group of each branch, and the fine groups come in the order their first documents
 * came, so each branch's groups appear in the same order with the same `_id` values (those of its first document).
 * Sums are only regrouped while every value added is an integer and the sum of their magnitudes stays below 2^53,
 * so that every partial sum, in any order, is exact; a fraction, or more fine groups than a quarter of the
 * documents (no gain), gives up and the branches are fed directly.
 */
function compileRollup(runners: GroupRunner[]): Rollup | undefined {
  if (runners.length < 2) return undefined;
  const partSpecs: unknown[] = [];
  const partKeys = new Map<string, number>();
  const accSpecs: [string, unknown][] = [];
  const accKeys = new Map<string, number>();
  const maps = runners.map((runner) => {
    const parts = runner.plan.idSpecs.map((spec) => {
      if (isConstantSpec(spec)) return -1;
      const key = specKey(spec);
      let index = partKeys.get(key);
      if (index === undefined) {
        partKeys.set(key, (index = partSpecs.length));
        partSpecs.push(spec);
      }
      return index;
    });
    const accs = runner.plan.accSpecs.map(([op, arg]) => {
      // $count is $sum: 1; a constant must be a safe integer; an array of expressions is not a $sum this handles.
      const [sumOf, ok] = op === '$count' ? [1, true] : [arg, op === '$sum' && !Array.isArray(arg) && (typeof arg !== 'number' || Number.isSafeInteger(arg))];
      if (!ok) return undefined;
      const key = specKey(sumOf);
      let index = accKeys.get(key);
      if (index === undefined) {
        accKeys.set(key, (index = accSpecs.length));
        accSpecs.push(['$sum', sumOf]);
      }
      return index;
    });
    return { parts, accs };
  });
  if (maps.some((m) => m.accs.some((a) => a === undefined)) || !partSpecs.length) return undefined;
  // Constants added once per document, counted into the magnitude bound once per document.
  const constantMagnitude = accSpecs.reduce((sum, [, arg]) => sum + (typeof arg === 'number' ? Math.abs(arg) : 0), 0);

  let feed: ((table: GroupTable, doc: Document) => void) & { start(maxGroups: number): void; exact(): boolean };
  try {
    const w = new FeedWriter();
    const body: string[] = [];
    partSpecs.forEach((spec, j) => body.push(`V[${j}] = ${w.expr(spec)};`));
    body.push('s = T.find(V, C).states;');
    if (constantMagnitude) body.push(`A += ${constantMagnitude};`);
    accSpecs.forEach(([, arg], i) => {
      if (typeof arg === 'number') body.push(`s[${i}] += ${arg};`);
      else body.push(`t = ${w.expr(arg)}; if (typeof t === 'number') { s[${i}] += t; if (t % 1 !== 0) E = false; A += t < 0 ? -t : t; } else s[${i}] = h.sumOther(s[${i}], t);`);
    });
    const values = new Array<unknown>(partSpecs.length);
    const state = { groups: 0, maxGroups: 0 };
    const create = (): Group & { parts: unknown[] } => {
      if (++state.groups > state.maxGroups) throw new RollupAbort('too many fine groups');
      return { id: undefined, parts: values.slice(), states: new Array<number>(accSpecs.length).fill(0) };
    };
    const source = `const V = ${w.ext(values)}, C = ${w.ext(create)}, S = ${w.ext(state)};
let ${['s', 't', ...w.memos].join(', ')};
let A = 0, E = true;
const feed = function feed(T, doc) {
${w.memos.map((m) => `${m} = U;`).join(' ')}
${body.join('\n')}
};
feed.start = (maxGroups) => { A = 0; E = true; S.groups = 0; S.maxGroups = maxGroups; };
feed.exact = () => E && A < ${2 ** 53};
return feed;`;
    feed = new Function('x', 'h', 'U', source)(w.externals, helpers, UNSET);
  } catch (err) {
    if (err instanceof Fallback || err instanceof SyntaxError) return undefined;
    throw err;
  }

  return {
    run(docs, pretest) {
      const abandon = () => {
        rollupStats.abandoned++;
        return undefined;
      };
      const fine = new GroupTable();
      feed.start(Math.max(64, Math.floor(docs.length / 4)));
      try {
        if (pretest) {
          for (const doc of docs) if (pretest(doc)) feed(fine, doc);
        } else {
          for (const doc of docs) feed(fine, doc);
        }
      } catch (err) {
        if (err instanceof RollupAbort) return abandon();
        throw err;
      }
      if (!feed.exact()) return abandon();
      const tables = runners.map((runner, r) => {
        const { parts, accs } = maps[r];
        const { idSpecs, objectId, values, create } = runner.plan;
        const table = runner.begin();
        for (const group of fine.groups as (Group & { parts: unknown[] })[]) {
          for (let j = 0; j < parts.length; j++) values[j] = parts[j] < 0 ? idSpecs[j] : group.parts[parts[j]];
          if (!objectId && values[0] === undefined) values[0] = null;
          const states = table.find(values, create).states as number[];
          const sums = group.states as number[];
          for (let i = 0; i < accs.length; i++) states[i] += sums[accs[i]!];
        }
        return table;
      });
      rollupStats.used++;
      return tables;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Other stages
// ---------------------------------------------------------------------------------------------------------------

/** $project of top-level fields: inclusions (in the document's order, _id first) then computed fields in spec order. */
function compileProject(spec: unknown): Stage {
  if (!isPlainObject(spec) || !Object.keys(spec).length) return fallback('$project form');
  let idMode: 'keep' | 'drop' | Expr = 'keep';
  const included = new Set<string>();
  const excluded = new Set<string>();
  const computed: [string, Expr][] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (key.includes('.') || key.startsWith('$')) fallback('$project of a dotted path');
    const flag = value === true || value === 1 ? 1 : value === false || value === 0 ? 0 : undefined;
    if (key === '_id') {
      idMode = flag === 0 ? 'drop' : flag === 1 ? 'keep' : compileExpr(value);
      continue;
    }
    if (flag === 1) included.add(key);
    else if (flag === 0) excluded.add(key);
    else if (typeof value === 'number' || typeof value === 'boolean') fallback('$project flag');
    else computed.push([key, compileExpr(value)]);
  }
  if (excluded.size && (included.size || computed.length)) fallback('mixed $project');
  if (excluded.size || (!included.size && !computed.length && idMode === 'drop')) {
    return (docs) =>
      docs.map((doc) => {
        const out: Document = {};
        for (const key of Object.keys(doc)) if (!excluded.has(key) && !(key === '_id' && idMode === 'drop')) out[key] = doc[key];
        return out;
      });
  }
  return (docs) =>
    docs.map((doc) => {
      const out: Document = {};
      if (idMode === 'keep') {
        if (doc._id !== undefined) out._id = doc._id;
      } else if (idMode !== 'drop') {
        const v = idMode(doc);
        if (v !== undefined) out._id = v;
      }
      for (const key of Object.keys(doc)) if (included.has(key)) out[key] = doc[key];
      for (const [key, f] of computed) {
        const v = f(doc);
        if (v !== undefined) out[key] = v;
      }
      return out;
    });
}

/** $addFields/$set of top-level fields: a copy of each document with the fields set (removed for $$REMOVE: mingo). */
function compileAddFields(spec: unknown): Stage {
  if (!isPlainObject(spec)) return fallback('$addFields form');
  const fields = Object.entries(spec).map(([key, value]): [string, Expr] => {
    if (key.includes('.') || key.startsWith('$')) fallback('$addFields of a dotted path');
    return [key, compileExpr(value)];
  });
  return (docs) =>
    docs.map((doc) => {
      const out: Document = { ...doc };
      for (const [key, f] of fields) {
        const v = f(doc);
        if (v === undefined) delete out[key];
        else out[key] = v;
      }
      return out;
    });
}

function compileStage(stage: Document): Stage {
  const keys = Object.keys(stage);
  if (keys.length !== 1) return fallback('stage form');
  const [name] = keys;
  const spec = stage[name];
  switch (name) {
    case '$match': {
      if (!isPlainObject(spec)) return fallback('$match form');
      if (!Object.keys(spec).length) return (docs) => docs;
      let predicate = compileFilter(spec);
      if (!predicate) {
        let query: Query;
        try {
          query = new Query(spec);
        } catch {
          return fallback('$match mingo refuses'); // mingo's own error, from the fallback run
        }
        predicate = (doc) => query.test(doc);
      }
      const test = predicate;
      const match: Stage = (docs) => docs.filter(test);
      match.predicate = test;
      return match;
    }
    case '$group':
      return compileGroup(spec);
    case '$sort':
      if (!isPlainObject(spec) || !Object.keys(spec).length) return fallback('$sort form');
      return (docs) => sortDocuments(docs, spec);
    case '$limit':
      if (!Number.isSafeInteger(spec) || (spec as number) <= 0) return fallback('$limit value');
      return (docs) => docs.slice(0, spec as number);
    case '$skip':
      if (!Number.isSafeInteger(spec) || (spec as number) < 0) return fallback('$skip value');
      return (docs) => docs.slice(spec as number);
    case '$count':
      if (typeof spec !== 'string' || !spec || spec.startsWith('$') || spec.includes('.')) return fallback('$count field');
      return (docs) => (docs.length ? [{ [spec]: docs.length }] : []);
    case '$project':
      return compileProject(spec);
    case '$addFields':
    case '$set':
      return compileAddFields(spec);
    case '$facet': {
      if (!isPlainObject(spec) || !Object.keys(spec).length) return fallback('$facet form');
      // Branches that start with a $group are fed in one pass over the input (with the shared expressions, each
      // evaluated once per document for all of them); the rest of each branch runs on its group's output.
      const branches = Object.entries(spec).map(([key, pipeline]) => {
        if (!Array.isArray(pipeline)) fallback('$facet branch');
        const stages = pipeline as Document[];
        const grouped = isPlainObject(stages[0]) && Object.keys(stages[0]).length === 1 && '$group' in stages[0];
        return {
          key,
          group: grouped ? compileGroupRunner(stages[0].$group) : undefined,
          stages: (grouped ? stages.slice(1) : stages).map(compileStage),
        };
      });
      const groupedBranches = branches.filter((b) => b.group);
      const feeder = groupedBranches.length ? generateFeeder(groupedBranches.map((b) => b.group!)) : undefined;
      const rollup = compileRollup(groupedBranches.map((b) => b.group!));
      const allGrouped = groupedBranches.length === branches.length;
      const facet: Stage = (input, pretest) => {
        // A branch that is not a $group needs the matching documents as a list; groups alone need only a visit each.
        let docs = input;
        if (pretest && !allGrouped) {
          docs = input.filter(pretest);
          pretest = undefined;
        }
        const grouped = groupedBranches;
        let states: GroupTable[] | undefined;
        try {
          states = rollup?.run(docs, pretest);
        } catch (err) {
          if (!(err instanceof RollupAbort)) throw err;
          rollupStats.abandoned++;
        }
        if (!states) {
          states = grouped.map((b) => b.group!.begin());
          if (feeder) {
            for (const doc of docs) if (!pretest || pretest(doc)) feeder(states, doc);
          } else if (grouped.length) {
            for (const doc of docs) if (!pretest || pretest(doc)) for (let i = 0; i < grouped.length; i++) grouped[i].group!.feed(states[i], doc);
          }
        }
        const out: Document[] = [{}];
        for (const branch of branches) {
          const branchInput = branch.group ? branch.group.end(states[grouped.indexOf(branch)]) : docs;
          out[0][branch.key] = branch.stages.reduce((acc, stage) => stage(acc), branchInput);
        }
        return out;
      };
      facet.takesPretest = true;
      return facet;
    }
  }
  return fallback(`stage ${name}`);
}

export interface CompiledPipeline {
  /** Runs the compiled leading stages; the caller runs `rest` (mingo) on what comes out. */
  run(docs: Document[]): Document[];
  rest: Document[];
}

/** Compiles the longest leading run of stages that compiles; undefined when not even the first one does. */
export function compilePipeline(pipeline: Document[], variables?: Document): CompiledPipeline | undefined {
  const stages: Stage[] = [];
  shared = new Map();
  occurrences = new Map();
  countOccurrences(pipeline, occurrences);
  try {
    for (const stage of pipeline) {
    try {
      // `let` variables are mingo's: a $match may use them in $expr; compiled expressions refuse $$name anyway.
      if (variables && stage.$match !== undefined) break;
      stages.push(compileStage(stage));
    } catch (err) {
      if (err instanceof Fallback) break;
      throw err;
    }
    }
  } finally {
    shared = undefined;
    occurrences = undefined;
  }
  if (!stages.length) return undefined;
  const rest = pipeline.slice(stages.length);
  // A $match right before a stage that visits each document once becomes that stage's pre-test.
  const fused: Stage[] = [];
  for (let i = 0; i < stages.length; i++) {
    const test = stages[i].predicate;
    const next = stages[i + 1];
    if (test && next?.takesPretest) {
      fused.push((docs) => next(docs, test));
      i++;
    } else {
      fused.push(stages[i]);
    }
  }
  return { run: (docs) => fused.reduce((input, stage) => stage(input), docs), rest };
}
