/**
 * Durability: a journal of framed BSON records (see FRAME_MAGIC), written over preallocated zeros and fsynced before
 * a write is acknowledged, plus a snapshot that compaction rewrites (write to a temp file, fsync, rename, fsync the
 * directory).
 *
 * Snapshot and journal carry a generation number: the snapshot's first record names it, and the journal that
 * follows it is `journal.bson` for generation 0 and `journal.<n>.bson` after. Compaction writes generation n+1's
 * snapshot, then starts journal n+1 and deletes journal n. On open only the snapshot's own journal is replayed, so
 * a kill anywhere in compaction never replays records the snapshot already holds (replaying an old delete-then-
 * reinsert on top of a newer snapshot would trip a unique index and leave a store that cannot open).
 *
 * A torn frame (a kill or power cut mid-write) is dropped on open and the file is cut back to the last whole frame.
 * A write that fails (a full disk) is cut back the same way at once, and the journal refuses every later write:
 * writing after a torn frame would put acknowledged writes where the next open cannot read them.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { closeSync, constants, existsSync, fdatasync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { BSON, type Document } from 'bson';
import { RAW_OPTIONS } from './wire.js';

export type JournalRecord =
  | { o: 'put'; d: string; c: string; doc: Document }
  | { o: 'del'; d: string; c: string; id: unknown }
  | { o: 'createColl'; d: string; c: string }
  | { o: 'dropColl'; d: string; c: string }
  | { o: 'dropDb'; d: string }
  | { o: 'createIndex'; d: string; c: string; spec: Document }
  | { o: 'dropIndex'; d: string; c: string; name: string }
  | { o: 'rename'; d: string; c: string; toDb: string; toColl: string };

/** The first record of a snapshot: which journal continues it. */
interface SnapshotHeader {
  o: 'snapshot';
  generation: number;
}

const COMPACT_AT_BYTES = 64 * 1024 * 1024;

/**
 * The live journal is framed and preallocated. Appending to a file changes its size, and fdatasync must then commit
 * that metadata too: on ext4 a journal commit, about 3.2 block-device interrupts and 0.2 ms per fsync on this VM.
 * Overwriting zeros already on disk needs only the data and a flush: about 2 interrupts, 0.14 ms, and a third less
 * CPU. But zeros are only a clean end if nothing after them is half written, and an overwrite can be torn anywhere
 * (sectors land in any order), so each command's records go in a frame whose header carries a checksum of its
 * bytes and of where it sits in the file: the reader stops at the first frame that is not whole, exactly as it
 * stopped at a torn BSON record before. The snapshot is written whole, fsynced and renamed, and stays plain BSON.
 *
 * Frame: magic (u32 LE, larger than any BSON record could be, so a journal of plain records from before is told
 * apart by its first four bytes), payload length (u32 LE), an 8-byte check, then the payload (the command's BSON
 * records). The check is CRC-32(position u64 LE ‖ payload) then four zero bytes, as WAL formats use (PostgreSQL,
 * LevelDB): it finds a torn or misplaced frame, which is all it is for, and costs 0.4 µs a frame where the MD5 of
 * the first framed journals cost 3.4 µs on the event loop (a tenth of the durable path's own CPU per insert).
 * Frames of that first kind (their own magic, the first 8 bytes of MD5(position ‖ payload)) are still read, so a
 * journal may hold both.
 */
const FRAME_MAGIC = 0x4a575332;
const MD5_FRAME_MAGIC = 0x4a575331;
const FRAME_HEADER = 16;
/** The journal file grows by this much of zeros at a time (one fsync each), so appends are overwrites in between. */
const PREALLOCATE_BYTES = 4 * 1024 * 1024;
const ZEROS = Buffer.alloc(1024 * 1024);
const JOURNAL_NAME = /^journal(?:\.(\d+))?\.bson$/;

export class JournalFailedError extends Error {}
/** A compaction that failed before it changed anything on disk: the journal carries on. */
export class CompactionFailedError extends Error {}

export class Journal {
  private fd: number;
  /** Where the journal's frames end (the logical size). */
  private bytes: number;
  /** The file's size: zeros from `bytes` to here, written and fsynced ahead of the frames that will overwrite them. */
  private allocated: number;
  /** The journal holds plain BSON records from before framing: it is compacted as soon as it is opened. */
  legacy = false;
  private generation = 0;
  private pending: Buffer[] = [];
  private failure?: Error;
  private readonly snapshotPath: string;

