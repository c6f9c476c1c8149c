/**
 * Unique indexes: the E11000 shapes mongoose reads, every write path, and races between clients.
 */
import mongoose from 'mongoose';
import { Decimal128, Long, MongoClient, MongoBulkWriteError, MongoServerError, type Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from './index.js';
import { useEmulator } from './test-support.js';

let emulator: RunningEmulator;
let client: MongoClient;
let db: Db;

useEmulator('unique', (started) => ({ emulator, client, db } = started));

describe('unique indexes', () => {
  it('rejects a duplicate insert with the error mongod sends', async () => {
    const c = db.collection('accounts');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ email: 'ani@example.id' });
    const err = await c.insertOne({ email: 'ani@example.id' }).catch((e) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'ani@example.id' });
    expect(err.message).toBe('E11000 duplicate key error collection: unique.accounts index: email_1 dup key: { email: "ani@example.id" }');
  });

  it('stops an ordered insertMany at the first duplicate and lets an unordered one carry on', async () => {
    const c = db.collection('bulk');
    await c.createIndex({ k: 1 }, { unique: true });
    const ordered = await c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]).catch((e) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect(await c.countDocuments()).toBe(1);
    const unordered = await c.insertMany([{ k: 3 }, { k: 1 }, { k: 4 }], { ordered: false }).catch((e) => e);
    expect(unordered.writeErrors ?? unordered.result?.writeErrors).toBeDefined();
    expect(await c.countDocuments()).toBe(3);
  });

  it('enforces compound, sparse and partial unique indexes', async () => {
    const c = db.collection('txns');
    await c.createIndex({ account: 1, externalId: 1 }, { unique: true });
    await c.insertMany([{ account: 'A', externalId: 'x' }, { account: 'B', externalId: 'x' }]);
    await expect(c.insertOne({ account: 'A', externalId: 'x' })).rejects.toMatchObject({ code: 11000, keyValue: { account: 'A', externalId: 'x' } });

    const s = db.collection('sparse');
    await s.createIndex({ code: 1 }, { unique: true, sparse: true });
    await s.insertMany([{ a: 1 }, { a: 2 }]);
    await expect(s.insertOne({ code: 'c' })).resolves.toBeDefined();
    await expect(s.insertOne({ code: 'c' })).rejects.toMatchObject({ code: 11000 });

    const p = db.collection('partial');
    await p.createIndex({ ref: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await p.insertMany([{ ref: 'r', active: false }, { ref: 'r', active: false }, { ref: 'r', active: true }]);
    await expect(p.insertOne({ ref: 'r', active: true })).rejects.toMatchObject({ code: 11000 });
  });

  it('reports the colliding array element, never confuses compound keys, and treats 1 and Decimal128 1.0 as one key', async () => {
    const t = db.collection('multikey_dups');
    await t.createIndex({ tags: 1 }, { unique: true });
    await t.insertOne({ _id: 1 as never, tags: ['a', 'b'] });
    const err = await t.insertOne({ _id: 2 as never, tags: ['c', 'b'] }).catch((e) => e);
    expect(err).toMatchObject({ code: 11000, keyValue: { tags: 'b' } });
    expect(err.message).toMatch(/dup key: \{ tags: "b" \}/);

    const k = db.collection('separator_keys');
    await k.createIndex({ a: 1, b: 1 }, { unique: true });
    await k.insertOne({ a: 'x|s:y', b: 'z' });
    await k.insertOne({ a: 'x', b: 'y|s:z' });
    await k.insertOne({ a: 'x|2', b: ':y' });
    await k.insertOne({ a: 'x', b: '2|:y' });
    expect(await k.countDocuments()).toBe(4);
    await expect(k.insertOne({ a: 'x', b: 'y|s:z' })).rejects.toMatchObject({ code: 11000 });

    const d = db.collection('decimal_keys');
    await d.createIndex({ v: 1 }, { unique: true });
    await d.insertOne({ v: 1 });
    await expect(d.insertOne({ v: Decimal128.fromString('1.0') })).rejects.toMatchObject({ code: 11000 });
    await expect(d.insertOne({ v: Long.fromNumber(1) })).rejects.toMatchObject({ code: 11000 });
    await d.insertOne({ v: 2.5 });
    await expect(d.insertOne({ v: Decimal128.fromString('2.50') })).rejects.toMatchObject({ code: 11000 });
    // 0.1 as a double is not exactly the decimal 0.1, as on mongod.
    await d.insertOne({ v: 0.1 });
    await d.insertOne({ v: Decimal128.fromString('0.1') });
    await expect(db.collection('decimal_ids').insertMany([{ _id: 7 as never }, { _id: Decimal128.fromString('7.00') as never }])).rejects.toMatchObject({ code: 11000 });
  });

  it('keys an empty array apart from null and missing, as mongod (undefined), and refuses an array _id', async () => {
    const c = db.collection('empty_array_keys');
    await c.createIndex({ v: 1 }, { unique: true });
    await c.insertOne({ v: [] });
    await c.insertOne({ v: null });
    await expect(c.insertOne({ v: [] })).rejects.toMatchObject({ code: 11000 });
    await expect(c.insertOne({})).rejects.toMatchObject({ code: 11000 });
    // A path through an empty array has no value: null, like a missing field.
    const d = db.collection('empty_array_paths');
    await d.createIndex({ 'items.k': 1 }, { unique: true });
    await d.insertOne({ items: [] });
    await expect(d.insertOne({ other: 1 })).rejects.toMatchObject({ code: 11000 });
    await expect(db.collection('array_ids').insertOne({ _id: [1, 2] as never })).rejects.toMatchObject({ code: 2, message: /array for _id/ });
    await expect(db.collection('array_ids').replaceOne({ x: 1 }, { _id: [1] as never }, { upsert: true })).rejects.toMatchObject({ code: 2 });
    expect(await db.collection('array_ids').countDocuments()).toBe(0);
  });

  it('rejects an update or upsert into a duplicate and leaves the data as it was', async () => {
    const c = db.collection('slugs');
    await c.createIndex({ slug: 1 }, { unique: true });
    await c.insertMany([{ slug: 'a' }, { slug: 'b' }]);
    await expect(c.updateOne({ slug: 'b' }, { $set: { slug: 'a' } })).rejects.toMatchObject({ code: 11000 });
    await expect(c.updateOne({ slug: 'z', other: 1 }, { $set: { slug: 'a' } }, { upsert: true })).rejects.toMatchObject({ code: 11000 });
    await expect(c.findOneAndUpdate({ slug: 'b' }, { $set: { slug: 'a' } })).rejects.toMatchObject({ code: 11000, keyValue: { slug: 'a' } });
    expect((await c.find({}, { projection: { _id: 0 } }).sort({ slug: 1 }).toArray())).toEqual([{ slug: 'a' }, { slug: 'b' }]);
  });

  it('refuses to build a unique index over existing duplicates, and reports index conflicts', async () => {
    const c = db.collection('late');
    await c.insertMany([{ v: 1 }, { v: 1 }]);
    await expect(c.createIndex({ v: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    await c.createIndex({ w: 1 }, { name: 'w_idx' });
    await expect(c.createIndex({ other: 1 }, { name: 'w_idx' })).rejects.toMatchObject({ code: 86 });
    const names = (await c.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_', 'w_idx']);
    await c.dropIndex('w_idx');
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    await expect(db.collection('nope').listIndexes().toArray()).rejects.toMatchObject({ code: 26 });
  });

  it('refuses the same index name with other options, and builds several indexes all or nothing', async () => {
    const c = db.collection('options');
    await c.createIndex({ at: 1 }, { name: 'at_ttl', expireAfterSeconds: 60 });
    await expect(c.createIndex({ at: 1 }, { name: 'at_ttl', expireAfterSeconds: 120 })).rejects.toMatchObject({ code: 85 });
    await c.createIndex({ k: 1 }, { name: 'k_partial', unique: true, partialFilterExpression: { live: true } });
    await expect(c.createIndex({ k: 1 }, { name: 'k_partial', unique: true, partialFilterExpression: { live: false } })).rejects.toMatchObject({ code: 85 });
    await c.insertMany([{ d: 1 }, { d: 1 }]);
    await expect(c.createIndexes([{ key: { fresh: 1 }, name: 'fresh_1' }, { key: { d: 1 }, name: 'd_1', unique: true }])).rejects.toMatchObject({ code: 11000 });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'at_ttl', 'k_partial']);
  });

  it('gives mongoose what its duplicate-key handling reads', async () => {
    const conn = await mongoose.createConnection(emulator.uri, { dbName: 'unique_mongoose' }).asPromise();
    try {
      const Member = conn.model('Member', new mongoose.Schema({ phone: { type: String, unique: true } }));
      await Member.init();
      await Member.create({ phone: '0812' });
      const err = await Member.create({ phone: '0812' }).catch((e) => e);
      expect(err).toMatchObject({ code: 11000, keyValue: { phone: '0812' }, keyPattern: { phone: 1 } });
    } finally {
      await conn.close();
    }
  });

  it('lets exactly one of many concurrent upserts from separate clients create the document', async () => {
    const c = db.collection('race');
    await c.createIndex({ key: 1 }, { unique: true });
    const clients = await Promise.all(Array.from({ length: 10 }, () => new MongoClient(emulator.uri).connect()));
    try {
      const results = await Promise.allSettled(
        clients.flatMap((cl, i) => [0, 1].map((j) => cl.db('unique').collection('race').findOneAndUpdate({ key: 'k' }, { $setOnInsert: { by: `${i}-${j}` }, $inc: { hits: 1 } }, { upsert: true, returnDocument: 'after' }))),
      );
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
      const docs = await c.find({ key: 'k' }).toArray();
      expect(docs).toHaveLength(1);
      expect(docs[0].hits).toBe(20);
    } finally {
      await Promise.all(clients.map((cl) => cl.close()));
    }
  });
});
