/**
 * mingo with the emulator's own operators in place of mingo's where mingo differs from mongod. mingo's default
 * entry point lets its built-in operators win over any passed in a context, so the emulator builds the whole
 * context itself and every Query and Aggregator here uses it.
 */
import { Aggregator as AggregatorBase } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Query as QueryBase } from 'mingo/query';
import { dateOperators } from './dates.js';
import { errors } from './errors.js';
import { accumulatorOverrides, expressionOverrides, queryOverrides } from './expressions.js';
import { sortDocuments } from './sort.js';
import { keyOf, valuesAt } from './values.js';

type Options = NonNullable<ConstructorParameters<typeof AggregatorBase>[1]>;

type LazyLike = { transform(f: (docs: Record<string, unknown>[]) => Iterator<Record<string, unknown>>): unknown };

function sortStage(coll: LazyLike, sort: Record<string, unknown>): unknown {
  if (!sort || typeof sort !== 'object' || Array.isArray(sort) || Object.keys(sort).length === 0) throw new Error('$sort specification is invalid');
  return coll.transform((docs) => sortDocuments(docs, sort)[Symbol.iterator]());
}

/** mingo's $project, with _id first as mongod puts it (mingo appends it). */
function projectStage(coll: unknown, spec: unknown, options: unknown): unknown {
  const projected = (pipelineOperators.$project as (c: unknown, s: unknown, o: unknown) => { map(f: (d: Record<string, unknown>) => unknown): unknown })(coll, spec, options);
  return projected.map((doc) => {
    if (!doc || typeof doc !== 'object' || !('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
    const { _id, ...rest } = doc;
    return { _id, ...rest };
  });
}

/** $count of no documents is no document on mongod (mingo gives {count: 0}). */
function countStage(coll: LazyLike, field: unknown): unknown {
  if (typeof field !== 'string' || !field || field.startsWith('$') || field.includes('.')) throw new Error('$count field must be a non-empty string that does not start with $ or contain a dot');
  return coll.transform((docs) => (docs.length ? [{ [field]: docs.length }] : [])[Symbol.iterator]());
}

/**
 * $addFields/$set of a dotted path ('items.extra') through an array: mongod sets the field in every element, mingo
 * leaves the document unchanged. Refused loudly when a document has an array on such a path.
 */
function dottedThroughArrays(name: '$addFields' | '$set') {
  const original = pipelineOperators[name] as (c: unknown, s: unknown, o: unknown) => unknown;
  return (coll: { map(f: (d: Record<string, unknown>) => unknown): unknown }, spec: unknown, options: unknown): unknown => {
    const dotted = spec && typeof spec === 'object' ? Object.keys(spec).filter((k) => k.includes('.')) : [];
    if (!dotted.length) return original(coll, spec, options);
    const checked = coll.map((doc) => {
      for (const path of dotted) {
        const parts = path.split('.');
        let value: unknown = doc;
        for (const part of parts.slice(0, -1)) {
          value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
          if (Array.isArray(value)) throw errors.notSupported(`${name} of the dotted path '${path}' through an array`);
        }
      }
      return doc;
    });
    return original(checked, spec, options);
  };
}

/** Values at a path for a join: an array's elements one by one; a missing field is null. */
function joinValues(doc: unknown, path: string): unknown[] {
  const found = valuesAt(doc, path);
  return found.length ? found.flatMap((v) => (Array.isArray(v) ? v : [v])) : [null];
}

/**
 * $lookup by localField/foreignField as mongod does it: each element of an array localField looks up on its own, a
 * missing one matches null or missing foreign fields, numbers match across types, matches come in the foreign
 * collection's natural order. (mingo put a null into `as` when no element of an array localField matched.) The
 * pipeline forms stay mingo's.
 */
function lookupStage(coll: { map(f: (d: Record<string, unknown>) => unknown): unknown }, spec: Record<string, unknown>, options: { collectionResolver?: (name: string) => unknown }): unknown {
  const original = pipelineOperators.$lookup as (c: unknown, s: unknown, o: unknown) => unknown;
  const { from, localField, foreignField, as } = spec ?? {};
  if (spec?.pipeline !== undefined || typeof from !== 'string' || typeof localField !== 'string' || typeof foreignField !== 'string' || typeof as !== 'string' || !options.collectionResolver) {
    return original(coll, spec, options);
  }
  const foreign = (options.collectionResolver(from) ?? []) as Record<string, unknown>[];
  const byKey = new Map<string, number[]>();
  foreign.forEach((doc, position) => {
    for (const key of new Set(joinValues(doc, foreignField).map((v) => keyOf(v)))) {
      const list = byKey.get(key);
      if (list) list.push(position);
      else byKey.set(key, [position]);
    }
  });
  return coll.map((doc) => {
    const positions = new Set<number>();
    for (const value of joinValues(doc, localField)) for (const position of byKey.get(keyOf(value)) ?? []) positions.add(position);
    return { ...doc, [as]: [...positions].sort((a, b) => a - b).map((p) => foreign[p]) };
  });
}

export const CONTEXT = Context.init({
  accumulator: { ...accumulatorOperators, ...(accumulatorOverrides as Record<string, unknown>) },
  expression: { ...expressionOperators, ...(dateOperators as Record<string, unknown>), ...(expressionOverrides as Record<string, unknown>) },
  // $sort in mongod's order (BSON type order, arrays by min/max element, ties in input order), as find sorts.
  pipeline: { ...pipelineOperators, $sort: sortStage, $project: projectStage, $count: countStage, $addFields: dottedThroughArrays('$addFields'), $set: dottedThroughArrays('$set'), $lookup: lookupStage },
  projection: { ...projectionOperators },
  query: { ...queryOperators, ...(queryOverrides as Record<string, unknown>) },
  window: { ...windowOperators },
} as never);

export class Query extends QueryBase {
  constructor(condition: Record<string, unknown>, options: Partial<Options> = {}) {
    super(condition as never, { ...options, context: CONTEXT } as never);
  }
}

export class Aggregator extends AggregatorBase {
  constructor(pipeline: Record<string, unknown>[], options: Partial<Options> = {}) {
    super(pipeline as never, { ...options, context: CONTEXT } as never);
  }
}
