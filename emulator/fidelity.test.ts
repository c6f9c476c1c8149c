/**
 * Behaviour the MongoDB 7.0 manual states, checked through the official driver: `let` variables, `{_id: null}`
 * upserts, `sort` in an update statement (7.0 refuses it), `$`-prefixed names inside `_id`, a pipeline update
 * whose output has no `_id`, and `$listLocalSessions`.
 */
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from './index.js';
import { useEmulator } from './test-support.js';

let emulator: RunningEmulator;
let client: MongoClient;
let db: Db;

useEmulator('fidelity', (started) => ({ emulator, client, db } = started));

const serverError = async (work: Promise<unknown>) => {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
};

describe('MongoDB 7.0 behaviour', () => {
  it('takes let variables ($$name) in find, aggregate, update, delete and findAndModify', async () => {
    const c = db.collection<{ _id: number; flavor: string; qty: number; note?: string }>('let_vars');
    await c.insertMany([
      { _id: 1, flavor: 'chocolate', qty: 5 },
      { _id: 2, flavor: 'strawberry', qty: 3 },
      { _id: 3, flavor: 'cherry', qty: 8 },
      { _id: 4, flavor: 'vanilla', qty: 1 },
    ]);
    const byFlavor = { $expr: { $eq: ['$flavor', '$$targetFlavor'] } };
    expect(await c.find(byFlavor, { let: { targetFlavor: 'cherry' } }).toArray()).toEqual([{ _id: 3, flavor: 'cherry', qty: 8 }]);
    expect(await c.aggregate([{ $match: byFlavor }, { $project: { _id: 1, doubled: { $multiply: ['$qty', '$$factor'] } } }], { let: { targetFlavor: 'chocolate', factor: 2 } }).toArray()).toEqual([{ _id: 1, doubled: 10 }]);
    const updated = await c.updateOne(byFlavor, [{ $set: { note: '$$label' } }], { let: { targetFlavor: 'strawberry', label: 'fresh' } });
    expect(updated).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, flavor: 'strawberry', qty: 3, note: 'fresh' });
    const found = await c.findOneAndUpdate(byFlavor, { $inc: { qty: 1 } }, { let: { targetFlavor: 'vanilla' }, returnDocument: 'after' });
    expect(found).toEqual({ _id: 4, flavor: 'vanilla', qty: 2 });
    expect(await c.deleteOne(byFlavor, { let: { targetFlavor: 'chocolate' } })).toMatchObject({ deletedCount: 1 });
    expect(await c.countDocuments()).toBe(3);
    // An undefined variable is an error, not a silent non-match.
    await serverError(c.find({ $expr: { $eq: ['$flavor', '$$nope'] } }).toArray());
  });

  it('upserts {_id: null} as a document whose _id is null, by updateOne, updateMany and replaceOne', async () => {
    const one = db.collection('upsert_null_one');
    const many = db.collection('upsert_null_many');
    const replace = db.collection('upsert_null_replace');
    const a = await one.updateOne({ _id: null as never }, { $set: { x: 1 } }, { upsert: true });
    const b = await many.updateMany({ _id: null as never }, { $set: { x: 2 } }, { upsert: true });
    const r = await replace.replaceOne({ _id: null as never }, { x: 3 }, { upsert: true });
    expect([a.upsertedId, b.upsertedId, r.upsertedId]).toEqual([null, null, null]);
    expect(await one.find().toArray()).toEqual([{ _id: null, x: 1 }]);
    expect(await many.find().toArray()).toEqual([{ _id: null, x: 2 }]);
    expect(await replace.find().toArray()).toEqual([{ _id: null, x: 3 }]);
    // The stored null _id is found again: a second upsert updates it.
    await one.updateOne({ _id: null as never }, { $set: { x: 9 } }, { upsert: true });
    expect(await one.find().toArray()).toEqual([{ _id: null, x: 9 }]);
  });

  it('refuses sort in an update statement as mongod 7.0 does (8.0 added it), changing nothing', async () => {
    const c = db.collection('update_sort');
    await c.insertMany([{ _id: 1, v: 1 } as never, { _id: 2, v: 2 } as never]);
    const err = await serverError(c.updateOne({}, { $set: { hit: true } }, { sort: { v: -1 } }));
    expect(err.code).toBe(40415);
    await serverError(c.replaceOne({}, { replaced: true }, { sort: { v: -1 } }));
    expect(await c.countDocuments({ hit: true })).toBe(0);
    expect(await c.countDocuments({ replaced: true })).toBe(0);
  });

  it('refuses a $-prefixed field name inside _id (mongod 5.0+), by insert and by upsert', async () => {
    const c = db.collection('dollar_id');
    const inserted = await c.insertOne({ _id: { $a: 1 } as never, v: 1 }).then(
      () => undefined,
      (e: { code?: number; writeErrors?: unknown }) => e,
    );
    expect(inserted).toMatchObject({ code: 52 });
    const upserted = await serverError(c.replaceOne({ v: 2 }, { _id: { x: { $b: 1 } }, v: 2 }, { upsert: true }));
    expect(upserted.code).toBe(52);
    // Nested names without a $ are fine.
    await c.insertOne({ _id: { a: { b: 1 } } as never, v: 3 });
    expect(await c.countDocuments()).toBe(1);
  });

  it('keeps the original _id when a pipeline update replaces the root with a document without one', async () => {
    const c = db.collection('replace_root');
    await c.insertOne({ _id: 7 as never, inner: { a: 1, b: 2 }, other: true });
    const result = await c.updateOne({ _id: 7 as never }, [{ $replaceRoot: { newRoot: '$inner' } }]);
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await c.findOne({ _id: 7 as never })).toEqual({ _id: 7, a: 1, b: 2 });
    // A different _id in the new root is still refused.
    const err = await serverError(c.updateOne({ _id: 7 as never }, [{ $replaceRoot: { newRoot: { _id: 8, a: 1 } } }]));
    expect(err.code).toBe(66);
  });

  it('lists the sessions in use with $listLocalSessions, and forgets ended ones', async () => {
    const session = client.startSession();
    await db.collection('sessions').insertOne({ a: 1 }, { session });
    const id = session.id!.id;
    const list = (spec: object) => client.db('admin').aggregate([{ $listLocalSessions: spec }, { $match: { '_id.id': id } }]).toArray();
    const listed = await list({ allUsers: true });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ _id: { id } });
    expect(listed[0].lastUse).toBeInstanceOf(Date);
    expect(await list({})).toHaveLength(1);
    expect(await list({ users: [{ user: 'someone', db: 'admin' }] })).toHaveLength(0);
    await session.endSession();
    // The driver keeps ended sessions in its pool (and reuses them); another client ends it on the server.
    const other = await new MongoClient(emulator.uri).connect();
    try {
      await other.db('admin').command({ endSessions: [{ id }] });
      expect(await other.db('admin').aggregate([{ $listLocalSessions: { allUsers: true } }, { $match: { '_id.id': id } }]).toArray()).toHaveLength(0);
    } finally {
      await other.close();
    }
    // On a collection it is refused, as on mongod.
    await serverError(db.collection('sessions').aggregate([{ $listLocalSessions: {} }]).toArray());
  });
});
