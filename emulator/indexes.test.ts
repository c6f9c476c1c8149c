/**
 * Ordered secondary indexes and the planner: the same queries against a collection with indexes and one without
 * (a plain scan) give the same answers, and the ones an index can answer are index walks that stop early.
 */
import { ObjectId } from 'bson';
import { MongoClient, type Db, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { Collection } from './collection.js';
import type { RunningEmulator } from './index.js';
import { useEmulator } from './test-support.js';

let emulator: RunningEmulator;
let client: MongoClient;
let db: Db;

useEmulator('indexes', (started) => ({ emulator, client, db } = started));

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const users = [new ObjectId(), new ObjectId(), new ObjectId()];
const statuses = ['success', 'failed', 'pending', 'scheduled'];
const base = Date.UTC(2026, 0, 1);

function payments(count: number): Document[] {
  const next = random(42);
  return Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(),
    userId: users[Math.floor(next() * users.length)],
    status: statuses[Math.floor(next() * statuses.length)],
    // Whole hours, so several payments share a createdAt and the _id decides between them.
    createdAt: new Date(base + Math.floor(next() * 200) * 3_600_000),
    amountMinor: Math.floor(next() * 50) * 1000,
    ...(i % 7 === 0 ? { note: i % 2 ? 'odd' : 5 } : {}),
  }));
}

