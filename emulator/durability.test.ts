/**
 * With a data directory the emulator keeps every acknowledged write across a restart, and a kill in the middle
 * of writing never leaves a store it cannot open.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Binary, Decimal128, Long, MongoClient, ObjectId } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
const newDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'swh-emu-'));
  dirs.push(dir);
  return dir;
};

describe('durability', () => {
  it('keeps documents, updates, deletes, indexes and exact BSON values across a restart', async () => {
    const dataDir = await newDir();
    const id = new ObjectId();
    let emulator = await startEmulator({ dataDir, logger: () => {} });
    let client = await new MongoClient(emulator.uri).connect();
    const c = client.db('durable').collection('things');
    await c.createIndex({ code: 1 }, { unique: true });
    await c.insertOne({ _id: id, code: 'a', when: new Date('2026-01-01T00:00:00Z'), dec: Decimal128.fromString('1.10'), big: Long.fromString('9007199254740993'), bin: new Binary(Buffer.from('hi')) });
    await c.insertMany([{ code: 'b' }, { code: 'c' }]);
    await c.updateOne({ code: 'b' }, { $set: { touched: true } });
    await c.deleteOne({ code: 'c' });
    await client.db('durable').collection('dropped').insertOne({ x: 1 });
    await client.db('durable').collection('dropped').drop();
    await client.close();
    await emulator.stop();

    emulator = await startEmulator({ dataDir, logger: () => {} });
    client = await new MongoClient(emulator.uri).connect();
    try {
      const again = client.db('durable').collection('things');
      const first = await again.findOne({ _id: id }, { promoteLongs: false });
      expect(first!.when).toEqual(new Date('2026-01-01T00:00:00Z'));
      expect(first!.dec.toString()).toBe('1.10');
      expect(first!.big.toString()).toBe('9007199254740993');
      expect(Buffer.from(first!.bin.buffer).toString()).toBe('hi');
      expect(await again.findOne({ code: 'b' }, { projection: { _id: 0 } })).toEqual({ code: 'b', touched: true });
      expect(await again.countDocuments({ code: 'c' })).toBe(0);
      await expect(again.insertOne({ code: 'a' })).rejects.toMatchObject({ code: 11000 });
      const names = (await client.db('durable').listCollections().toArray()).map((x) => x.name);
      expect(names).toEqual(['things']);
    } finally {
      await client.close();
      await emulator.stop();
    }
  });

  it('opens a store whose journal ends in a torn record and keeps everything before it', async () => {
    const dataDir = await newDir();
    let emulator = await startEmulator({ dataDir, logger: () => {} });
    let client = await new MongoClient(emulator.uri).connect();
    await client.db('torn').collection('c').insertMany([{ i: 1 }, { i: 2 }]);
    await client.close();
    await emulator.stop();
    // Half a record at the end, as a kill in the middle of a write leaves it.
    appendFileSync(path.join(dataDir, 'journal.bson'), Buffer.from([0xff, 0x00, 0x00, 0x00, 0x03, 0x6f]));
    emulator = await startEmulator({ dataDir, logger: () => {} });
    client = await new MongoClient(emulator.uri).connect();
    try {
      expect(await client.db('torn').collection('c').countDocuments()).toBe(2);
      await client.db('torn').collection('c').insertOne({ i: 3 });
    } finally {
      await client.close();
      await emulator.stop();
    }
    emulator = await startEmulator({ dataDir, logger: () => {} });
    client = await new MongoClient(emulator.uri).connect();
    try {
      expect(await client.db('torn').collection('c').countDocuments()).toBe(3);
    } finally {
      await client.close();
      await emulator.stop();
    }
  });

  it('loses no acknowledged write when the process is killed while writing', async () => {
    const dataDir = await newDir();
    const tsx = path.resolve('node_modules/.bin/tsx');
    // A small compaction threshold makes the kill land in or between compactions too, not only in appends.
    const child = spawn(tsx, ['emulator/cli.ts', '--port', '0', '--data', dataDir, '--compact-at-bytes', '60000'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const uri = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /mongodb:\/\/\S+/.exec(chunk.toString());
        if (match) resolve(match[0]);
      });
      child.once('exit', () => reject(new Error('emulator exited early')));
    });
    const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 2000 }).connect();
    const acknowledged: number[] = [];
    let writing = true;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; writing; i++) {
        const n = w * 1_000_000 + i;
        try {
          await client.db('killed').collection('c').insertOne({ n, pad: 'x'.repeat(200) });
          acknowledged.push(n);
        } catch {
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGKILL');
    writing = false;
    await Promise.all(writers);
    await client.close(true).catch(() => {});
    expect(acknowledged.length).toBeGreaterThan(20);

    const emulator = await startEmulator({ dataDir, logger: () => {} });
    const reader = await new MongoClient(emulator.uri).connect();
    try {
      const stored = new Set((await reader.db('killed').collection('c').find({}, { projection: { n: 1 } }).toArray()).map((d) => d.n));
      expect(acknowledged.filter((n) => !stored.has(n))).toEqual([]);
    } finally {
      await reader.close();
      await emulator.stop();
    }
  });

  it('reopens after a kill between writing a compacted snapshot and retiring the old journal', async () => {
    const dataDir = await newDir();
    let emulator = await startEmulator({ dataDir, logger: () => {} });
    let client = await new MongoClient(emulator.uri).connect();
    const c = client.db('compact').collection('c');
    await c.createIndex({ k: 1 }, { unique: true });
    // Delete-then-reinsert of a unique key: replaying this journal over a snapshot that holds the end state
    // would collide with itself.
    await c.insertOne({ _id: 1 as never, k: 'x' });
    await c.deleteOne({ _id: 1 as never });
    await c.insertOne({ _id: 2 as never, k: 'x' });
    await client.close();
    await emulator.stop();
    const oldJournal = path.join(dataDir, 'journal.bson');
    copyFileSync(oldJournal, `${oldJournal}.saved`);

    emulator = await startEmulator({ dataDir, logger: () => {}, compactAtBytes: 1 });
    client = await new MongoClient(emulator.uri).connect();
    await client.db('compact').collection('c').insertOne({ _id: 3 as never, k: 'y' });
    await client.close();
    await emulator.stop();
    expect(existsSync(oldJournal)).toBe(false);

    // The state a kill leaves after the snapshot rename: the old journal still there, the new one not yet made.
    copyFileSync(`${oldJournal}.saved`, oldJournal);
    rmSync(`${oldJournal}.saved`);
    for (const name of ['journal.1.bson', 'journal.2.bson']) rmSync(path.join(dataDir, name), { force: true });
    emulator = await startEmulator({ dataDir, logger: () => {} });
    client = await new MongoClient(emulator.uri).connect();
    try {
      const docs = await client.db('compact').collection('c').find({}).sort({ _id: 1 }).toArray();
      expect(docs).toEqual([{ _id: 2, k: 'x' }, { _id: 3, k: 'y' }]);
      await expect(client.db('compact').collection('c').insertOne({ k: 'x' })).rejects.toMatchObject({ code: 11000 });
      await client.db('compact').collection('c').insertOne({ _id: 4 as never, k: 'z' });
    } finally {
      await client.close();
      await emulator.stop();
    }
    expect(existsSync(oldJournal)).toBe(false);
  });

  it('stops serving when a journal write fails, and a restart holds exactly the acknowledged writes', async () => {
    const dataDir = await newDir();
    const tsx = path.resolve('node_modules/.bin/tsx');
    // A 192 KB file-size limit on the emulator process: its journal write fails with EFBIG, as on a full disk.
    const child = spawn('bash', ['-c', `ulimit -f 192; exec "${tsx}" emulator/cli.ts --port 0 --data "${dataDir}"`], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const uri = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const match = /mongodb:\/\/\S+/.exec(chunk.toString());
          if (match) resolve(match[0]);
        });
        child.once('exit', () => reject(new Error('emulator exited early')));
      });
      const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 2000 }).connect();
      const acknowledged: number[] = [];
      let failure: unknown;
      try {
        for (let n = 0; n < 1000 && !failure; n++) {
          try {
            await client.db('full').collection('c').insertOne({ n, pad: 'x'.repeat(1000) });
            acknowledged.push(n);
          } catch (err) {
            failure = err;
          }
        }
        expect(String((failure as Error)?.message)).toMatch(/journal could not be written/);
        expect(acknowledged.length).toBeGreaterThan(50);
        await expect(client.db('full').collection('c').countDocuments()).rejects.toThrow(/stopped serving/);
      } finally {
        await client.close(true).catch(() => {});
      }
      child.kill('SIGKILL');

      const emulator = await startEmulator({ dataDir, logger: () => {} });
      const reader = await new MongoClient(emulator.uri).connect();
      try {
        const stored = (await reader.db('full').collection('c').find({}, { projection: { n: 1 } }).sort({ n: 1 }).toArray()).map((d) => d.n);
        expect(stored).toEqual(acknowledged);
        await reader.db('full').collection('c').insertOne({ n: -1 });
      } finally {
        await reader.close();
        await emulator.stop();
      }
    } finally {
      child.kill('SIGKILL');
    }
  });
});