  constructor(private readonly dir: string, readonly compactAtBytes = COMPACT_AT_BYTES) {
    mkdirSync(dir, { recursive: true });
    this.snapshotPath = path.join(dir, 'snapshot.bson');
    // Records are read with RAW_OPTIONS, so the generation is an Int32 wrapper: Number() it, or every compare with it
    // fails (and the live journal would be taken for a stale one and deleted).
    if (existsSync(this.snapshotPath)) this.generation = Number(readHeader(readFileSync(this.snapshotPath))?.generation ?? 0);
    if (!Number.isSafeInteger(this.generation) || this.generation < 0) throw new Error(`the emulator snapshot ${this.snapshotPath} names a bad generation; refusing to open it`);
    // Not O_APPEND: frames are written at their position, over the zeros preallocated ahead of them.
    this.fd = openSync(this.journalPath(this.generation), constants.O_RDWR | constants.O_CREAT);
    this.bytes = this.allocated = fstatSync(this.fd).size;
  }

  /** Every record from the snapshot then its journal, cutting a torn tail off the journal. */
  load(): JournalRecord[] {
    const records: JournalRecord[] = [];
    if (existsSync(this.snapshotPath)) {
      const snapshot = readFileSync(this.snapshotPath);
      const all: Array<JournalRecord | SnapshotHeader> = [];
      const good = readRecords(snapshot, all);
      // A snapshot is renamed into place only after it was fsynced whole: a bad byte in it is damage, not a tear.
      if (good < snapshot.length) throw new Error(`the emulator snapshot ${this.snapshotPath} is damaged at byte ${good}; refusing to open it`);
      for (const record of all) if (record.o !== 'snapshot') records.push(record);
    }
    const journal = readFileSync(this.journalPath(this.generation));
    this.legacy = journal.length >= 4 && !isFrameMagic(journal.readUInt32LE(0));
    const good = this.legacy ? readRecords(journal, records as Array<JournalRecord | SnapshotHeader>) : readFrames(journal, records);
    // Everything after the last whole frame goes: the preallocated zeros, and any torn frame, which must never be
    // read as whole once later frames are written short of its end.
    if (good < journal.length) {
      ftruncateSync(this.fd, good);
      fdatasyncSync(this.fd);
    }
    this.bytes = this.allocated = good;
    this.removeStaleJournals();
    return records;
  }