describe('ordered indexes', () => {
  it('answers filters, ranges, keyset cursors and sorts exactly as a scan does', async () => {
    const docs = payments(1500);
    const indexed = db.collection('indexed');
    const plain = db.collection('plain');
    await indexed.createIndex({ userId: 1, createdAt: -1, _id: -1 });
    await indexed.createIndex({ status: 1, amountMinor: 1 });
    await indexed.createIndex({ note: 1 }, { sparse: true });
    await indexed.insertMany(docs);
    await plain.insertMany(docs);
    // Updates and deletes move documents in and out of the indexes.
    for (const c of [indexed, plain]) {
      await c.updateMany({ status: 'pending', amountMinor: { $lt: 10_000 } }, { $set: { status: 'failed' } });
      await c.deleteMany({ userId: users[2], createdAt: { $lt: new Date(base + 20 * 3_600_000) } });
      await c.updateOne({ _id: docs[10]._id }, { $set: { createdAt: new Date(base - 1) } });
    }
    const cursorAt = docs[700];
    const queries: { filter: Document; sort?: Document; limit?: number; skip?: number }[] = [
      { filter: { userId: users[0] }, sort: { createdAt: -1, _id: -1 }, limit: 21 },
      { filter: { userId: users[1] }, sort: { createdAt: 1, _id: 1 }, limit: 21, skip: 5 },
      { filter: { userId: users[0], status: 'success' }, sort: { createdAt: -1, _id: -1 }, limit: 21 },
      {
        filter: { userId: cursorAt.userId, $or: [{ createdAt: { $lt: cursorAt.createdAt } }, { createdAt: cursorAt.createdAt, _id: { $lt: cursorAt._id } }] },
        sort: { createdAt: -1, _id: -1 },
        limit: 21,
      },
      { filter: { userId: users[2], createdAt: { $gte: new Date(base + 50 * 3_600_000), $lte: new Date(base + 90 * 3_600_000) } }, sort: { createdAt: -1, _id: -1 } },
      { filter: { status: { $in: ['failed', 'success'] }, amountMinor: { $gt: 20_000 } }, sort: { _id: 1 } },
      { filter: { status: 'success', amountMinor: { $gte: 10_000, $lt: 30_000 } }, sort: { amountMinor: -1, _id: 1 } },
      { filter: { note: 'odd' }, sort: { _id: 1 } },
      { filter: { note: { $gte: 0 } }, sort: { _id: 1 } },
      { filter: { note: null }, sort: { _id: -1 }, limit: 10 },
      { filter: {}, sort: { _id: -1 }, limit: 7 },
      { filter: { createdAt: { $lt: 'not a date' } }, sort: { _id: 1 } },
      // The walk holds userId to its value, so it need not be tested again; unless an $and pins another one.
      { filter: { userId: { $eq: users[1] }, status: { $ne: 'scheduled' } }, sort: { _id: 1 } },
      { filter: { userId: users[0], $and: [{ userId: users[1] }] }, sort: { _id: 1 } },
      { filter: { $and: [{ userId: users[1] }], userId: users[0] }, sort: { _id: 1 } },
    ];
    for (const q of queries) {
      const run = (c: typeof plain) => {
        let cursor = c.find(q.filter).sort(q.sort ?? {});
        if (q.skip) cursor = cursor.skip(q.skip);
        if (q.limit) cursor = cursor.limit(q.limit);
        return cursor.toArray();
      };
      const [a, b] = await Promise.all([run(indexed), run(plain)]);
      expect(a, JSON.stringify(q)).toEqual(b);
      expect(await indexed.countDocuments(q.filter)).toBe(await plain.countDocuments(q.filter));
      const agg = (c: typeof plain) => c.aggregate([{ $match: q.filter }, ...(q.sort ? [{ $sort: q.sort }] : []), ...(q.limit ? [{ $limit: q.limit }] : [])]).toArray();
      expect(await agg(indexed), JSON.stringify(q)).toEqual(await agg(plain));
    }
    // findAndModify takes the first document in the sort order, through the index.
    const first = await indexed.findOneAndUpdate({ userId: users[0] }, { $set: { touched: true } }, { sort: { createdAt: -1, _id: -1 } });
    const expected = await plain.find({ userId: users[0] }).sort({ createdAt: -1, _id: -1 }).limit(1).next();
    expect(first?._id).toEqual(expected?._id);
  });

  it('walks the index for a keyset page and stops after the page, forwards and backwards', () => {
    const c = new Collection('unit', 'keyset');
    c.addIndex({ name: 'history', key: { userId: 1, createdAt: -1, _id: -1 } });
    const docs = payments(5000);
    for (const doc of docs) c.insert(doc);
    const sorted = docs.filter((d) => d.userId.equals(users[1])).sort((a, b) => b.createdAt - a.createdAt || b._id.toHexString().localeCompare(a._id.toHexString()));
    const at = sorted[100];
    const filter = { userId: users[1], $or: [{ createdAt: { $lt: at.createdAt } }, { createdAt: at.createdAt, _id: { $lt: at._id } }] };
    const plan = c.plan(filter, { createdAt: -1, _id: -1 });
    expect(plan.via).toBe('IXSCAN history');
    expect(plan.sorted).toBe(true);
    // The walk starts at the cursor's createdAt: the first 21 candidates hold the page (give or take the ties on it).
    const walked = [...take(plan.docs, 30)];
    expect(walked.every((d) => d.userId.equals(users[1]) && d.createdAt <= at.createdAt)).toBe(true);
    const reverse = c.plan({ userId: users[1] }, { createdAt: 1, _id: 1 });
    expect(reverse).toMatchObject({ via: 'IXSCAN history', sorted: true });
    expect([...take(reverse.docs, 3)].map((d) => d._id)).toEqual(sorted.slice(-3).reverse().map((d) => d._id));
    // Fields the walk holds to their value need no second test; one an $and pins elsewhere still does.
    expect(c.plan({ userId: users[1], status: 'success' }).implied).toEqual(['userId']);
    expect(c.plan({ userId: { $eq: users[1] } }).implied).toEqual(['userId']);
    expect(c.plan({ $and: [{ userId: users[2] }], userId: users[1] }).implied).toEqual([]);
    const each: unknown[] = [];
    plan.each((d) => (each.push(d._id), each.length < 30));
    expect(each).toEqual(walked.map((d) => d._id));
    // Nothing an index helps with: a scan in natural order.
    expect(c.plan({ amountMinor: 5 }, { amountMinor: 1 }).via).toBe('COLLSCAN');
  });

  it('stops using an index while a document holds an array in one of its fields, and uses it again after', () => {
    const c = new Collection('unit', 'multikey');
    c.addIndex({ name: 'tags', key: { tags: 1 } });
    c.insert({ _id: 1, tags: 'a' });
    c.insert({ _id: 2, tags: 'b' });
    expect(c.plan({ tags: 'a' }).via).toBe('IXSCAN tags');
    c.insert({ _id: 3, tags: ['a', 'c'] });
    expect(c.plan({ tags: 'a' }).via).toBe('COLLSCAN');
    c.remove(c.byId(3)!);
    expect(c.plan({ tags: 'a' }).via).toBe('IXSCAN tags');
    // A sparse index misses documents without the field: used only when the filter needs the field.
    c.addIndex({ name: 'maybe', key: { maybe: 1 }, sparse: true });
    expect(c.plan({}, { maybe: 1 }).via).toBe('COLLSCAN');
    expect(c.plan({ maybe: { $gt: 1 } }).via).toBe('IXSCAN maybe');
  });
});

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  for (const item of items) {
    yield item;
    if (--n <= 0) return;
  }
}
