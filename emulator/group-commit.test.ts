/**
 * Group commit: writes that arrive while an fsync runs share the next one, each is acknowledged only once an
 * fsync covers it, and all of them are there after a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from './index.js';
import { Store } from './store.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

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
});
