/**
 * The live journal is written as checksummed frames over zeros preallocated ahead of them (see journal.ts). What
 * that must keep: a torn frame (an overwrite cut anywhere, sectors landing in any order) is never read as whole,
 * later writes after the cut are read back, and a journal of plain BSON records written before frames opens with
 * all its data and is framed from then on.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BSON } from 'bson';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from './store.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
const newDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'swh-frames-'));
  dirs.push(dir);
  return dir;
};

/** Frames checked by CRC-32 (written now), and by MD5 (written by the first framed journals, still read). */
const FRAME_MAGIC = 0x4a575332;
const MD5_FRAME_MAGIC = 0x4a575331;

/** Where the whole frames of a journal file end: the first position without a frame magic. */
function framesEnd(file: string): number {
  const buf = readFileSync(file);
  let offset = 0;
  while (offset + 16 <= buf.length && [FRAME_MAGIC, MD5_FRAME_MAGIC].includes(buf.readUInt32LE(offset))) offset += 16 + buf.readUInt32LE(offset + 4);
  return offset;
}

/** A frame as the first framed journals wrote it: the first 8 bytes of MD5(position u64 LE ‖ payload). */
function md5Frame(position: number, record: Record<string, unknown>): Buffer {
  const payload = Buffer.from(BSON.serialize(record));
  const header = Buffer.alloc(16);
  header.writeUInt32LE(MD5_FRAME_MAGIC, 0);
  header.writeUInt32LE(payload.length, 4);
  const where = Buffer.alloc(8);
  where.writeBigUInt64LE(BigInt(position));
  createHash('md5').update(where).update(payload).digest().copy(header, 8, 0, 8);
  return Buffer.concat([header, payload]);
}

const idsOf = (store: Store, db: string, coll: string) => [...store.collection(db, coll)!.docs.values()].map((d) => d._id as string | number);

async function insertDurably(store: Store, db: string, coll: string, doc: Record<string, unknown>) {
  store.insert(store.ensureCollection(db, coll), doc);
  await store.commit();
}

