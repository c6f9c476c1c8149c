/**
 * Compiled aggregation gives what mingo (with the emulator's own operators) gives, stage for stage, on documents
 * with missing fields, nulls, several types and dates around a day boundary in Asia/Jakarta; and what it does not
 * compile, or a value it would get wrong, goes to mingo.
 */
import { Decimal128, ObjectId, type Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { compilePipeline, Fallback, rollupStats } from './compiled.js';
import { compileFilter } from './filter.js';
import { Aggregator, Query } from './mingo.js';

const SETTLED = ['success', 'partially_refunded', 'refunded'];
const FINISHED = [...SETTLED, 'failed', 'expired', 'cancelled'];
const statuses = ['success', 'failed', 'pending', 'refunded', 'expired'];

function docs(): Document[] {
  const out: Document[] = [];
  for (let i = 0; i < 400; i++) {
    const createdAt = new Date(Date.UTC(2025, 11, 30, 16, 30) + i * 5_400_000); // crosses midnight in Jakarta and the new year
    out.push({
      _id: new ObjectId(),
      userId: i % 3,
      status: statuses[i % statuses.length],
      method: i % 4 ? 'qris' : 'va',
      currency: i % 9 ? 'IDR' : 'USD',
      amountMinor: (i * 7919) % 100_000,
      createdAt,
      ...(i % 2 ? { settledAt: new Date(createdAt.getTime() + (i % 60) * 1000) } : {}),
      ...(i % 5 ? { refundedAmountMinor: i % 7 ? null : 100 } : {}),
      ...(i % 11 ? { tags: ['a', i % 2 ? 'b' : 'c'] } : {}),
      ...(i % 13 === 0 ? { amountMinor: 'n/a' } : {}),
    });
  }
  return out;
}

function analytics(period: string): Document[] {
  const summarize = {
    count: { $sum: 1 },
    successCount: { $sum: { $cond: [{ $in: ['$status', SETTLED] }, 1, 0] } },
    finishedCount: { $sum: { $cond: [{ $in: ['$status', FINISHED] }, 1, 0] } },
    totalAmountMinor: { $sum: '$amountMinor' },
    settledAmountMinor: { $sum: { $cond: [{ $in: ['$status', SETTLED] }, '$amountMinor', 0] } },
    refundedAmountMinor: { $sum: { $ifNull: ['$refundedAmountMinor', 0] } },
    settlementMsTotal: { $sum: { $cond: [{ $and: [{ $in: ['$status', SETTLED] }, '$settledAt'] }, { $subtract: ['$settledAt', '$createdAt'] }, 0] } },
    settlementCount: { $sum: { $cond: [{ $and: [{ $in: ['$status', SETTLED] }, '$settledAt'] }, 1, 0] } },
  };
  const groupBy = (key: unknown) => [{ $group: { _id: { key, currency: '$currency' }, ...summarize } }, { $sort: { '_id.key': 1, '_id.currency': 1 } }];
  return [
    { $match: { userId: { $in: [0, 1] }, status: { $ne: 'pending' } } },
    {
      $facet: {
        totals: [{ $group: { _id: { key: 'all', currency: '$currency' }, ...summarize } }, { $sort: { '_id.currency': 1 } }],
        byPeriod: groupBy({ $dateToString: { format: period, date: '$createdAt', timezone: 'Asia/Jakarta' } }),
        byMethod: groupBy('$method'),
        byStatus: groupBy('$status'),
      },
    },
  ];
}

const pipelines: Document[][] = [
  analytics('%Y-%m-%d'),
  analytics('%G-W%V'),
  analytics('%Y-%m'),
  [{ $group: { _id: null, avg: { $avg: '$amountMinor' }, min: { $min: '$refundedAmountMinor' }, max: { $max: '$amountMinor' }, first: { $first: '$settledAt' }, last: { $last: '$tags' }, n: { $count: {} } } }],
  [{ $sort: { amountMinor: -1, _id: 1 } }, { $limit: 5 }, { $project: { amountMinor: 1, status: 1 } }],
  [{ $match: { tags: 'b' } }, { $project: { _id: 0, status: 1, day: { $dayOfMonth: { date: '$createdAt', timezone: 'Asia/Jakarta' } }, year: { $year: '$createdAt' }, month: { $month: '$createdAt' }, hour: { $hour: '$createdAt' } } }, { $skip: 3 }],
  [{ $group: { _id: { m: { $month: { date: '$createdAt', timezone: '+07:00' } }, s: '$status' }, ids: { $push: '$userId' }, set: { $addToSet: '$method' } } }, { $sort: { '_id.m': 1, '_id.s': 1 } }],
  [{ $addFields: { net: { $subtract: [{ $ifNull: ['$userId', 0] }, { $ifNull: ['$refundedAmountMinor', 0] }] }, big: { $gte: ['$userId', 1] } } }, { $match: { big: true } }, { $count: 'n' }],
  [{ $project: { tags: 0, settledAt: 0 } }, { $sort: { _id: 1 } }, { $limit: 3 }],
  [{ $project: { label: { $concat: ['$status', '-', '$method'] }, x: { $multiply: [2, 3] }, missing: '$nope', n: { $cond: { if: { $eq: ['$nope', null] }, then: 'null', else: 'set' } } } }, { $sort: { _id: 1 } }],
];

describe('compiled aggregation', () => {
  it('answers exactly as mingo does, and compiles the whole analytics pipeline', () => {
    const input = docs();
    for (const pipeline of pipelines) {
      const compiled = compilePipeline(pipeline);
      expect(compiled).toBeDefined();
      const viaCompiled = compiled!.rest.length ? new Aggregator(compiled!.rest).run(compiled!.run(input)) : compiled!.run(input);
      const viaMingo = new Aggregator(pipeline).run(input);
      expect(viaCompiled, JSON.stringify(pipeline)).toEqual(viaMingo);
    }
    expect(compilePipeline(analytics('%Y-%m'))!.rest).toEqual([]);
  });

  it('formats local days right across daylight-saving changes, for documents in date order and out of it', () => {
    const times: number[] = [];
    for (const day of [Date.UTC(2026, 2, 7), Date.UTC(2026, 9, 31), Date.UTC(2026, 3, 4)]) for (let t = day; t < day + 3 * 86_400_000; t += 17 * 60_000) times.push(t);
    const inOrder = times.map((t, i) => ({ _id: i, at: new Date(t) }));
    const shuffled = [...inOrder].sort((a, b) => ((a._id * 7919) % 1009) - ((b._id * 7919) % 1009));
    for (const timezone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Jakarta', '-03:30']) {
      const pipeline = [{ $project: { day: { $dateToString: { format: '%Y-%m-%d', date: '$at', timezone } }, month: { $dateToString: { format: '%G-W%V', date: '$at', timezone } } } }];
      for (const input of [inOrder, shuffled]) expect(compilePipeline(pipeline)!.run(input), timezone).toEqual(new Aggregator(pipeline).run(input));
    }
  });

  it('compares values of different types in BSON order, as mongod does (a string is above every number)', () => {
    const run = compilePipeline([{ $project: { _id: 0, big: { $gte: ['$v', 50_000] }, low: { $lt: ['$v', null] } } }])!;
    expect(run.run([{ v: 'n/a' }, { v: 10 }, { v: null }, {}])).toEqual([
      { big: true, low: false },
      { big: false, low: false },
      { big: false, low: false },
      { big: false, low: false },
    ]);
  });

  it('never changes the stored documents it reads', () => {
    const input = docs();
    const before = JSON.stringify(input);
    for (const pipeline of pipelines) compilePipeline(pipeline)!.run(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('leaves to mingo the stages and values it does not compile', () => {
    // $unwind is not compiled: the compiled part stops before it and mingo runs the rest.
    expect(compilePipeline([{ $match: { a: 1 } }, { $unwind: '$tags' }, { $group: { _id: '$tags' } }])!.rest).toHaveLength(2);
    expect(compilePipeline([{ $lookup: { from: 'x', localField: 'a', foreignField: 'b', as: 'c' } }])).toBeUndefined();
    // A Decimal128 in arithmetic is mingo's: the compiled run gives up at run time.
    const run = compilePipeline([{ $project: { s: { $add: ['$d', 1] } } }])!;
    expect(() => run.run([{ _id: 1, d: Decimal128.fromString('1.5') }])).toThrow(Fallback);
    // $sum over a Decimal128 is refused loudly, as the mingo path refuses it.
    expect(() => compilePipeline([{ $group: { _id: null, s: { $sum: '$d' } } }])!.run([{ _id: 1, d: Decimal128.fromString('1.5') }])).toThrow(/Decimal128/);
  });
});

describe('a $facet of $groups of sums, rolled up from one fine grouping', () => {
  // No $sort after the groups: the order groups first appear in must be the direct feed's (and mingo's) too.
  const facet = (amount: unknown): Document[] => [
    {
      $facet: {
        all: [{ $group: { _id: { key: 'all', currency: '$currency' }, n: { $count: {} }, total: { $sum: amount }, twice: { $sum: 2 } } }],
        byMethod: [{ $group: { _id: { key: '$method', currency: '$currency' }, n: { $sum: 1 }, total: { $sum: amount } } }],
        byCode: [{ $group: { _id: '$code', total: { $sum: amount }, settled: { $sum: { $cond: [{ $in: ['$status', SETTLED] }, amount, 0] } } } }, { $limit: 50 }],
        raw: [{ $match: { status: 'failed' } }, { $count: 'failed' }],
      },
    },
  ];
  // Missing and null keys (apart in an object _id, one group in a plain one), numbers and strings as keys, sums of
  // strings and missing values (skipped), in an order where groups first appear out of key order.
  const input = (): Document[] =>
    docs().map((d, i) => {
      const out: Document = { ...d, code: i % 7 === 0 ? null : i % 5 === 0 ? undefined : i % 3 ? `c${i % 4}` : i % 4 };
      if (i % 17 === 0) delete out.currency;
      if (i % 19 === 0) out.method = null;
      if (out.code === undefined) delete out.code;
      return out;
    });
  const viaMingo = (pipeline: Document[], docs: Document[]) => new Aggregator(pipeline).run(docs);

  it('gives exactly the direct answer (mingo\'s), group order included, when every sum is of integers', () => {
    const before = { ...rollupStats };
    const pipeline = facet('$amountMinor');
    const docs = input();
    expect(compilePipeline(pipeline)!.run(docs)).toEqual(viaMingo(pipeline, docs));
    expect(rollupStats.used).toBe(before.used + 1);
    // After a $match, which the $facet applies as it visits each document (its 'raw' branch needs the list).
    const matched = [{ $match: { status: { $ne: 'failed' }, amountMinor: { $gte: 1000 } } }, ...pipeline];
    expect(compilePipeline(matched)!.run(docs)).toEqual(viaMingo(matched, docs));
    const groupsOnly = [{ $match: { status: { $ne: 'failed' } } }, { $facet: { a: pipeline[0].$facet.all, b: pipeline[0].$facet.byMethod } }];
    expect(compilePipeline(groupsOnly)!.run(docs)).toEqual(viaMingo(groupsOnly, docs));
    expect(rollupStats.used).toBe(before.used + 3);
  });

  it('feeds the branches directly when a sum meets a fraction, or when the fine groups would be too many', () => {
    const docs = input().map((d, i) => (i === 250 ? { ...d, amountMinor: 0.1 } : i % 3 === 0 ? { ...d, amountMinor: 0.2 } : d));
    let before = { ...rollupStats };
    const fractions = facet('$amountMinor');
    expect(compilePipeline(fractions)!.run(docs)).toEqual(viaMingo(fractions, docs));
    expect(rollupStats).toEqual({ used: before.used, abandoned: before.abandoned + 1 });
    before = { ...rollupStats };
    const perDocument: Document[] = [{ $facet: { a: [{ $group: { _id: '$_id', n: { $sum: 1 } } }], b: [{ $group: { _id: '$status', n: { $sum: 1 } } }] } }];
    expect(compilePipeline(perDocument)!.run(docs)).toEqual(viaMingo(perDocument, docs));
    expect(rollupStats).toEqual({ used: before.used, abandoned: before.abandoned + 1 });
  });

  it('is not used for accumulators whose answer depends on more than sums ($first, $push, $avg)', () => {
    const before = { ...rollupStats };
    const pipeline: Document[] = [{ $facet: { a: [{ $group: { _id: '$status', first: { $first: '$amountMinor' } } }], b: [{ $group: { _id: '$method', avg: { $avg: '$amountMinor' }, all: { $push: '$userId' } } }] } }];
    const docs = input();
    expect(compilePipeline(pipeline)!.run(docs)).toEqual(viaMingo(pipeline, docs));
    expect(rollupStats).toEqual(before);
  });
});

describe('compiled filters', () => {
  it('match exactly what mingo matches on numbers, strings, dates, ids, booleans, arrays, null and missing fields', () => {
    const id = new ObjectId();
    const day = new Date(Date.UTC(2026, 0, 2));
    const values: unknown[] = [1, 2.5, -3, 0, 'a', 'b', 'B', '', true, false, null, undefined, day, new Date(Date.UTC(2027, 0, 1)), id, new ObjectId(), [1, 5], ['a', 'z'], [], [day]];
    const docs = values.map((v, i) => (v === undefined ? { _id: i } : { _id: i, v, w: i % 3 }));
    const filters: Document[] = [
      { v: 1 },
      { v: 'a' },
      { v: true },
      { v: day },
      { v: id },
      { v: { $ne: 'a' } },
      { v: { $gt: 1 } },
      { v: { $gte: 0, $lt: 3 } },
      { v: { $lt: 'b' } },
      { v: { $gte: day } },
      { v: { $in: ['a', 'z', 'B'] } },
      { v: { $in: [1, 'a', day] } },
      { v: { $nin: [1, 'a'] } },
      { v: { $exists: false } },
      { v: { $exists: true }, w: 1 },
      { $or: [{ v: { $lt: 1 } }, { w: 2 }] },
      { $and: [{ v: { $gte: -5 } }, { v: { $ne: 0 } }] },
      { w: { $ne: 1 }, v: { $gt: 'a' } },
    ];
    for (const filter of filters) {
      const test = compileFilter(filter);
      expect(test, JSON.stringify(filter)).toBeDefined();
      const query = new Query(filter);
      expect(docs.filter(test!).map((d) => d._id), JSON.stringify(filter)).toEqual(docs.filter((d) => query.test(d)).map((d) => d._id));
    }
    // Left to mingo: dotted paths, null, regular expressions, sub-documents, $expr.
    for (const filter of [{ 'a.b': 1 }, { v: null }, { v: /a/ }, { v: { x: 1 } }, { $expr: { $gt: ['$v', 1] } }, { v: { $elemMatch: { $gt: 1 } } }]) expect(compileFilter(filter)).toBeUndefined();
  });
});
