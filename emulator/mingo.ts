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

type Options = NonNullable<ConstructorParameters<typeof AggregatorBase>[1]>;

export const CONTEXT = Context.init({
  accumulator: { ...accumulatorOperators },
  expression: { ...expressionOperators, ...(dateOperators as Record<string, unknown>) },
  pipeline: { ...pipelineOperators },
  projection: { ...projectionOperators },
  query: { ...queryOperators },
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