  add(record: JournalRecord): void {
    // A view of the serialized bytes, not a copy of them.
    const bytes = BSON.serialize(record);
    this.pending.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /** Why the journal stopped taking writes, if it did. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Bytes ever written (across generations): a position a sync can be said to cover. */
  private writtenTotal = 0;
  /** fsyncs in flight: several may overlap, each covering what was written before it started. */
  private syncing = 0;

  get written(): number {
    return this.writtenTotal;
  }

  /** Writes everything added since the last commit in one write, then fsyncs: after this returns, it is durable. */
  commit(): void {
    this.write();
    if (!this.failure) fdatasyncSync(this.fd);
  }

  /** The records added since the last take or write, as one buffer (one command's records), or undefined. */
  take(): Buffer | undefined {
    if (!this.pending.length) return undefined;
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    return buf;
  }

  /**
   * Writes several commands' records (`chunks`, in order) with one write call, without fsyncing (group commit: see
   * Store.flush). Returns how many chunks were written, all of them unless it throws.
   *
   * A write that fails part-way (a full disk, a file-size limit) is cut back to the end of the last chunk it wrote
   * whole and fsynced at once: those chunks (and everything written before) are then durable, and the error says
   * so (`cutBack`, `durableChunks`; when even the cut-back fails, only what earlier fsyncs covered is durable and
   * the torn tail is cut on the next open). The journal then refuses every
   * later write: memory holds changes the disk does not.
   */
  writeChunks(chunks: Buffer[]): number {
    if (this.failure) throw new JournalFailedError(`the emulator journal stopped taking writes after an earlier failure (${this.failure.message})`);
    if (!chunks.length) return 0;
    // Each command its own frame, so a write cut short leaves the commands before the cut whole and readable.
    const buf = frame(chunks, this.bytes);
    this.preallocate(this.bytes + buf.length);
    let written = 0;
    try {
      while (written < buf.length) written += writeSync(this.fd, buf, written, buf.length - written, this.bytes + written);
    } catch (err) {
      this.failure = err as Error;
      let whole = 0;
      let end = 0;
      while (whole < chunks.length && end + FRAME_HEADER + chunks[whole].length <= written) end += FRAME_HEADER + chunks[whole++].length;
      let durableChunks = 0;
      let cutBack = false;
      try {
        ftruncateSync(this.fd, this.bytes + end);
        fdatasyncSync(this.fd);
        cutBack = true;
        durableChunks = whole;
        this.bytes += end;
        this.allocated = this.bytes;
        this.writtenTotal += end;
      } catch {
        /* the torn tail is cut on the next open instead */
      }
      throw Object.assign(new JournalFailedError(`the emulator journal could not be written (${(err as Error).message})`), { durableChunks, cutBack });
    }
    this.bytes += buf.length;
    this.writtenTotal += buf.length;
    return chunks.length;
  }

  /**
   * Grows the file with zeros (fsynced) to cover `end` and the next PREALLOCATE_BYTES, so the frames up to there are
   * overwrites. Best effort: on a disk that is full or a file-size limit, it grows as far as it can and the frame
   * write that follows meets the limit itself (and is cut back like any failed write).
   */
  private preallocate(end: number): void {
    if (end <= this.allocated) return;
    const target = end + PREALLOCATE_BYTES;
    let grown = true;
    try {
      while (this.allocated < target) {
        const n = Math.min(ZEROS.length, target - this.allocated);
        this.allocated += writeSync(this.fd, ZEROS, 0, n, this.allocated);
      }
    } catch {
      grown = false;
    }
    try {
      // Short of room, the zeros written so far need no fsync of their own: the group fsync that covers the frames
      // written over them commits the new size with them.
      if (grown) fdatasyncSync(this.fd);
      else this.allocated = fstatSync(this.fd).size;
    } catch (err) {
      // This fsync also covers frames of earlier batches still waiting for theirs, and Linux reports a writeback
      // error once per file: swallowed here, the group fsync could then succeed over lost frames. So it fails the
      // journal and every write waiting on it.
      this.failure = err as Error;
      throw Object.assign(new JournalFailedError(`the emulator journal could not be fsynced (${(err as Error).message})`), { durableChunks: 0, cutBack: false, syncFailed: true });
    }
  }

  /**
   * Writes everything added since the last write to the file as one frame, without fsyncing; false when there was
   * nothing to write. A failed write is cut back and fsynced at once and stops the journal (see writeChunks).
   */
  write(): boolean {
    if (this.failure) {
      // Nothing waiting to be written loses nothing: closing a failed journal must not throw.
      if (!this.pending.length) return false;
      this.pending = [];
      throw new JournalFailedError(`the emulator journal stopped taking writes after an earlier failure (${this.failure.message})`);
    }
    const records = this.take();
    if (!records) return false;
    this.writeChunks([records]);
    return true;
  }

  /**
   * fsyncs what has been written so far, off the event loop, and calls back with the position it covers (or an
   * error, which stops the journal). Several may run at once (Store keeps at most two in flight).
   */
  sync(done: (err: Error | null, covered: number) => void): void {
    this.syncing++;
    const covered = this.writtenTotal;
    const fd = this.fd;
    fdatasync(fd, (err) => {
      this.syncing--;
      if (err && !this.failure && fd === this.fd) this.failure = err;
      done(err, covered);
    });
  }

  /** Bytes in the current journal file. */
  get size(): number {
    return this.bytes;
  }

  needsCompaction(): boolean {
    return this.bytes > this.compactAtBytes;
  }

  /**
   * Replaces snapshot + journal by a snapshot of `state` and an empty journal of the next generation.
   *
   * A failure before the new snapshot is renamed into place changes nothing on disk (the temp file is removed):
   * it throws CompactionFailedError and the journal goes on as before, to be compacted later. A failure after
   * the rename leaves the disk in a state only the next open sorts out (snapshot n+1, maybe no journal n+1
   * yet): the journal then stops taking writes, as after a failed append. Every acknowledged write is in the
   * new snapshot either way.
   */
  compact(state: Iterable<JournalRecord>): void {
    if (this.failure) return;
    if (this.syncing) throw new CompactionFailedError('the emulator journal cannot be compacted while a sync is running');
    const next = this.generation + 1;
    const tmp = `${this.snapshotPath}.tmp`;
    try {
      const fd = openSync(tmp, 'w');
      try {
        const write = (record: JournalRecord | SnapshotHeader) => {
          const body = Buffer.from(BSON.serialize(record));
          let written = 0;
          while (written < body.length) written += writeSync(fd, body, written, body.length - written);
        };
        write({ o: 'snapshot', generation: next });
        for (const record of state) write(record);
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.snapshotPath);
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {
        /* never created, or removed on the next open */
      }
      throw new CompactionFailedError(`the emulator journal could not be compacted (${(err as Error).message}); it keeps growing and compaction is tried again later`);
    }
    // From here the snapshot of generation `next` is what opens; journal `next` continues it.
    const previous = this.journalPath(this.generation);
    try {
      syncDirectory(this.dir);
      const nextFd = openSync(this.journalPath(next), 'w');
      syncDirectory(this.dir);
      closeSync(this.fd);
      this.fd = nextFd;
      this.bytes = this.allocated = 0;
      this.generation = next;
    } catch (err) {
      this.failure = err as Error;
      throw new JournalFailedError(`the emulator journal could not switch to its compacted generation (${(err as Error).message})`);
    }
    try {
      unlinkSync(previous);
    } catch {
      /* a stale journal of another generation is removed on the next open */
    }
  }

  close(): void {
    try {
      this.commit();
    } finally {
      closeSync(this.fd);
    }
  }

  private journalPath(generation: number): string {
    return path.join(this.dir, generation === 0 ? 'journal.bson' : `journal.${generation}.bson`);
  }

  /** Journals of other generations are leftovers of a compaction that was killed before it deleted them. */
  private removeStaleJournals(): void {
    for (const name of readdirSync(this.dir)) {
      const match = JOURNAL_NAME.exec(name);
      if (match && Number(match[1] ?? 0) !== this.generation) unlinkSync(path.join(this.dir, name));
    }
    if (existsSync(`${this.snapshotPath}.tmp`)) unlinkSync(`${this.snapshotPath}.tmp`);
  }
}

function readHeader(snapshot: Buffer): SnapshotHeader | undefined {
  const first: Array<JournalRecord | SnapshotHeader> = [];
  if (snapshot.length < 5) return undefined;
  const size = snapshot.readInt32LE(0);
  readRecords(snapshot.subarray(0, Math.min(size, snapshot.length)), first);
  return first[0]?.o === 'snapshot' ? (first[0] as SnapshotHeader) : undefined;
}

/** A rename is durable only once the directory that holds it is fsynced. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Appends the whole records in `buf` to `into`; returns the byte offset after the last whole record. */
function readRecords(buf: Buffer, into: Array<JournalRecord | SnapshotHeader>): number {
  let offset = 0;
  while (offset + 5 <= buf.length) {
    const size = buf.readInt32LE(offset);
    if (size < 5 || offset + size > buf.length) break;
    try {
      into.push(BSON.deserialize(buf.subarray(offset, offset + size), RAW_OPTIONS) as JournalRecord);
    } catch {
      break;
    }
    offset += size;
  }
  return offset;
}

/** The chunks as consecutive frames starting at file position `at`, in one buffer (one write call). */
function frame(chunks: Buffer[], at: number): Buffer {
  let total = 0;
  for (const chunk of chunks) total += FRAME_HEADER + chunk.length;
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.writeUInt32LE(FRAME_MAGIC, offset);
    out.writeUInt32LE(chunk.length, offset + 4);
    out.writeUInt32LE(crcCheck(at + offset, chunk), offset + 8);
    out.writeUInt32LE(0, offset + 12);
    chunk.copy(out, offset + FRAME_HEADER);
    offset += FRAME_HEADER + chunk.length;
  }
  return out;
}

