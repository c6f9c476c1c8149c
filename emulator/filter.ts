/**
 * Simple query filters compiled into plain predicates, instead of mingo walking the filter for every document:
 * top-level fields compared with a string, number, boolean, ObjectId or Date by equality, `$eq`, `$ne`, `$gt`,
 * `$gte`, `$lt`, `$lte`, `$in`, `$nin`, `$exists`, combined with `$and`/`$or`. Comparisons are mongod's: a range
 * only matches values of the operand's BSON type (type bracketing), numbers compare by value across types, and
 * an array field matches when one of its elements does. Anything else (dotted paths, null, regular expressions,
 * sub-documents, `$expr`, `$elemMatch`…) returns undefined and stays with mingo.
 */
import { ObjectId, type Document } from 'bson';
import { compareObjectIds, compareValues, typeRank } from './sort.js';
import { fieldReader, isPlainObject } from './values.js';

type Test = (doc: Document) => boolean;
type ValueTest = (value: unknown) => boolean;

function scalar(value: unknown): boolean {
  const t = typeof value;
  if (t === 'string' || t === 'boolean') return true;
  if (t === 'number') return !Number.isNaN(value);
  return value instanceof ObjectId || value instanceof Date;
}

/** Equality with one scalar operand, as mongod: same type bracket and equal, numbers by value. */
function equals(operand: unknown): ValueTest {
  if (typeof operand === 'string' || typeof operand === 'boolean') return (v) => v === operand;
  // The common id and date cases without the general comparison (both are the only values of their BSON type).
  if (operand instanceof ObjectId) return (v) => v instanceof ObjectId && compareObjectIds(v, operand) === 0;
  if (operand instanceof Date) {
    const time = operand.getTime();
    return (v) => v instanceof Date && v.getTime() === time;
  }
  const rank = typeRank(operand);
  return (v) => v !== null && v !== undefined && typeRank(v) === rank && compareValues(v, operand) === 0;
}

function range(operand: unknown, ok: (c: number) => boolean): ValueTest {
  const rank = typeRank(operand);
  return (v) => v !== null && v !== undefined && typeRank(v) === rank && ok(compareValues(v, operand));
}

/** A value test applied to a field: an array field matches when one of its elements does (not the array itself: operands are scalars). */
function onField(field: string, test: ValueTest, negate: boolean): Test {
  const read = fieldReader(field);
  return (doc) => {
    const v = read(doc);
    const hit = Array.isArray(v) ? v.some(test) : test(v);
    return negate ? !hit : hit;
  };
}

function fieldTest(field: string, condition: unknown): Test | undefined {
  if (scalar(condition)) return onField(field, equals(condition), false);
  if (!isPlainObject(condition)) return undefined;
  const ops = Object.keys(condition);
  if (!ops.length || !ops.every((op) => op.startsWith('$'))) return undefined;
  const tests: Test[] = [];
  for (const op of ops) {
    const operand = condition[op];
    switch (op) {
      case '$eq':
      case '$ne':
        if (!scalar(operand)) return undefined;
        tests.push(onField(field, equals(operand), op === '$ne'));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        if (!scalar(operand)) return undefined;
        const ok = op === '$gt' ? (c: number) => c > 0 : op === '$gte' ? (c: number) => c >= 0 : op === '$lt' ? (c: number) => c < 0 : (c: number) => c <= 0;
        tests.push(onField(field, range(operand, ok), false));
        break;
      }
      case '$in':
      case '$nin': {
        if (!Array.isArray(operand) || !operand.every(scalar)) return undefined;
        const strings = operand.every((v) => typeof v === 'string');
        const set = new Set(operand);
        const each = operand.map(equals);
        const test: ValueTest = strings ? (v) => typeof v === 'string' && set.has(v) : (v) => each.some((e) => e(v));
        tests.push(onField(field, test, op === '$nin'));
        break;
      }
      case '$exists':
        if (typeof operand !== 'boolean') return undefined;
        tests.push(((read) => (doc: Document) => (read(doc) !== undefined) === operand)(fieldReader(field)));
        break;
      default:
        return undefined;
    }
  }
  return tests.length === 1 ? tests[0] : (doc) => tests.every((t) => t(doc));
}

/** Equality with one scalar, as filters test it (exported for the index walk's end check). */
export const scalarEquals = (operand: unknown): ValueTest | undefined => (scalar(operand) ? equals(operand) : undefined);

export function compileFilter(filter: Document): Test | undefined {
  const tests: Test[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || !value.length || !value.every(isPlainObject)) return undefined;
      const parts = value.map((part) => compileFilter(part as Document));
      if (parts.some((p) => !p)) return undefined;
      const list = parts as Test[];
      tests.push(key === '$and' ? (doc) => list.every((t) => t(doc)) : (doc) => list.some((t) => t(doc)));
      continue;
    }
    if (key.startsWith('$') || key.includes('.') || !key) return undefined;
    const test = fieldTest(key, value);
    if (!test) return undefined;
    tests.push(test);
  }
  if (tests.length === 1) return tests[0];
  return (doc) => {
    for (const t of tests) if (!t(doc)) return false;
    return true;
  };
}
