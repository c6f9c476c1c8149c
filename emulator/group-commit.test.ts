/**
 * Group commit: writes that arrive while an fsync runs share the next one, each is acknowledged only once an
 * fsync covers it, and all of them are there after a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startEmulator } from './index.js';
import { Journal } from './journal.js';
import { Store } from './store.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('covers writes made during one fsync with the next one, and acknowledges none before its fsync', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'swh-group-'));
    dirs.push(dir);
    const store = new Store(dir, { log: () => {} });
    const coll = store.ensureCollection('db', 'c');
    const acknowledged: number[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 16; i++) {
      store.insert(coll, { _id: i });
      const durable = store.commit();
      expect(durable).toBeInstanceOf(Promise);
      pending.push(durable!.then(() => void acknowledged.push(i)));
    }
    // Nothing is acknowledged in the tick that wrote it: only an fsync's completion releases a reply.
    expect(acknowledged).toEqual([]);
    await Promise.all(pending);
    expect(acknowledged.sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
    // The first write's fsync, then one for the fifteen that came while it ran.
    expect(store.syncs).toBeLessThanOrEqual(2);
    // A command that wrote nothing waits for nothing.
    expect(store.commit()).toBeUndefined();
    store.close();
    const reopened = new Store(dir, { log: () => {} });
    expect(reopened.collection('db', 'c')?.docs.size).toBe(16);
    reopened.close();
  });

  it('serves sixteen concurrent clients: every acknowledged insert is readable at once and there after a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'swh-group-'));
    dirs.push(dir);
    const emulator = await startEmulator({ dataDir: dir, logger: () => {} });
    const client = await new MongoClient(emulator.uri, { maxPoolSize: 16 }).connect();
    try {
      const c = client.db('g').collection('docs');
      await Promise.all(Array.from({ length: 16 }, (_, worker) => (async () => {
        for (let i = 0; i < 20; i++) {
          await c.insertOne({ worker, i });
          // Read-your-write on the same client: the insert's reply came after its fsync, the find sees it.
          expect(await c.countDocuments({ worker, i })).toBe(1);
        }
      })()));
      expect(await c.countDocuments({})).toBe(320);
    } finally {
      await client.close();
      await emulator.stop();
    }
    const reopened = new Store(dir, { log: () => {} });
    expect(reopened.collection('g', 'docs')?.docs.size).toBe(320);
    reopened.close();
  });

  it('sizes batches by how the disk keeps up, and acknowledges each write only after an fsync that began after it was written', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'swh-group-'));
    dirs.push(dir);
    // The journal's real write and fsync calls, watched: where each command's records end in the file, and how
    // far the fsyncs that have returned reach. Each fsync really runs, but its return is held until the test lets
    // it through, so which batch is on the disk when is the test's to say.
    const realWrite = Journal.prototype.writeChunks;
    const realSync = Journal.prototype.sync;
    const writtenTo: number[] = [];
    let durableTo = 0;
    const held: (() => void)[] = [];
    vi.spyOn(Journal.prototype, 'writeChunks').mockImplementation(function (this: Journal, chunks: Buffer[]) {
      let end = this.written;
      const n = realWrite.call(this, chunks);
      for (const chunk of chunks) writtenTo.push((end += chunk.length));
      return n;
    });
    vi.spyOn(Journal.prototype, 'sync').mockImplementation(function (this: Journal, done: (err: Error | null, covered: number) => void) {
      realSync.call(this, (err, covered) => {
        held.push(() => {
          if (!err) durableTo = Math.max(durableTo, covered);
          done(err, covered);
        });
      });
    });
    /** Lets the oldest fsync return once it has: `tookMs` is how long it is said to have taken. */
    const returnOldest = async (tookMs = 0) => {
      while (!held.length) await nextTurn();
      clock += tookMs;
      held.shift()!();
    };

    let clock = 0;
    const store = new Store(dir, { log: () => {}, now: () => clock });
    const coll = store.ensureCollection('db', 'c');
    const early: number[] = [];
    const pending: Promise<void>[] = [];
    let commands = 0;
    // One command per write, each one's records its own chunk: command k's records end at writtenTo[k]. Each
    // command takes 0.1 ms.
    const write = () => {
      const k = commands++;
      clock += 0.1;
      store.insert(coll, { _id: k });
      pending.push(
        store.commit()!.then(() => {
          acknowledged++;
          if (!(writtenTo[k] <= durableTo)) early.push(k);
        }),
      );
    };
    let acknowledged = 0;
    const settled = async () => {
      // A batch may still start its fsync at the end of a turn after the last one returned, and an fsync whose
      // writes a later one already covered may still be running.
      while (acknowledged < pending.length || store.syncsInFlight || held.length) {
        if (held.length) await returnOldest();
        else await nextTurn();
      }
    };

    // Sixteen writers in one turn, none seen before: the first starts its fsync at once, the other fifteen share
    // one at the end of the turn.
    write();
    expect(store.syncs).toBe(1);
    for (let i = 1; i < 16; i++) write();
    expect(store.syncs).toBe(1);
    await nextTurn();
    expect(store.syncs).toBe(2);
    await settled();

    // A fast disk (its fsyncs return at once): three quarters of the sixteen start an fsync mid-turn, and the
    // last four wait for its return instead of starting a second fsync beside it.
    for (let i = 0; i < 11; i++) write();
    expect(store.syncs).toBe(2);
    write();
    expect(store.syncs).toBe(3);
    for (let i = 0; i < 4; i++) write();
    await nextTurn();
    await nextTurn();
    expect(store.syncs).toBe(3);
    await returnOldest();
    // Nobody else is coming: the four go as soon as a turn passes with no writer arriving or released.
    await nextTurn();
    await nextTurn();
    expect(store.syncs).toBe(4);
    await settled();

    // A slow disk (each fsync takes 20 ms, far longer than serving half the writers): half of them start an
    // fsync, and the other half start a second one beside it rather than wait for the disk.
    for (let i = 0; i < 3; i++) {
      write();
      await nextTurn();
      await returnOldest(20);
    }
    await settled();
    const before = store.syncs;
    for (let i = 0; i < 8; i++) write();
    expect(store.syncs).toBe(before + 1);
    for (let i = 0; i < 8; i++) write();
    expect(store.syncs).toBe(before + 1);
    await nextTurn();
    expect(store.syncs).toBe(before + 2);
    expect(store.syncsInFlight).toBe(2);
    await settled();

    // Turns that overlap running fsyncs: writes queue behind them and none is acknowledged early.
    for (let turn = 0; turn < 6; turn++) {
      for (let i = 0; i < 16; i++) write();
      await nextTurn();
      if (held.length) await returnOldest(turn % 2 ? 20 : 0);
    }
    await settled();
    expect(early).toEqual([]);
    expect(writtenTo).toHaveLength(commands);
    store.close();
    const reopened = new Store(dir, { log: () => {} });
    expect(reopened.collection('db', 'c')?.docs.size).toBe(commands);
    reopened.close();
  });
});