const isFrameMagic = (magic: number) => magic === FRAME_MAGIC || magic === MD5_FRAME_MAGIC;

const positionBytes = (position: number) => {
  const where = Buffer.allocUnsafe(8);
  where.writeBigUInt64LE(BigInt(position));
  return where;
};

/** CRC-32(position ‖ payload): a torn write or a frame read at another position fails it. */
function crcCheck(position: number, payload: Buffer): number {
  return crc32(payload, crc32(positionBytes(position)));
}

/** Whether the frame at `offset` (header and payload whole in `buf`) holds the check its writer gave it. */
function frameIsWhole(buf: Buffer, offset: number, magic: number, payload: Buffer): boolean {
  if (magic === FRAME_MAGIC) return buf.readUInt32LE(offset + 8) === crcCheck(offset, payload) && buf.readUInt32LE(offset + 12) === 0;
  const md5 = createHash('md5').update(positionBytes(offset)).update(payload).digest().subarray(0, 8);
  return md5.equals(buf.subarray(offset + 8, offset + FRAME_HEADER));
}

/** Appends the records of the whole frames in `buf` to `into`; returns the byte offset after the last whole frame. */
function readFrames(buf: Buffer, into: JournalRecord[]): number {
  let offset = 0;
  while (offset + FRAME_HEADER <= buf.length) {
    const magic = buf.readUInt32LE(offset);
    if (!isFrameMagic(magic)) break;
    const length = buf.readUInt32LE(offset + 4);
    const end = offset + FRAME_HEADER + length;
    if (length < 5 || end > buf.length) break;
    const payload = buf.subarray(offset + FRAME_HEADER, end);
    if (!frameIsWhole(buf, offset, magic, payload)) break;
    const records: Array<JournalRecord | SnapshotHeader> = [];
    // A frame whose checksum holds is what was written: records that do not parse are damage, not a tear.
    if (readRecords(payload, records) !== payload.length) throw new Error(`the emulator journal is damaged in the frame at byte ${offset}; refusing to open it`);
    for (const record of records) into.push(record as JournalRecord);
    offset = end;
  }
  return offset;
}

