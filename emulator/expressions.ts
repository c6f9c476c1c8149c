/**
 * Aggregation operators where mingo differs from mongod in ways that would give a silently wrong answer:
 * `$type` names ("objectId", "decimal", a large whole number is a "double"), and `$sum`/`$avg` over Decimal128 or
 * Long values beyond 2^53, which mingo skips as if they were not numbers (refused loudly instead).
 */
import { evalExpr } from 'mingo/core';
import { $avg as mingoAvg, $push, $sum as mingoSum } from 'mingo/operators/accumulator';
import { $eq as mingoEq, $gt as mingoGt, $gte as mingoGte, $in as mingoIn, $lt as mingoLt, $lte as mingoLte, $ne as mingoNe, $nin as mingoNin } from 'mingo/operators/query';
import { $toString as mingoToString } from 'mingo/operators/expression';
import { errors } from './errors.js';
import { compareNumbers } from './sort.js';
import { valuesAt } from './values.js';

type Accumulator = (collection: unknown[], expr: unknown, options: never) => unknown;
type Expression = (obj: unknown, expr: unknown, options: never) => unknown;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** mongod's $type name for a value as the emulator holds it (a whole-number Double reads as "int": see README). */
export function bsonTypeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? 'int' : 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'long';
  }
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  const names: Record<string, string> = {
    ObjectId: 'objectId',
    Decimal128: 'decimal',
    Long: 'long',
    Int32: 'int',
    Double: 'double',
    Binary: 'binData',
    UUID: 'binData',
    Timestamp: 'timestamp',
    BSONRegExp: 'regex',
    MinKey: 'minKey',
    MaxKey: 'maxKey',
    Code: 'javascript',
    BSONSymbol: 'symbol',
  };
  const bsonType = (value as { _bsontype?: string })._bsontype;
  return bsonType ? (names[bsonType] ?? bsonType) : 'object';
}

const $type: Expression = (obj, expr, options) => {
  const value = evalExpr(obj as never, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options);
  return bsonTypeName(value);
};

/** A number mingo cannot add: a Decimal128, or a Long beyond 2^53 (small ones are plain numbers here). */
function unaddable(values: unknown[]): string | undefined {
  for (const value of values.flat()) {
    const type = (value as { _bsontype?: string } | null)?._bsontype;
    if (type === 'Decimal128' || type === 'Long') return type;
  }
  return undefined;
}

function refuseUnaddable(operator: string, values: unknown[]): void {
  const type = unaddable(values);
  if (type) throw errors.notSupported(`${operator} over ${type} values (mingo would skip them and give a wrong total)`);
}

const $sum: Accumulator = (collection, expr, options) => {
  if (typeof expr !== 'number') refuseUnaddable('$sum', $push(collection as never, expr, options) as unknown[]);
  return mingoSum(collection as never, expr, options);
};

const $avg: Accumulator = (collection, expr, options) => {
  refuseUnaddable('$avg', $push(collection as never, expr, options) as unknown[]);
  return mingoAvg(collection as never, expr, options);
};

export const accumulatorOverrides: Record<string, Accumulator> = { $sum, $avg };
/** $toString of an ObjectId (its hex), a Long or a Decimal128 (their digits), as mongod; the rest is mingo's. */
const $toString: Expression = (obj, expr, options) => {
  const value = evalExpr(obj as never, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options);
  const type = (value as { _bsontype?: string } | null)?._bsontype;
  if (type === 'ObjectId') return (value as { toHexString(): string }).toHexString();
  if (type === 'Long' || type === 'Decimal128') return String(value);
  return mingoToString(obj as never, expr as never, options);
};

export const expressionOverrides: Record<string, Expression> = { $type, $toString };

type QueryOperator = (selector: string, value: unknown, options: never) => (doc: unknown) => boolean;

function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return true;
  const type = (value as { _bsontype?: string } | null)?._bsontype;
  return type === 'Long' || type === 'Decimal128' || type === 'Int32' || type === 'Double';
}

/**
 * $gt/$gte/$lt/$lte with a number against stored numbers of any type, compared exactly: mingo compares only values
 * of one JS type, so a Long beyond 2^53 or a Decimal128 never matched a range (or matched by its string form).
 * Other operands (strings, dates…) stay with mingo.
 */
function numericRange(mingoOp: unknown, test: (c: number) => boolean): QueryOperator {
  return (selector, value, options) => {
    if (!isNumeric(value)) return (mingoOp as QueryOperator)(selector, value, options);
    const nan = typeof value === 'number' && Number.isNaN(value);
    return (doc) =>
      valuesAt(doc, selector).some((found) =>
        (Array.isArray(found) ? found : [found]).some((v) => {
          if (!isNumeric(v)) return false;
          // NaN is only ever equal to NaN: $gte/$lte NaN match NaN, nothing is greater or smaller.
          const vNaN = typeof v === 'number' && Number.isNaN(v);
          if (nan || vNaN) return nan && vNaN && test(0);
          return test(compareNumbers(v, value));
        }),
      );
  };
}

const isWrapper = (value: unknown) => {
  const type = (value as { _bsontype?: string } | null)?._bsontype;
  return type === 'Long' || type === 'Decimal128';
};

/** Whether some value at `selector` equals one of `operands` as a number, where a Long or Decimal128 is involved. */
function numericallyEqual(doc: unknown, selector: string, operands: unknown[]): boolean {
  const wrapped = operands.some(isWrapper);
  return valuesAt(doc, selector).some((found) =>
    (Array.isArray(found) ? found : [found]).some(
      (v) => isNumeric(v) && (wrapped || isWrapper(v)) && operands.some((o) => !(typeof v === 'number' && Number.isNaN(v)) && compareNumbers(v, o) === 0),
    ),
  );
}

/**
 * Equality ($eq, implicit equality, $ne, $in, $nin) by numeric value when a Long or Decimal128 is involved, as on
 * mongod: mingo compares those by their text, so Decimal128 1.50 did not match 1.5, nor 10 a Decimal128 10. Only
 * adds matches mingo missed ($ne/$nin remove them); everything else stays mingo's.
 */
function numericEquality(mingoOp: unknown, negate: boolean, operandsOf: (value: unknown) => unknown[] | undefined): QueryOperator {
  return (selector, value, options) => {
    const base = (mingoOp as QueryOperator)(selector, value, options);
    const operands = operandsOf(value)?.filter(isNumeric);
    if (!operands?.length) return base;
    return negate ? (doc) => base(doc) && !numericallyEqual(doc, selector, operands) : (doc) => base(doc) || numericallyEqual(doc, selector, operands);
  };
}

export const queryOverrides: Record<string, QueryOperator> = {
  $eq: numericEquality(mingoEq, false, (v) => [v]),
  $ne: numericEquality(mingoNe, true, (v) => [v]),
  $in: numericEquality(mingoIn, false, (v) => (Array.isArray(v) ? v : undefined)),
  $nin: numericEquality(mingoNin, true, (v) => (Array.isArray(v) ? v : undefined)),
  $gt: numericRange(mingoGt, (c) => c > 0),
  $gte: numericRange(mingoGte, (c) => c >= 0),
  $lt: numericRange(mingoLt, (c) => c < 0),
  $lte: numericRange(mingoLte, (c) => c <= 0),
};
