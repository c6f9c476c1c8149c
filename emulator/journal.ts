/**
 * Durability: an append-only journal of BSON records, fsynced before a write is acknowledged, plus a snapshot
 * that compaction rewrites (write to a temp file, fsync, rename). Replaying is idempotent, so a crash between the
 * snapshot rename and the journal truncation only replays records that are already in the snapshot. A torn last
 * record (a kill mid-write) is dropped on open and the file is cut back to the last whole record.
 */
import { closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
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

const COMPACT_AT_BYTES = 64 * 1024 * 1024;

export class Journal {
  private fd: number;
  private size: number;
  private pending: Buffer[] = [];
  private readonly journalPath: string;
  private readonly snapshotPath: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.journalPath = path.join(dir, 'journal.bson');
    this.snapshotPath = path.join(dir, 'snapshot.bson');
    this.fd = openSync(this.journalPath, 'a+');
    this.size = fstatSync(this.fd).size;
  }

  /** Every record from the snapshot then the journal, cutting a torn tail off the journal. */
  load(): JournalRecord[] {
    const records: JournalRecord[] = [];
    if (existsSync(this.snapshotPath)) readRecords(readFileSync(this.snapshotPath), records);
    const journal = readFileSync(this.journalPath);
    const good = readRecords(journal, records);
    if (good < journal.length) {
      ftruncateSync(this.fd, good);
      this.size = good;
    }
    return records;
  }

  add(record: JournalRecord): void {
    this.pending.push(Buffer.from(BSON.serialize(record)));
  }

  /** Writes everything added since the last commit in one write, then fsyncs: after this returns, it is durable. */
  commit(): void {
    if (!this.pending.length) return;
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    let written = 0;
    while (written < buf.length) written += writeSync(this.fd, buf, written, buf.length - written);
    fdatasyncSync(this.fd);
    this.size += buf.length;
  }

  needsCompaction(): boolean {
    return this.size > COMPACT_AT_BYTES;
  }

  /** Replaces snapshot + journal by a snapshot of `state`. */
  compact(state: Iterable<JournalRecord>): void {
    const tmp = `${this.snapshotPath}.tmp`;
    const fd = openSync(tmp, 'w');
    for (const record of state) {
      const body = Buffer.from(BSON.serialize(record));
      let written = 0;
      while (written < body.length) written += writeSync(fd, body, written, body.length - written);
    }
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.snapshotPath);
    ftruncateSync(this.fd, 0);
    fdatasyncSync(this.fd);
    this.size = 0;
  }

  close(): void {
    this.commit();
    closeSync(this.fd);
  }
}

/** Appends the whole records in `buf` to `into`; returns the byte offset after the last whole record. */
function readRecords(buf: Buffer, into: JournalRecord[]): number {
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
