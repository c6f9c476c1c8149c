/**
 * Number types round-trip exactly: what a client writes as Int32, Double (whole numbers too), Long or Decimal128
 * comes back as that type, through updates and through a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Decimal128, Double, Int32, Long, MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const typeOf = (v: unknown) => (v as { _bsontype?: string })?._bsontype ?? typeof v;
const raw = { promoteValues: false, promoteLongs: false } as const;

describe('number type fidelity', () => {
  it('keeps Int32, whole-number Double, small and big Long and Decimal128 through writes, updates and a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'swh-types-'));
    dirs.push(dataDir);
    let emulator = await startEmulator({ dataDir, logger: () => {} });
    let client = await new MongoClient(emulator.uri).connect();
    const c = client.db('types').collection('numbers');
    await c.insertOne({
      _id: 'n' as never,
      int: new Int32(5),
      wholeDouble: new Double(1),
      fraction: new Double(2.5),
      smallLong: Long.fromNumber(3),
      bigLong: Long.fromString('9007199254740993'),
      dec: Decimal128.fromString('10.50'),
      list: [new Double(4), new Int32(4)],
    });
    let doc = await c.findOne({ _id: 'n' as never }, raw);
    expect(Object.fromEntries(Object.entries(doc!).map(([k, v]) => [k, k === 'list' ? (v as unknown[]).map(typeOf) : typeOf(v)]))).toEqual({
      _id: 'string',
      int: 'Int32',
      wholeDouble: 'Double',
      fraction: 'Double',
      smallLong: 'Long',
      bigLong: 'Long',
      dec: 'Decimal128',
      list: ['Double', 'Int32'],
    });

    // Numbers still compare as numbers, whatever their type.
    expect(await c.countDocuments({ wholeDouble: 1, smallLong: { $gt: 2 }, int: { $lt: 6 } })).toBe(1);

    await c.updateOne({ _id: 'n' as never }, { $inc: { wholeDouble: new Int32(1), smallLong: new Int32(1), int: new Int32(1), bigLong: Long.fromNumber(1) }, $set: { added: new Double(7) } });
    doc = await c.findOne({ _id: 'n' as never }, raw);
    expect(typeOf(doc!.wholeDouble)).toBe('Double');
    expect((doc!.wholeDouble as Double).value).toBe(2);
    expect(typeOf(doc!.smallLong)).toBe('Long');
    expect((doc!.smallLong as Long).toNumber()).toBe(4);
    expect(typeOf(doc!.int)).toBe('Int32');
    expect((doc!.bigLong as Long).toString()).toBe('9007199254740994');
    expect(typeOf(doc!.added)).toBe('Double');
    expect(typeOf(doc!.fraction)).toBe('Double');

    // $inc of an Int32 by a Double makes a Double, as on mongod; writing the same value again changes nothing.
    await c.updateOne({ _id: 'n' as never }, { $inc: { int: new Double(1) } });
    expect(typeOf((await c.findOne({ _id: 'n' as never }, raw))!.int)).toBe('Double');
    const same = await c.updateOne({ _id: 'n' as never }, { $set: { added: new Double(7) } });
    expect(same.modifiedCount).toBe(0);
    const retyped = await c.updateOne({ _id: 'n' as never }, { $set: { added: new Int32(7) } });
    expect(retyped.modifiedCount).toBe(1);

    await client.close();
    await emulator.stop();
    emulator = await startEmulator({ dataDir, logger: () => {} });
    client = await new MongoClient(emulator.uri).connect();
    try {
      doc = await client.db('types').collection('numbers').findOne({ _id: 'n' as never }, raw);
      expect(typeOf(doc!.wholeDouble)).toBe('Double');
      expect(typeOf(doc!.smallLong)).toBe('Long');
      expect(typeOf(doc!.added)).toBe('Int32');
      expect((doc!.dec as Decimal128).toString()).toBe('10.50');
      const projected = await client.db('types').collection('numbers').findOne({ _id: 'n' as never }, { ...raw, projection: { wholeDouble: 1, _id: 0 } });
      expect(typeOf(projected!.wholeDouble)).toBe('Double');
      expect(Object.keys(projected!)).toEqual(['wholeDouble']);
    } finally {
      await client.close();
      await emulator.stop();
    }
  });

  it('keeps the number type of a value written through a positional or array-filter path', async () => {
    const emulator = await startEmulator({ logger: () => {} });
    const client = await new MongoClient(emulator.uri).connect();
    try {
      const c = client.db('types').collection('positional');
      await c.insertOne({ _id: 'p' as never, items: [{ k: 'a' }, { k: 'b' }] });
      await c.updateOne({ _id: 'p' as never, 'items.k': 'b' }, { $set: { 'items.$.amount': new Double(5), 'items.$.count': Long.fromNumber(2) } });
      await c.updateOne({ _id: 'p' as never }, { $set: { 'items.$[x].rate': new Double(1) } }, { arrayFilters: [{ 'x.k': 'a' }] });
      const doc = await c.findOne({ _id: 'p' as never }, raw);
      expect(typeOf(doc!.items[1].amount)).toBe('Double');
      expect(typeOf(doc!.items[1].count)).toBe('Long');
      expect(typeOf(doc!.items[0].rate)).toBe('Double');
    } finally {
      await client.close();
      await emulator.stop();
    }
  });

  it('compares Longs beyond 2^53 and Decimal128 values exactly in range queries and sorts', async () => {
    const emulator = await startEmulator({ logger: () => {} });
    const client = await new MongoClient(emulator.uri).connect();
    try {
      const c = client.db('types').collection('ranges');
      await c.insertMany([
        { _id: 1 as never, v: Long.fromString('1152921504606846976') },
        { _id: 2 as never, v: 10 },
        { _id: 3 as never, v: Long.fromString('-1152921504606846976') },
        { _id: 4 as never, v: Decimal128.fromString('9.25') },
        { _id: 5 as never, v: Decimal128.fromString('100') },
        { _id: 6 as never, v: Long.fromString('9007199254740993') },
        { _id: 7 as never, v: 'text' },
      ]);
      const ids = async (filter: object) => (await c.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
      expect(await ids({ v: { $gt: 0 } })).toEqual([1, 2, 4, 5, 6]);
      expect(await ids({ v: { $lt: 0 } })).toEqual([3]);
      expect(await ids({ v: { $gt: Decimal128.fromString('9.5') } })).toEqual([1, 2, 5, 6]);
      expect(await ids({ v: { $gte: Long.fromString('9007199254740993') } })).toEqual([1, 6]);
      expect(await ids({ v: { $gt: 9007199254740992 } })).toEqual([1, 6]);
      expect(await ids({ v: { $lte: Decimal128.fromString('9.250') } })).toEqual([3, 4]);
      expect(await ids({ v: { $gt: 'a' } })).toEqual([7]);
      const sorted = (await c.find({}).sort({ v: 1 }).toArray()).map((d) => d._id);
      expect(sorted).toEqual([3, 4, 2, 5, 6, 1, 7]);
      // Equality by value too: Decimal128 9.250 is 9.25, the number 100 is Decimal128 100, a Long is its number.
      await c.insertOne({ _id: 8 as never, v: Decimal128.fromString('10.0') });
      expect(await ids({ v: Decimal128.fromString('9.250') })).toEqual([4]);
      expect(await ids({ v: 100 })).toEqual([5]);
      expect(await ids({ v: 10 })).toEqual([2, 8]);
      expect(await ids({ v: { $in: [Decimal128.fromString('1E+2'), 9007199254740993n as never] } })).toEqual([5, 6]);
      expect(await ids({ v: { $in: [Long.fromString('9007199254740993')] } })).toEqual([6]);
      expect(await ids({ v: { $nin: [10, 100] } })).toEqual([1, 3, 4, 6, 7]);
      expect(await ids({ v: { $ne: Decimal128.fromString('10') } })).toEqual([1, 3, 4, 5, 6, 7]);
    } finally {
      await client.close();
      await emulator.stop();
    }
  });
});
