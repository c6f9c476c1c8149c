/**
 * With a data directory the emulator keeps every acknowledged write across a restart, and a kill in the middle
 * of writing never leaves a store it cannot open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BSON, Binary, Decimal128, Long, MongoClient, ObjectId } from 'mongodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
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

interface Spawned {
  child: ChildProcess;
  uri: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
const spawned: ChildProcess[] = [];

/**
 * The emulator CLI in a child process that *is* the emulator: node itself with tsx as an --import hook (no tsx
 * wrapper process in between, which a SIGKILL would hit instead), `exec`ed by bash when a file-size limit is set.
 */
async function spawnEmulator(args: string[], fileSizeLimitKb?: number): Promise<Spawned> {
  const command = [process.execPath, '--import', 'tsx', 'emulator/cli.ts', ...args];
  const child = fileSizeLimitKb
    ? spawn('bash', ['-c', `ulimit -f ${fileSizeLimitKb}; exec ${command.map((a) => `'${a}'`).join(' ')}`], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const uri = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /mongodb:\/\/\S+/.exec(chunk.toString());
      if (match) resolve(match[0]);
    });
    void exited.then(({ code, signal }) => reject(new Error(`emulator exited early (${code ?? signal}): ${stderr}`)));
  });
  return { child, uri, exited };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const accepts = (uri: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(uri);
    const socket = net.connect(Number(port), hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

// No emulator process outlives its test: kill what is left and check it is gone.
afterEach(async () => {
  for (const child of spawned.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(alive(child.pid!)).toBe(false);
  }
});

/** The data directory holds one snapshot (maybe) and exactly the journal of the snapshot's generation. */
function expectSaneDataDir(dataDir: string) {
  const files = readdirSync(dataDir).sort();
  let generation = 0;
  if (files.includes('snapshot.bson')) {
    const snapshot = readFileSync(path.join(dataDir, 'snapshot.bson'));
    const header = BSON.deserialize(snapshot.subarray(0, snapshot.readInt32LE(0)));
    expect(header.o).toBe('snapshot');
    generation = header.generation;
  }
  const journal = generation === 0 ? 'journal.bson' : `journal.${generation}.bson`;
  expect(files.filter((f) => f !== 'snapshot.bson')).toEqual([journal]);
  return generation;
}

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
    // A small compaction threshold makes the kill land in or between compactions too, not only in appends.
    const { child, uri, exited } = await spawnEmulator(['--port', '0', '--data', dataDir, '--compact-at-bytes', '60000']);
    const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 2000 }).connect();
    const acknowledged: number[] = [];
    let writing = true;
    // Sixteen writers, as in bench/group-commit.bench.ts: their fsyncs start mid-turn and overlap (see Store.commit).
    const writers = Array.from({ length: 16 }, async (_, w) => {
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
    // The process that was killed is the one that served the writes: it died of the signal, and nothing listens.
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(alive(child.pid!)).toBe(false);
    expect(await accepts(uri)).toBe(false);
    const countAtKill = acknowledged.length;
    writing = false;
    await Promise.all(writers);
    await client.close(true).catch(() => {});
    expect(acknowledged.length).toBe(countAtKill);
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
    expectSaneDataDir(dataDir);
  });

  it('keeps every acknowledged write across restarts after a compaction (the live journal is never taken for a stale one)', async () => {
    const dataDir = await newDir();
    const session = async (work: (c: ReturnType<ReturnType<MongoClient['db']>['collection']>) => Promise<void>) => {
      const emulator = await startEmulator({ dataDir, logger: () => {}, compactAtBytes: 20_000 });
      const client = await new MongoClient(emulator.uri).connect();
      try {
        await work(client.db('gen').collection('c'));
      } finally {
        await client.close();
        await emulator.stop();
      }
    };
    await session(async (c) => {
      for (let i = 0; i < 30; i++) await c.insertOne({ _id: i as never, pad: 'x'.repeat(1000) });
    });
    expect(expectSaneDataDir(dataDir)).toBeGreaterThan(0);
    await session(async (c) => {
      expect(await c.countDocuments()).toBe(30);
      await c.insertOne({ _id: 'after-restart' as never });
      await c.updateOne({ _id: 0 as never }, { $set: { touched: true } });
    });
    expectSaneDataDir(dataDir);
    // Enough writes to compact again, on top of the journal the first reopen continued.
    await session(async (c) => {
      expect(await c.countDocuments()).toBe(31);
      for (let i = 30; i < 60; i++) await c.insertOne({ _id: i as never, pad: 'x'.repeat(1000) });
      await c.insertOne({ _id: 'last' as never });
    });
    expectSaneDataDir(dataDir);
    await session(async (c) => {
      expect(await c.countDocuments()).toBe(62);
      expect(await c.findOne({ _id: 'after-restart' as never })).toEqual({ _id: 'after-restart' });
      expect(await c.findOne({ _id: 0 as never }, { projection: { touched: 1 } })).toEqual({ _id: 0, touched: true });
      expect(await c.findOne({ _id: 'last' as never })).toEqual({ _id: 'last' });
    });
    expectSaneDataDir(dataDir);
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
    // A 192 KB file-size limit on the emulator process: its journal write fails with EFBIG, as on a full disk.
    const { child, uri, exited } = await spawnEmulator(['--port', '0', '--data', dataDir], 192);
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
    // Stopping after the failure is clean: no unhandled rejection from closing the failed journal.
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });

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
  });

  it('fails only the commands whose records a failed batch write did not write whole, with sixteen clients at once', async () => {
    const dataDir = await newDir();
    // Sixteen clients' inserts are written together per fsync; the one write that meets the 192 KB limit writes
    // part of its batch. The commands it wrote whole are durable (cut back to them and fsynced) and acknowledged.
    const { child, uri, exited } = await spawnEmulator(['--port', '0', '--data', dataDir], 192);
    const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 2000, maxPoolSize: 16 }).connect();
    const acknowledged: string[] = [];
    const failed: string[] = [];
    try {
      await Promise.all(
        Array.from({ length: 16 }, async (_, worker) => {
          for (let n = 0; n < 200; n++) {
            const key = `${worker}-${n}`;
            try {
              await client.db('full').collection('c').insertOne({ key, pad: 'x'.repeat(700) });
              acknowledged.push(key);
            } catch (err) {
              if (!/journal could not be written|stopped serving/.test(String((err as Error).message))) throw err;
              failed.push(key);
              return;
            }
          }
        }),
      );
      expect(failed.length).toBeGreaterThan(0);
      expect(acknowledged.length).toBeGreaterThan(50);
    } finally {
      await client.close(true).catch(() => {});
    }
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });

    const emulator = await startEmulator({ dataDir, logger: () => {} });
    const reader = await new MongoClient(emulator.uri).connect();
    try {
      const stored = (await reader.db('full').collection('c').find({}, { projection: { key: 1 } }).toArray()).map((d) => d.key as string);
      expect(stored.sort()).toEqual([...acknowledged].sort());
    } finally {
      await reader.close();
      await emulator.stop();
    }
  });

  it('does not fail a durable write when compaction fails afterwards, and keeps serving until the journal itself fails', async () => {
    const dataDir = await newDir();
    // 192 KB file-size limit, compaction past 40 KB: snapshots stop fitting long before the journal does.
    const { child, uri, exited } = await spawnEmulator(['--port', '0', '--data', dataDir, '--compact-at-bytes', '40000'], 192);
    const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 2000 }).connect();
    const acknowledged: number[] = [];
    const failed: number[] = [];
    let firstError = '';
    try {
      for (let n = 0; n < 600; n++) {
        try {
          await client.db('cf').collection('c').insertOne({ _id: n as never, pad: 'x'.repeat(1000) });
          acknowledged.push(n);
        } catch (err) {
          failed.push(n);
          firstError ||= (err as Error).message;
        }
      }
    } finally {
      await client.close(true).catch(() => {});
    }
    // More writes were acknowledged than any snapshot could hold, and the first error is the journal's own.
    expect(acknowledged.length).toBeGreaterThan(200);
    expect(firstError).toMatch(/journal could not be written/);
    expect(failed[0]).toBe(acknowledged.length);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });

    const emulator = await startEmulator({ dataDir, logger: () => {} });
    const reader = await new MongoClient(emulator.uri).connect();
    try {
      const stored = (await reader.db('cf').collection('c').find({}, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray()).map((d) => d._id);
      expect(stored).toEqual(acknowledged);
    } finally {
      await reader.close();
      await emulator.stop();
    }
    expectSaneDataDir(dataDir);
  });
});
