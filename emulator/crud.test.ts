/**
 * The emulator through the official driver, against MongoDB's documented behaviour.
 */
import { Decimal128, Double, Int32, Long, MongoClient, ObjectId, Binary, type Db, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { Collection } from './collection.js';
import type { RunningEmulator } from './index.js';
import { useEmulator } from './test-support.js';

let emulator: RunningEmulator;
let client: MongoClient;
let db: Db;

useEmulator('crud', (started) => ({ emulator, client, db } = started));

describe('CRUD', () => {
  it('inserts with generated _ids placed first and finds with filter, sort, skip, limit and projection', async () => {
    const people = db.collection('people');
    const { insertedIds } = await people.insertMany([
      { name: 'Ani', age: 31, city: 'Jakarta' },
      { name: 'Budi', age: 25, city: 'Bandung' },
      { name: 'Citra', age: 40, city: 'Jakarta' },
      { name: 'Dedi', age: 35, city: 'Surabaya' },
    ]);
    expect(Object.keys(insertedIds)).toHaveLength(4);
    const raw = await people.findOne({ name: 'Ani' });
    expect(Object.keys(raw!)[0]).toBe('_id');
    const page = await people.find({ city: 'Jakarta' }, { projection: { _id: 0, name: 1 } }).sort({ age: -1 }).toArray();
    expect(page).toEqual([{ name: 'Citra' }, { name: 'Ani' }]);
    const skipped = await people.find({}).sort({ age: 1 }).skip(1).limit(2).toArray();
    expect(skipped.map((p) => p.name)).toEqual(['Ani', 'Dedi']);
    expect(await people.countDocuments({ age: { $gte: 31 } })).toBe(3);
    expect(await people.estimatedDocumentCount()).toBe(4);
    expect((await people.distinct('city')).sort()).toEqual(['Bandung', 'Jakarta', 'Surabaya']);
  });

  it('reports matched and modified counts like mongod, including a no-op $set', async () => {
    const c = db.collection('counts');
    await c.insertMany([{ k: 1, v: 'a' }, { k: 1, v: 'b' }]);
    const same = await c.updateOne({ k: 1, v: 'a' }, { $set: { v: 'a' } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 0, upsertedCount: 0 });
    const many = await c.updateMany({ k: 1 }, { $set: { v: 'z' } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const none = await c.updateOne({ k: 2 }, { $set: { v: 'x' } });
    expect(none).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
    const upsert = await c.updateOne({ k: 3, tag: { $eq: 'new' } }, { $set: { v: 'u' }, $setOnInsert: { created: true } }, { upsert: true });
    expect(upsert).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(await c.findOne({ _id: upsert.upsertedId! }, { projection: { _id: 0 } })).toEqual({ k: 3, tag: 'new', v: 'u', created: true });
    const again = await c.updateOne({ k: 3 }, { $set: { v: 'w' }, $setOnInsert: { created: false } }, { upsert: true });
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect((await c.findOne({ k: 3 }))!.created).toBe(true);
  });

  it('applies array operators, positional $ and arrayFilters', async () => {
    const c = db.collection('arrays');
    await c.insertOne({ _id: 'cart' as never, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }], tags: ['x'] });
    await c.updateOne({ _id: 'cart' as never, 'items.sku': 'a' }, { $inc: { 'items.$.qty': 2 }, $push: { tags: 'y' } } as never);
    await c.updateOne({ _id: 'cart' as never }, { $set: { 'items.$[big].flag': true } }, { arrayFilters: [{ 'big.qty': { $gt: 4 } }] });
    await c.updateOne({ _id: 'cart' as never }, { $pull: { tags: 'x' } } as never);
    await c.updateOne({ _id: 'cart' as never }, { $addToSet: { tags: 'y' } } as never);
    // Two operators on one path in one update is a conflict for mongod too.
    await expect(c.updateOne({ _id: 'cart' as never }, { $pull: { tags: 'x' }, $addToSet: { tags: 'y' } } as never)).rejects.toMatchObject({ code: 40 });
    expect(await c.findOne({ _id: 'cart' as never })).toEqual({ _id: 'cart', items: [{ sku: 'a', qty: 3 }, { sku: 'b', qty: 5, flag: true }], tags: ['y'] });
  });

  it('resolves positional $ once per update, so several paths can name the matched element (as mongod)', async () => {
    const c = db.collection('positional');
    await c.insertMany([
      { _id: 1 as never, items: [{ k: 'x' }, { k: 'a' }, { k: 'a' }] },
      { _id: 2 as never, items: [{ k: 'a' }] },
    ]);
    await c.updateOne({ _id: 1 as never, 'items.k': 'a' }, { $set: { 'items.$.n': 5, 'items.$.done': true } });
    expect((await c.findOne({ _id: 1 as never }))!.items).toEqual([{ k: 'x' }, { k: 'a', n: 5, done: true }, { k: 'a' }]);
    // Changing the field the filter matched on still updates the one element it matched first.
    await c.updateOne({ _id: 1 as never, 'items.k': 'a' }, { $set: { 'items.$.k': 'b', 'items.$.m': 1 } });
    expect((await c.findOne({ _id: 1 as never }))!.items).toEqual([{ k: 'x' }, { k: 'b', n: 5, done: true, m: 1 }, { k: 'a' }]);
    // Per document in a multi update, with $elemMatch and $inc too.
    const many = await c.updateMany({ items: { $elemMatch: { k: 'a' } } }, { $inc: { 'items.$.hits': 1 }, $set: { 'items.$.seen': true } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect((await c.findOne({ _id: 1 as never }))!.items[2]).toEqual({ k: 'a', hits: 1, seen: true });
    expect((await c.findOne({ _id: 2 as never }))!.items).toEqual([{ k: 'a', hits: 1, seen: true }]);
    // $[] and $[id] on several fields of the same elements.
    await c.updateOne({ _id: 2 as never }, { $set: { 'items.$[].p': 1, 'items.$[].q': 2 } });
    await c.updateOne({ _id: 1 as never }, { $set: { 'items.$[e].r': 1, 'items.$[e].s': 2 } }, { arrayFilters: [{ 'e.k': 'x' }] });
    expect((await c.findOne({ _id: 2 as never }))!.items).toEqual([{ k: 'a', hits: 1, seen: true, p: 1, q: 2 }]);
    expect((await c.findOne({ _id: 1 as never }))!.items[0]).toEqual({ k: 'x', r: 1, s: 2 });
    // The element itself and a field of it do overlap: mongod's ConflictingUpdateOperators.
    await expect(c.updateOne({ _id: 2 as never, 'items.k': 'a' }, { $set: { 'items.$': { k: 'z' }, 'items.$.n': 1 } })).rejects.toMatchObject({ code: 40 });
    await expect(c.updateOne({ _id: 2 as never }, { $set: { 'items.$.n': 1 } })).rejects.toMatchObject({ code: 2, message: /positional operator did not find the match/ });
    await expect(c.updateOne({ _id: 2 as never }, { $set: { 'items.$[nope].n': 1 } })).rejects.toMatchObject({ code: 2, message: /No array filter found for identifier 'nope'/ });
    // Two paths of one operator that land on the same element conflict too, rather than the last one winning.
    await c.insertOne({ _id: 3 as never, n: [5, 6, 7] });
    await expect(c.updateOne({ _id: 3 as never, n: 7 }, { $set: { 'n.2': 5, 'n.$': 0 } })).rejects.toMatchObject({ code: 40 });
    await expect(c.updateOne({ _id: 3 as never }, { $set: { 'n.$[]': 0, 'n.1': 9 } })).rejects.toMatchObject({ code: 40 });
    await expect(c.updateOne({ _id: 3 as never }, { $set: { 'n.$[]': 0, 'n.$[e]': 9 } }, { arrayFilters: [{ e: 6 }] })).rejects.toMatchObject({ code: 40 });
    expect((await c.findOne({ _id: 3 as never }))!.n).toEqual([5, 6, 7]);
  });

  it('refuses updates mongod refuses: $set and $setOnInsert on one path, a path through a scalar or an array of scalars', async () => {
    const c = db.collection('update_refusals');
    await expect(c.updateOne({ a: 1 }, { $set: { b: 1 }, $setOnInsert: { b: 2 } }, { upsert: true })).rejects.toMatchObject({ code: 40 });
    // The upsert seeds {a: 1}; 'a.b' cannot be created inside the number 1.
    await expect(c.updateOne({ a: 1 }, { $set: { 'a.b': 2 } }, { upsert: true })).rejects.toMatchObject({ code: 28, message: /Cannot create field 'b' in element/ });
    expect(await c.countDocuments()).toBe(0);
    await c.insertOne({ _id: 1 as never, tags: ['x', 'y'], n: null, when: new Date(0) });
    await expect(c.updateOne({ _id: 1 as never }, { $set: { 'tags.x': 1 } })).rejects.toMatchObject({ code: 28 });
    await expect(c.updateOne({ _id: 1 as never }, { $inc: { 'n.count': 1 } })).rejects.toMatchObject({ code: 28 });
    await expect(c.updateOne({ _id: 1 as never }, { $set: { 'when.day': 1 } })).rejects.toMatchObject({ code: 28 });
    // A numeric index into an array is a path, and $unset of a path that cannot exist is a no-op.
    await c.updateOne({ _id: 1 as never }, { $set: { 'tags.1': 'z' }, $unset: { 'tags.q': '' } });
    expect(await c.findOne({ _id: 1 as never })).toEqual({ _id: 1, tags: ['x', 'z'], n: null, when: new Date(0) });
  });

  it('counts only the documents written before a duplicate key stops an updateMany', async () => {
    const c = db.collection('update_dup_midway');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertMany([{ _id: 1 as never, email: 'a' }, { _id: 2 as never, email: 'b' }, { _id: 3 as never, email: 'c' }]);
    const reply = await db.command({ update: 'update_dup_midway', updates: [{ q: {}, u: { $set: { email: 'zz' } }, multi: true }] });
    expect(reply.n).toBe(1);
    expect(reply.nModified).toBe(1);
    expect(reply.writeErrors).toHaveLength(1);
    expect(reply.writeErrors[0].code).toBe(11000);
    expect(await c.countDocuments({ email: 'zz' })).toBe(1);
  });

  it('runs findOneAndUpdate with sort, before/after, upsert and remove', async () => {
    const c = db.collection('queue');
    await c.insertMany([{ n: 2, state: 'ready' }, { n: 1, state: 'ready' }]);
    const before = await c.findOneAndUpdate({ state: 'ready' }, { $set: { state: 'taken' } }, { sort: { n: 1 }, returnDocument: 'before' });
    expect(before).toMatchObject({ n: 1, state: 'ready' });
    const after = await c.findOneAndUpdate({ state: 'ready' }, { $set: { state: 'taken' } }, { sort: { n: 1 }, returnDocument: 'after' });
    expect(after).toMatchObject({ n: 2, state: 'taken' });
    expect(await c.findOneAndUpdate({ state: 'ready' }, { $set: { state: 'x' } })).toBeNull();
    const upserted = await c.findOneAndUpdate({ n: 9 }, { $setOnInsert: { state: 'new' } }, { upsert: true, returnDocument: 'after' });
    expect(upserted).toMatchObject({ n: 9, state: 'new' });
    const removed = await c.findOneAndDelete({ n: 9 });
    expect(removed).toMatchObject({ n: 9 });
    expect(await c.countDocuments({ n: 9 })).toBe(0);
  });

  it('deletes one or many', async () => {
    const c = db.collection('deletes');
    await c.insertMany([{ g: 1 }, { g: 1 }, { g: 2 }]);
    expect((await c.deleteOne({ g: 1 })).deletedCount).toBe(1);
    expect((await c.deleteMany({})).deletedCount).toBe(2);
  });

  it('aggregates with $match, $group, $sort, $facet, $lookup and $dateToString in a time zone', async () => {
    const orders = db.collection('orders');
    const users = db.collection('users');
    await users.insertMany([{ _id: 1 as never, name: 'Ani' }, { _id: 2 as never, name: 'Budi' }]);
    await orders.insertMany([
      { user: 1, total: 100, at: new Date('2026-01-01T18:00:00Z') },
      { user: 1, total: 50, at: new Date('2026-01-02T01:00:00Z') },
      { user: 2, total: 70, at: new Date('2026-01-02T02:00:00Z') },
    ]);
    const [result] = await orders
      .aggregate([
        { $match: { total: { $gte: 50 } } },
        {
          $facet: {
            byUser: [{ $group: { _id: '$user', sum: { $sum: '$total' } } }, { $sort: { _id: 1 } }, { $lookup: { from: 'users', localField: '_id', foreignField: '_id', as: 'u' } }],
            byDay: [{ $group: { _id: { $dateToString: { format: '%Y-%m-%d', date: '$at', timezone: 'Asia/Jakarta' } }, n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
          },
        },
      ])
      .toArray();
    expect(result.byUser.map((r: { sum: number; u: { name: string }[] }) => [r.sum, r.u[0].name])).toEqual([[150, 'Ani'], [70, 'Budi']]);
    // 18:00Z on Jan 1 is already Jan 2 in Jakarta (UTC+7).
    expect(result.byDay).toEqual([{ _id: '2026-01-02', n: 3 }]);
  });

  it('computes ISO weeks, week-years and other date parts like mongod, in any time zone, and null for a missing date', async () => {
    const c = db.collection('iso_weeks');
    await c.insertMany([
      { _id: 1 as never, d: new Date('2021-01-03T10:00:00Z') },
      { _id: 2 as never, d: new Date('2024-12-30T18:00:00Z') },
      { _id: 3 as never, d: new Date('2027-01-03T20:00:00Z') },
      { _id: 4 as never },
    ]);
    const rows = await c
      .aggregate([
        {
          $project: {
            utc: { $dateToString: { format: '%G-W%V %u %w %U %j', date: '$d' } },
            jakarta: { $dateToString: { format: '%G-W%V %Y-%m-%d %H:%M %z %Z', date: '$d', timezone: 'Asia/Jakarta' } },
            ba: { $dateToString: { format: '%Y-%m-%dT%H:%M%z', date: '$d', timezone: 'America/Argentina/Buenos_Aires' } },
            isoYear: { $isoWeekYear: { date: '$d', timezone: 'Asia/Jakarta' } },
            isoWeek: { $isoWeek: '$d' },
            year: { $year: '$d' },
            dow: { $dayOfWeek: { date: '$d', timezone: '+07:00' } },
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { _id: 1, utc: '2020-W53 7 1 01 003', jakarta: '2020-W53 2021-01-03 17:00 +0700 420', ba: '2021-01-03T07:00-0300', isoYear: 2020, isoWeek: 53, year: 2021, dow: 1 },
      { _id: 2, utc: '2025-W01 1 2 52 365', jakarta: '2025-W01 2024-12-31 01:00 +0700 420', ba: '2024-12-30T15:00-0300', isoYear: 2025, isoWeek: 1, year: 2024, dow: 3 },
      { _id: 3, utc: '2026-W53 7 1 01 003', jakarta: '2027-W01 2027-01-04 03:00 +0700 420', ba: '2027-01-03T17:00-0300', isoYear: 2027, isoWeek: 53, year: 2027, dow: 2 },
      { _id: 4, utc: null, jakarta: null, ba: null, isoYear: null, isoWeek: null, year: null, dow: null },
    ]);
    // The hub's weekly analytics group by '%G-W%V' in Jakarta time.
    const weekly = await c.aggregate([{ $match: { d: { $exists: true } } }, { $group: { _id: { $dateToString: { format: '%G-W%V', date: '$d', timezone: 'Asia/Jakarta' } }, n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    expect(weekly).toEqual([{ _id: '2020-W53', n: 1 }, { _id: '2025-W01', n: 1 }, { _id: '2027-W01', n: 1 }]);
    await expect(c.aggregate([{ $project: { y: { $year: 'not a date' } } }]).toArray()).rejects.toMatchObject({ code: 16006 });
    await expect(c.aggregate([{ $project: { y: { $year: { date: '$d', timezone: 'Mars/Olympus' } } } }]).toArray()).rejects.toMatchObject({ code: 40485 });
  });

  it('pages a large result through getMore in batches, and survives results larger than one reply', async () => {
    const c = db.collection('big');
    await c.insertMany(Array.from({ length: 5000 }, (_, i) => ({ i })));
    const cursor = c.find({}).batchSize(100);
    let seen = 0;
    for await (const doc of cursor) {
      expect(doc.i).toBe(seen);
      seen++;
    }
    expect(seen).toBe(5000);
    const blob = 'x'.repeat(1024 * 1024);
    await db.collection('blobs').insertMany(Array.from({ length: 20 }, (_, i) => ({ i, blob })));
    const all = await db.collection('blobs').find({}).toArray();
    expect(all).toHaveLength(20);
  });

  it('round-trips BSON types: ObjectId, Date, Binary, Decimal128, big Long, null vs missing', async () => {
    const c = db.collection('types');
    const id = new ObjectId();
    const big = Long.fromString('9007199254740993');
    await c.insertOne({ _id: id, when: new Date('2026-11-25T00:00:00Z'), bin: new Binary(Buffer.from([1, 2, 3])), dec: Decimal128.fromString('10.25'), big, nothing: null });
    const back = await c.findOne({ _id: id }, { promoteLongs: false });
    expect(back!._id.equals(id)).toBe(true);
    expect(back!.when).toEqual(new Date('2026-11-25T00:00:00Z'));
    expect(Buffer.from((back!.bin as Binary).buffer)).toEqual(Buffer.from([1, 2, 3]));
    expect((back!.dec as Decimal128).toString()).toBe('10.25');
    expect((back!.big as Long).toString()).toBe('9007199254740993');
    expect(back!.nothing).toBeNull();
    expect('missing' in back!).toBe(false);
    expect(await c.countDocuments({ nothing: null })).toBe(1);
    expect(await c.countDocuments({ missing: null })).toBe(1);
    expect(await c.countDocuments({ missing: { $exists: true } })).toBe(0);
    // Number wrappers the driver sends are stored as numbers; see README for the fidelity limits.
    await c.insertOne({ i: new Int32(5), d: new Double(2.5) });
    expect(await c.countDocuments({ i: 5, d: 2.5 })).toBe(1);
  });
});

describe('sorting and index lookups', () => {
  it('sorts like mongod: BSON type order, arrays by their smallest element ascending and largest descending, ties in insertion order, with or without a limit', async () => {
    const c = db.collection('sort_order');
    const oid = new ObjectId('000000000000000000000001');
    await c.insertMany([
      { _id: 1 as never, v: 'b' },
      { _id: 2 as never, v: null },
      { _id: 3 as never },
      { _id: 4 as never, v: 'B' },
      { _id: 5 as never, v: 'a' },
      { _id: 6 as never, v: 5 },
      { _id: 7 as never, v: [3, 9] },
      { _id: 8 as never, v: oid },
      { _id: 9 as never, v: true },
      { _id: 10 as never, v: new Date(0) },
      { _id: 11 as never, v: { x: 1 } },
      { _id: 12 as never, v: Long.fromString('9007199254740993') },
      { _id: 13 as never, v: Long.fromString('9007199254740992') },
      { _id: 14 as never, v: [] },
    ]);
    const ids = async (sort: Document, limit = 0) => (await c.find({}).sort(sort).limit(limit).toArray()).map((d) => d._id);
    const ascending = [14, 2, 3, 7, 6, 13, 12, 4, 5, 1, 11, 8, 9, 10];
    expect(await ids({ v: 1, _id: 1 })).toEqual(ascending);
    // Ties (null and missing) stay in insertion order whichever way the sort goes.
    expect(await ids({ v: -1 })).toEqual([10, 9, 8, 11, 1, 5, 4, 12, 13, 7, 6, 2, 3, 14]);
    for (const limit of [1, 3, 8]) expect(await ids({ v: 1, _id: 1 }, limit)).toEqual(ascending.slice(0, limit));
    expect(await ids({ v: -1 }, 5)).toEqual([10, 9, 8, 11, 1]);
    // The same order through aggregate, where $sort then $limit keep only the best documents.
    expect((await c.aggregate([{ $match: {} }, { $sort: { v: 1, _id: 1 } }, { $limit: 4 }]).toArray()).map((d) => d._id)).toEqual(ascending.slice(0, 4));
    expect((await c.aggregate([{ $sort: { v: -1 } }, { $project: { _id: 1 } }]).toArray()).map((d) => d._id)).toEqual([10, 9, 8, 11, 1, 5, 4, 12, 13, 7, 6, 2, 3, 14]);
    // skip with limit, and findOneAndUpdate taking the first in sort order.
    expect((await c.find({}).sort({ v: 1, _id: 1 }).skip(2).limit(3).toArray()).map((d) => d._id)).toEqual(ascending.slice(2, 5));
    expect((await c.findOneAndUpdate({ v: { $exists: true } }, { $set: { picked: true } }, { sort: { v: -1 } }))!._id).toBe(10);
  });

  it('finds through sparse and compound unique indexes, and still matches the whole filter', async () => {
    const c = db.collection('keyed_lookups');
    await c.createIndex({ dedupeKey: 1 }, { unique: true, sparse: true });
    await c.createIndex({ provider: 1, eventKey: 1 }, { unique: true });
    await c.insertMany([
      { _id: 1 as never, dedupeKey: 'd1', provider: 'midtrans', eventKey: 'e1', state: 'new' },
      { _id: 2 as never, provider: 'midtrans', eventKey: 'e2', state: 'new' },
      { _id: 3 as never, provider: 'xendit', eventKey: 'e1', state: 'done' },
      { _id: 4 as never, dedupeKey: 'd4', provider: 'xendit', eventKey: 'e4', state: 'new' },
    ]);
    expect((await c.findOne({ dedupeKey: 'd4' }))!._id).toBe(4);
    expect(await c.findOne({ dedupeKey: 'd4', state: 'done' })).toBeNull();
    expect((await c.find({ dedupeKey: { $in: ['d1', 'd4', 'nope'] } }).toArray()).map((d) => d._id).sort()).toEqual([1, 4]);
    // null is not a lookup a sparse index can answer: it matches the documents without the field.
    expect((await c.find({ dedupeKey: null }).toArray()).map((d) => d._id)).toEqual([2, 3]);
    expect((await c.findOne({ provider: 'xendit', eventKey: 'e1' }))!._id).toBe(3);
    expect((await c.findOne({ eventKey: 'e1', provider: { $eq: 'midtrans' } }))!._id).toBe(1);
    expect(await c.countDocuments({ provider: 'xendit', eventKey: { $in: ['e1', 'e4'] } })).toBe(2);
    expect(await c.findOne({ provider: 'xendit', eventKey: 'e2' })).toBeNull();
    expect((await c.aggregate([{ $match: { provider: 'midtrans', eventKey: 'e2' } }, { $project: { state: 1 } }]).toArray())).toEqual([{ _id: 2, state: 'new' }]);
    // After an update moves a key, the old key finds nothing and the new one finds the document.
    await c.updateOne({ _id: 2 as never }, { $set: { eventKey: 'e9', dedupeKey: 'd2' } });
    expect(await c.findOne({ provider: 'midtrans', eventKey: 'e2' })).toBeNull();
    expect((await c.findOne({ provider: 'midtrans', eventKey: 'e9' }))!._id).toBe(2);
    expect((await c.findOne({ dedupeKey: 'd2' }))!._id).toBe(2);
    // Several hits come back in natural order whatever order $in lists them in, so updateOne/deleteOne take the
    // same document a scan would.
    expect((await c.findOne({ provider: 'xendit', eventKey: { $in: ['e4', 'e1'] } }))!._id).toBe(3);
    expect((await c.findOne({ dedupeKey: { $in: ['d4', 'd1'] } }))!._id).toBe(1);
    expect((await c.find({ _id: { $in: [4, 1, 3] as never[] } }).toArray()).map((d) => d._id)).toEqual([1, 3, 4]);
    await c.deleteOne({ provider: 'xendit', eventKey: { $in: ['e4', 'e1'] } });
    expect(await c.findOne({ _id: 3 as never })).toBeNull();
  });

  it('answers pinned lookups on sparse and compound unique indexes from the index, not a scan', () => {
    const c = new Collection('unit', 'lookups');
    c.addIndex({ name: 'dk', key: { dedupeKey: 1 }, unique: true, sparse: true });
    c.addIndex({ name: 'pe', key: { provider: 1, eventKey: 1 }, unique: true });
    for (let i = 0; i < 1000; i++) c.insert({ _id: i, ...(i % 2 ? {} : { dedupeKey: `d${i}` }), provider: i % 3 ? 'a' : 'b', eventKey: `e${i}` });
    expect([...c.candidates({ dedupeKey: 'd10' })].map((d) => d._id)).toEqual([10]);
    expect([...c.candidates({ provider: 'a', eventKey: { $in: ['e1', 'e2', 'e3'] } })].map((d) => d._id)).toEqual([1, 2]);
    expect([...c.candidates({ provider: 'a', eventKey: 'e3' })]).toEqual([]);
    // Not answerable from those indexes: every document is a candidate.
    expect([...c.candidates({ dedupeKey: null })]).toHaveLength(1000);
    expect([...c.candidates({ eventKey: 'e1' })]).toHaveLength(1000);
  });

  it('gives an empty first batch for batchSize 0 and the rest on getMore', async () => {
    const c = db.collection('batch_zero');
    await c.insertMany([{ i: 1 }, { i: 2 }, { i: 3 }]);
    const first = await db.command({ find: 'batch_zero', filter: {}, batchSize: 0 });
    expect(first.cursor.firstBatch).toEqual([]);
    expect(first.cursor.id.toString()).not.toBe('0');
    const more = await db.command({ getMore: first.cursor.id, collection: 'batch_zero' });
    expect(more.cursor.nextBatch).toHaveLength(3);
    const agg = await db.command({ aggregate: 'batch_zero', pipeline: [], cursor: { batchSize: 0 } });
    expect(agg.cursor.firstBatch).toEqual([]);
    await db.command({ killCursors: 'batch_zero', cursors: [agg.cursor.id] });
  });
});

describe('query and aggregation details mongod has', () => {
  it('returns distinct values one by one from arrays, with an explicit null, and equal numbers once', async () => {
    const c = db.collection('distincts');
    await c.insertMany([{ a: [1, 2] }, { a: 2 }, { a: null }, {}, { a: [[3]] }, { a: 1.0 }, { a: '1' }, { lines: [{ acct: 'a' }, { acct: 'b' }] }, { lines: [{ acct: 'a' }] }]);
    const values = await c.distinct('a');
    expect(values).toHaveLength(5);
    expect(values).toEqual(expect.arrayContaining([1, 2, null, [3], '1']));
    expect((await c.distinct('lines.acct')).sort()).toEqual(['a', 'b']);
    expect((await c.distinct('a', { a: { $gte: 2 } })).sort()).toEqual([1, 2]);
  });

  it('projects the element the filter matched, $slice with an exclusion, and _id first', async () => {
    const c = db.collection('projections');
    await c.insertOne({ _id: 1 as never, arr: [{ k: 1, v: 'x' }, { k: 2, v: 'y' }], sc: [1, 2, 3, 4, 5], n: 'b' });
    expect(await c.find({ 'arr.k': 2 }, { projection: { 'arr.$': 1 } }).toArray()).toEqual([{ _id: 1, arr: [{ k: 2, v: 'y' }] }]);
    expect(await c.findOne({ _id: 1 as never }, { projection: { sc: { $slice: [1, 2] }, arr: 0 } })).toEqual({ _id: 1, sc: [2, 3], n: 'b' });
    // $slice alone excludes nothing.
    expect(await c.findOne({ _id: 1 as never }, { projection: { sc: { $slice: -2 } } })).toEqual({ _id: 1, arr: [{ k: 1, v: 'x' }, { k: 2, v: 'y' }], sc: [4, 5], n: 'b' });
    expect(await c.findOne({ _id: 1 as never }, { projection: { sc: { $slice: 1 }, n: 1 } })).toEqual({ _id: 1, sc: [1], n: 'b' });
    expect(Object.keys((await c.findOne({ _id: 1 as never }, { projection: { n: 1 } }))!)).toEqual(['_id', 'n']);
    expect(await c.findOneAndUpdate({ 'arr.k': 1 }, { $set: { seen: true } }, { projection: { 'arr.$': 1 } })).toEqual({ _id: 1, arr: [{ k: 1, v: 'x' }] });
    // The stored document is untouched by any of it.
    expect((await c.findOne({ _id: 1 as never }))!.sc).toEqual([1, 2, 3, 4, 5]);
  });

  it('runs the $type aggregation expression with mongod type names, and still refuses $type query operators it cannot test', async () => {
    const c = db.collection('type_expr');
    await c.insertMany([{ _id: 1 as never, n: 'b' }, { _id: 2 as never, n: null }, { _id: 3 as never }, { _id: 4 as never, n: 5 }, { _id: 5 as never, n: 2.5 }, { _id: 6 as never, n: new ObjectId() }, { _id: 7 as never, n: Decimal128.fromString('1.5') }, { _id: 8 as never, n: [1] }]);
    const types = await c.aggregate([{ $project: { t: { $type: '$n' } } }, { $sort: { _id: 1 } }]).toArray();
    expect(types.map((d) => d.t)).toEqual(['string', 'null', 'missing', 'int', 'double', 'objectId', 'decimal', 'array']);
    expect(await c.countDocuments({ $expr: { $eq: [{ $type: '$n' }, 'string'] } })).toBe(1);
    expect(await c.countDocuments({ n: { $type: 'string' } })).toBe(1);
    await expect(c.find({ n: { $not: { $type: 'objectId' } } }).toArray()).rejects.toMatchObject({ code: 115 });
  });

  it('refuses $sum and $avg over Decimal128 rather than skip the values, and counts nothing on empty input as mongod does', async () => {
    const c = db.collection('decimal_sums');
    await c.insertMany([{ p: Decimal128.fromString('10.5') }, { p: Decimal128.fromString('9.25') }]);
    await expect(c.aggregate([{ $group: { _id: null, s: { $sum: '$p' } } }]).toArray()).rejects.toMatchObject({ code: 115, message: /\$sum over Decimal128/ });
    await expect(c.aggregate([{ $group: { _id: null, s: { $avg: '$p' } } }]).toArray()).rejects.toMatchObject({ code: 115 });
    expect(await c.aggregate([{ $group: { _id: null, n: { $sum: 1 } } }]).toArray()).toEqual([{ _id: null, n: 2 }]);
    expect(await db.collection('nothing_here').aggregate([{ $count: 'n' }]).toArray()).toEqual([]);
  });

  it('joins with $lookup element by element over an array localField, null for a missing one, numbers across types', async () => {
    const accts = db.collection('lookup_accts');
    const entries = db.collection('lookup_entries');
    await accts.insertMany([{ _id: 'a' as never, n: 'A' }, { _id: 'b' as never, n: 'B' }, { _id: 'c' as never, n: 'C' }, { _id: 'x' as never, code: 7 }, { _id: 'y' as never }]);
    await entries.insertMany([
      { _id: 1 as never, lines: [{ acct: 'b' }, { acct: 'a' }] },
      { _id: 2 as never, lines: [{ acct: 'zz' }] },
      { _id: 3 as never, code: Long.fromNumber(7) },
      { _id: 4 as never, lines: [] },
    ]);
    const joined = await entries.aggregate([{ $lookup: { from: 'lookup_accts', localField: 'lines.acct', foreignField: '_id', as: 'j' } }, { $project: { ids: '$j._id' } }, { $sort: { _id: 1 } }]).toArray();
    expect(joined).toEqual([{ _id: 1, ids: ['a', 'b'] }, { _id: 2, ids: [] }, { _id: 3, ids: [] }, { _id: 4, ids: [] }]);
    const byCode = await entries.aggregate([{ $match: { _id: { $in: [3, 4] } } }, { $lookup: { from: 'lookup_accts', localField: 'code', foreignField: 'code', as: 'j' } }, { $project: { ids: '$j._id' } }, { $sort: { _id: 1 } }]).toArray();
    // A missing localField matches the foreign documents whose field is missing or null, as on mongod.
    expect(byCode).toEqual([{ _id: 3, ids: ['x'] }, { _id: 4, ids: ['a', 'b', 'c', 'y'] }]);
    expect(await accts.aggregate([{ $match: { _id: 'a' } }, { $project: { s: { $toString: '$_id' } } }]).toArray()).toEqual([{ _id: 'a', s: 'a' }]);
    const oid = new ObjectId();
    await db.collection('to_string').insertOne({ _id: oid });
    expect(await db.collection('to_string').aggregate([{ $project: { _id: 0, s: { $toString: '$_id' } } }]).toArray()).toEqual([{ s: oid.toHexString() }]);
  });

  it('sets dotted paths in $addFields/$set, and refuses one through an array rather than leave it unset', async () => {
    const c = db.collection('dotted_add_fields');
    await c.insertMany([{ _id: 1 as never, meta: { a: 1 } }, { _id: 2 as never, items: [{ k: 1 }] }]);
    expect(await c.aggregate([{ $match: { _id: 1 } }, { $addFields: { 'meta.b': 2 } }]).toArray()).toEqual([{ _id: 1, meta: { a: 1, b: 2 } }]);
    await expect(c.aggregate([{ $set: { 'items.extra': 5 } }]).toArray()).rejects.toMatchObject({ code: 115, message: /items\.extra/ });
    await expect(c.updateOne({ _id: 2 as never }, [{ $set: { 'items.extra': 5 } }])).rejects.toMatchObject({ code: 115 });
    expect(await c.findOne({ _id: 2 as never })).toEqual({ _id: 2, items: [{ k: 1 }] });
  });

  it('refuses a collation other than simple everywhere instead of ignoring it, and a validator', async () => {
    const c = db.collection('collated');
    await c.insertOne({ name: 'Alice' });
    const ci = { locale: 'en', strength: 2 };
    await expect(c.createIndex({ name: 1 }, { unique: true, collation: ci })).rejects.toMatchObject({ code: 115, message: /collation/ });
    await expect(c.find({ name: 'ALICE' }, { collation: ci }).toArray()).rejects.toMatchObject({ code: 115, message: /collation/ });
    await expect(c.countDocuments({ name: 'ALICE' }, { collation: ci })).rejects.toMatchObject({ code: 115 });
    await expect(c.aggregate([{ $match: { name: 'ALICE' } }], { collation: ci }).toArray()).rejects.toMatchObject({ code: 115 });
    await expect(c.updateOne({ name: 'ALICE' }, { $set: { x: 1 } }, { collation: ci })).rejects.toMatchObject({ code: 115 });
    await expect(c.deleteMany({ name: 'ALICE' }, { collation: ci })).rejects.toMatchObject({ code: 115 });
    await expect(c.findOneAndUpdate({ name: 'ALICE' }, { $set: { x: 1 } }, { collation: ci })).rejects.toMatchObject({ code: 115 });
    await expect(c.distinct('name', {}, { collation: ci })).rejects.toMatchObject({ code: 115 });
    await expect(db.createCollection('collated_coll', { collation: ci })).rejects.toMatchObject({ code: 115 });
    expect(await c.countDocuments({ name: 'Alice' }, { collation: { locale: 'simple' } })).toBe(1);
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    await expect(db.createCollection('validated', { validator: { $jsonSchema: { required: ['x'] } } })).rejects.toMatchObject({ code: 115, message: /validat/ });
  });

  it('refuses an update that would make a document larger than 16 MB, and keeps the document readable', async () => {
    const c = db.collection('too_big');
    const nine = 'x'.repeat(9 * 1024 * 1024);
    await c.insertOne({ _id: 1 as never, a: nine });
    await expect(c.updateOne({ _id: 1 as never }, { $set: { b: nine } })).rejects.toMatchObject({ code: 17419 });
    await expect(c.findOneAndUpdate({ _id: 1 as never }, { $set: { b: nine } })).rejects.toMatchObject({ code: 17419 });
    // A command under 16 MB whose result is not: a pipeline upsert that doubles a 9 MB string.
    await expect(c.updateOne({ _id: 2 as never }, [{ $set: { a: nine } }, { $set: { b: { $concat: ['$a', '$a'] } } }], { upsert: true })).rejects.toMatchObject({ code: 17419 });
    expect(Object.keys((await c.findOne({ _id: 1 as never }))!)).toEqual(['_id', 'a']);
    expect(await c.countDocuments()).toBe(1);
  });
});

describe('errors mongod would give', () => {
  it('refuses to change _id, conflicting paths and $inc on a string', async () => {
    const c = db.collection('errs');
    await c.insertOne({ _id: 1 as never, name: 'x' });
    await expect(c.updateOne({ _id: 1 as never }, { $set: { _id: 2 as never } })).rejects.toMatchObject({ code: 66 });
    await expect(c.updateOne({ _id: 1 as never }, { $set: { a: 1 }, $inc: { a: 1 } })).rejects.toMatchObject({ code: 40 });
    await expect(c.updateOne({ _id: 1 as never }, { $inc: { name: 1 } } as never)).rejects.toMatchObject({ code: 14 });
  });

  it.each([
    ['a transaction', () => db.command({ insert: 'tx', documents: [{ a: 1 }], txnNumber: Long.fromNumber(1), startTransaction: true, autocommit: false }), /Transaction numbers are only allowed/],
    ['commitTransaction', () => client.db('admin').command({ commitTransaction: 1 }), /no transactions/],
    ['$text', () => db.collection('people').find({ $text: { $search: 'Ani' } }).toArray(), /\$text/],
    ['a geo query', () => db.collection('people').find({ loc: { $near: [0, 0] } } as never).toArray(), /geo/],
    ['a change stream', () => db.collection('people').watch().tryNext(), /change streams/],
    ['$out', () => db.collection('people').aggregate([{ $out: 'copy' }]).toArray(), /\$out/],
    ['$text inside an update filter', () => db.collection('people').updateMany({ $and: [{ $text: { $search: 'Ani' } }] }, { $set: { x: 1 } }), /\$text search is not supported/],
    ['$geoWithin inside a delete filter', () => db.collection('people').deleteMany({ loc: { $geoWithin: { $box: [[0, 0], [1, 1]] } } } as never), /geo operator \$geoWithin/],
    ['a $type it cannot test', () => db.collection('people').find({ _id: { $type: 'objectId' } }).toArray(), /\$type "objectId" is not supported/],
    ['an unknown command', () => db.command({ frobnicate: 1 }), /no such command: 'frobnicate'/],
    ['a command named like an Object method', () => db.command({ constructor: 1 }), /no such command: 'constructor'/],
    ['toString as a command', () => db.command({ toString: 1 }), /no such command: 'toString'/],
  ])('fails loudly on %s', async (_name, attempt, message) => {
    await expect(attempt()).rejects.toThrow(message);
  });

  it('treats operator names inside values as data, not as refused operators', async () => {
    const c = db.collection('operator_words');
    await c.insertOne({ v: '$near', note: { words: ['$text', '$out'] } });
    expect(await c.countDocuments({ v: '$near' })).toBe(1);
    expect(await c.countDocuments({ 'note.words': '$text' })).toBe(1);
  });
});

describe('semantics mongod has that are easy to miss', () => {
  it('serves a getMore on a different connection from the one that opened the cursor', async () => {
    const c = db.collection('shared_cursor');
    await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ i })));
    const other = await new MongoClient(emulator.uri).connect();
    try {
      const first = await db.command({ find: 'shared_cursor', filter: {}, sort: { i: 1 }, batchSize: 10 });
      const more = await other.db('crud').command({ getMore: first.cursor.id, collection: 'shared_cursor', batchSize: 50 });
      expect(more.cursor.nextBatch.map((d: { i: number }) => d.i)).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
      expect(more.cursor.id.toString()).toBe('0');
    } finally {
      await other.close();
    }
  });

  it('matches each document once however often an $in names it', async () => {
    const c = db.collection('in_dupes');
    await c.createIndex({ tags: 1 }, { unique: true });
    await c.insertMany([{ _id: 1 as never, tags: ['a', 'b'] }, { _id: 2 as never, tags: ['c'] }]);
    expect(await c.find({ _id: { $in: [1, 1, 2] as never[] } }).toArray()).toHaveLength(2);
    expect(await c.find({ tags: { $in: ['a', 'b'] } }).toArray()).toHaveLength(1);
    expect((await c.updateMany({ _id: { $in: [1, 1] as never[] } }, { $inc: { n: 1 } })).modifiedCount).toBe(1);
    expect((await c.findOne({ _id: 1 as never }))!.n).toBe(1);
    expect((await c.deleteMany({ tags: { $in: ['a', 'b'] } })).deletedCount).toBe(1);
  });

  it('creates no collection for an update or findOneAndUpdate that matches nothing and does not upsert', async () => {
    await db.collection('ghost').updateOne({ a: 1 }, { $set: { b: 2 } });
    await db.collection('ghost2').findOneAndUpdate({ a: 1 }, { $set: { b: 2 } });
    await db.collection('ghost3').findOneAndDelete({ a: 1 });
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).not.toContain('ghost');
    expect(names).not.toContain('ghost2');
    expect(names).not.toContain('ghost3');
  });

  it('does not copy a regular-expression predicate into an upserted document', async () => {
    const c = db.collection('upsert_regex');
    await c.updateOne({ name: /ab/, code: 'X1' }, { $set: { seen: true } }, { upsert: true });
    expect(await c.findOne({ code: 'X1' }, { projection: { _id: 0 } })).toEqual({ code: 'X1', seen: true });
  });
});