describe('framed, preallocated journal', () => {
  it('is preallocated with zeros: frames overwrite them, and a reopen reads exactly the frames', async () => {
    const dir = await newDir();
    const store = new Store(dir, { log: () => {} });
    for (let i = 0; i < 20; i++) await insertDurably(store, 'db', 'c', { _id: i, note: 'x'.repeat(i) });
    const file = path.join(dir, 'journal.bson');
    const end = framesEnd(file);
    // The file runs megabytes past the frames, all zeros: a later frame overwrites them instead of growing the file.
    expect(statSync(file).size).toBeGreaterThan(end + 1024 * 1024);
    expect(readFileSync(file).subarray(end, end + 4096).every((b) => b === 0)).toBe(true);
    store.close();
    const reopened = new Store(dir, { log: () => {} });
    expect([...reopened.collection('db', 'c')!.docs.values()].map((d) => d._id)).toEqual([...Array(20).keys()]);
    reopened.close();
  });

  it('never reads a torn frame as whole, and reads the writes made after it was cut off', async () => {
    const dir = await newDir();
    const store = new Store(dir, { log: () => {} });
    await insertDurably(store, 'db', 'c', { _id: 'kept', amountMinor: 1000 });
    store.close();

    // A write that was cut by a power loss: the frame's header and the first half of its payload reached the disk,
    // the rest is still the preallocated zeros. The payload is a real command's records, so only the checksum can
    // tell it is not whole (BSON would parse a zero-filled tail of a string as a shorter document).
    const file = path.join(dir, 'journal.bson');
    const end = framesEnd(file);
    const payload = Buffer.from(BSON.serialize({ o: 'put', d: 'db', c: 'c', doc: { _id: 'torn', note: 'y'.repeat(200) } }));
    const header = Buffer.alloc(16);
    header.writeUInt32LE(FRAME_MAGIC, 0);
    header.writeUInt32LE(payload.length, 4);
    header.fill(7, 8, 16); // a checksum from the writer that the half-written bytes cannot match
    const fd = openSync(file, 'r+');
    writeSync(fd, header, 0, 16, end);
    writeSync(fd, payload, 0, payload.length / 2, end + 16);
    closeSync(fd);

    const reopened = new Store(dir, { log: () => {} });
    expect(idsOf(reopened, 'db', 'c')).toEqual(['kept']);
    // The torn frame is cut off the file, so a shorter frame written where it began cannot leave it behind.
    expect(statSync(file).size).toBe(end);
    await insertDurably(reopened, 'db', 'c', { _id: 'after' });
    reopened.close();
    const again = new Store(dir, { log: () => {} });
    expect(idsOf(again, 'db', 'c').sort()).toEqual(['after', 'kept']);
    again.close();
  });

  it('opens a journal of plain BSON records from before frames, keeps all of it, and frames what follows', async () => {
    const dir = await newDir();
    // The old format: one BSON record after another, appended.
    const records = [
      { o: 'createColl', d: 'db', c: 'payments' },
      { o: 'createIndex', d: 'db', c: 'payments', spec: { key: { orderId: 1 }, name: 'orderId_1', unique: true } },
      { o: 'put', d: 'db', c: 'payments', doc: { _id: 1, orderId: 'A-1', amountMinor: 150_000 } },
      { o: 'put', d: 'db', c: 'payments', doc: { _id: 2, orderId: 'A-2', amountMinor: 75_000 } },
      { o: 'del', d: 'db', c: 'payments', id: 1 },
    ];
    writeFileSync(path.join(dir, 'journal.bson'), Buffer.concat(records.map((r) => Buffer.from(BSON.serialize(r)))));

    const store = new Store(dir, { log: () => {} });
    const payments = store.collection('db', 'payments')!;
    expect([...payments.docs.values()]).toEqual([{ _id: 2, orderId: 'A-2', amountMinor: 75_000 }]);
    expect(payments.indexes.has('orderId_1')).toBe(true);
    // Rewritten as a snapshot at once; the old journal is gone and the new one is framed.
    expect(existsSync(path.join(dir, 'snapshot.bson'))).toBe(true);
    expect(existsSync(path.join(dir, 'journal.bson'))).toBe(false);
    await insertDurably(store, 'db', 'payments', { _id: 3, orderId: 'A-3', amountMinor: 20_000 });
    expect(readFileSync(path.join(dir, 'journal.1.bson')).readUInt32LE(0)).toBe(FRAME_MAGIC);
    store.close();

    const reopened = new Store(dir, { log: () => {} });
    expect(idsOf(reopened, 'db', 'payments').sort()).toEqual([2, 3]);
    reopened.close();
  });

  it('reads the MD5 frames of the first framed journals, stops at a torn one, and carries on with CRC-32 frames', async () => {
    const dir = await newDir();
    const first = md5Frame(0, { o: 'put', d: 'db', c: 'c', doc: { _id: 'md5-1', amountMinor: 5_000 } });
    const second = md5Frame(first.length, { o: 'put', d: 'db', c: 'c', doc: { _id: 'md5-2', amountMinor: 7_500 } });
    // A third MD5 frame torn by a power loss: its last byte never reached the disk.
    const torn = md5Frame(first.length + second.length, { o: 'put', d: 'db', c: 'c', doc: { _id: 'md5-torn' } });
    torn[torn.length - 2] ^= 0xff;
    // The first frame once more, whole but at the wrong position: it must not be read as the fourth.
    const misplaced = md5Frame(0, { o: 'put', d: 'db', c: 'c', doc: { _id: 'md5-misplaced' } });
    writeFileSync(path.join(dir, 'journal.bson'), Buffer.concat([first, second, torn, misplaced, Buffer.alloc(4096)]));

    const store = new Store(dir, { log: () => {} });
    expect(idsOf(store, 'db', 'c')).toEqual(['md5-1', 'md5-2']);
    // Not taken for a journal from before frames: nothing was rewritten as a snapshot.
    expect(existsSync(path.join(dir, 'snapshot.bson'))).toBe(false);
    await insertDurably(store, 'db', 'c', { _id: 'crc-1' });
    store.close();
    const file = readFileSync(path.join(dir, 'journal.bson'));
    expect(file.readUInt32LE(first.length + second.length)).toBe(FRAME_MAGIC);

    const reopened = new Store(dir, { log: () => {} });
    expect(idsOf(reopened, 'db', 'c').sort()).toEqual(['crc-1', 'md5-1', 'md5-2']);
    reopened.close();
  });

  it('does not read a CRC-32 frame moved to another position, nor one whose check was zeroed', async () => {
    const dir = await newDir();
    const store = new Store(dir, { log: () => {} });
    await insertDurably(store, 'db', 'c', { _id: 'a' });
    await insertDurably(store, 'db', 'c', { _id: 'b' });
    store.close();
    const file = path.join(dir, 'journal.bson');
    const buf = readFileSync(file);
    const firstLength = 16 + buf.readUInt32LE(4);
    expect(buf.readUInt32LE(0)).toBe(FRAME_MAGIC);
    // The first frame written again in the second's place: whole, but not where it was written.
    const moved = Buffer.concat([buf.subarray(0, firstLength), buf.subarray(0, firstLength), Buffer.alloc(4096)]);
    writeFileSync(file, moved);
    const reopened = new Store(dir, { log: () => {} });
    expect(idsOf(reopened, 'db', 'c')).toEqual(['a']);
    reopened.close();

    // A frame whose check bytes are all zeros (a header torn after its length) is not whole either.
    const zeroed = Buffer.from(buf.subarray(0, firstLength));
    zeroed.fill(0, 8, 16);
    writeFileSync(file, Buffer.concat([zeroed, Buffer.alloc(4096)]));
    const again = new Store(dir, { log: () => {} });
    // The frame also created the collection: none of it was read.
    expect(again.collection('db', 'c')).toBeUndefined();
    again.close();
  });
});
