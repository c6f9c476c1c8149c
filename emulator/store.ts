/**
 * All databases and collections, with every mutation going through here so the journal sees it.
 */
import type { Document } from 'bson';
import { Collection, type IndexSpec } from './collection.js';
import { errors } from './errors.js';
import { Journal, JournalFailedError, type JournalRecord } from './journal.js';
import { promote, splitTypes, type TypeOverlay } from './values.js';

/**
 * Two fsyncs may overlap: the commands written while one runs start the next at once instead of waiting for it, so
 * a command waits about one fsync, not up to two. More cost CPU (each fsync takes 0.1–0.4 ms of it on this kind of
 * VM) for batches too small to pay for it.
 */
const MAX_SYNCS_IN_FLIGHT = 2;

/**
 * The share of the writers seen lately that a batch waits for before it starts its fsync mid-turn. On a disk whose
 * fsync returns before half the writers have been served (a fast disk: the CPU is the bottleneck), three quarters:
 * fewer, larger batches, each fsync costing the process 0.1-0.4 ms of CPU; the quarter still running keeps the
 * event loop busy while it is on the disk. On a slow disk (the fsync is the bottleneck), half: two batches
 * alternate, each one's fsync on the disk while the other's commands run.
 */
const FAST_DISK_SHARE = 0.75;
const SLOW_DISK_SHARE = 0.5;
/** Gaps between commands longer than this are idle time, not the time a command takes. */
const BUSY_GAP_MS = 1;

/** Called once a command's records are durable (no error), or will never be (the error). */
export type DurableCallback = (err?: Error) => void;

export class Store {
  readonly dbs = new Map<string, Map<string, Collection>>();
  private readonly journal?: Journal;
  private readonly log: (message: string) => void;
  /** After a failed compaction, the journal size at which to try again. */
  private retryCompactionAt = 0;
  /** Writes waiting for the fsync that covers them (group commit), in the order they were written. */
  private waiters: { position: number; done: DurableCallback }[] = [];
  /** Commands whose records are not written yet: the next flush writes them all with one write call. */
  private queued: { records: Buffer; done: DurableCallback }[] = [];
  /** fsyncs in flight. A second may start while one runs, for the writes made since it started. */
  private syncsRunning = 0;
  private checkScheduled = false;
  /** Commands committed, and writers released by an fsync, since the last end-of-turn check: none of either means
   * no writer is about to come back, and the queue should not wait for one. */
  private arrivedSinceCheck = 0;
  private releasedSinceCheck = 0;
  /** Moving averages: how long an fsync takes, and the time between two commands while the emulator is busy. */
  private syncMs = 0;
  private commandGapMs = 0;
  private lastCommitAt = 0;
  private closed = false;
  /** The journal position the latest fsync started covers. */
  private syncedUpTo = 0;
  /** fsyncs run for group commits so far (tests and benchmarks read it). */
  syncs = 0;
  /** The most writers waiting for an fsync at once since the last fsync started, and at the last four starts. */
  private waitingPeak = 0;
  private readonly recentPeaks = [0, 0, 0, 0];

  /** Milliseconds, for the moving averages that tell a slow disk from a fast one (tests drive it). */
  private readonly now: () => number;

  constructor(dataDir?: string, options: { compactAtBytes?: number; log?: (message: string) => void; now?: () => number } = {}) {
    this.log = options.log ?? ((message) => console.warn(message));
    this.now = options.now ?? (() => performance.now());
    if (!dataDir) return;
    this.journal = new Journal(dataDir, options.compactAtBytes);
    for (const record of this.journal.load()) this.replay(record);
    // A journal of plain records from before frames: rewritten as a snapshot at once, and framed from here on. If
    // that fails, nothing may be written: a frame after plain records would make the file unreadable as either.
    if (this.journal.legacy) {
      try {
        this.journal.compact(this.snapshot());
      } catch (err) {
        this.journal.close();
        throw new Error(`the emulator data in ${dataDir} is in the journal format from before frames and could not be rewritten (${(err as Error).message}); no frame was written: free some space and start again`);
      }
    }
  }

  /** fsyncs running now (tests wait for none). */
  get syncsInFlight(): number {
    return this.syncsRunning;
  }

  /** Set once the journal failed a write: memory may then hold changes the disk does not, so nothing more is served. */
  get failure(): Error | undefined {
    return this.journal?.failed;
  }

  collection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** Gets or implicitly creates a collection (as inserts and index builds do on a real server). */
  ensureCollection(db: string, name: string): Collection {
    let collections = this.dbs.get(db);
    if (!collections) this.dbs.set(db, (collections = new Map()));
    let coll = collections.get(name);
    if (!coll) {
      validateName(name);
      coll = new Collection(db, name);
      collections.set(name, coll);
      this.journal?.add({ o: 'createColl', d: db, c: name });
    }
    return coll;
  }

  insert(coll: Collection, doc: Document, overlay?: TypeOverlay): void {
    coll.insert(doc, overlay);
    this.journal?.add({ o: 'put', d: coll.db, c: coll.name, doc: coll.typed(doc) });
  }

  replace(coll: Collection, previous: Document, next: Document, overlay?: TypeOverlay): void {
    coll.replace(previous, next, overlay);
    this.journal?.add({ o: 'put', d: coll.db, c: coll.name, doc: coll.typed(next) });
  }

  remove(coll: Collection, doc: Document): void {
    coll.remove(doc);
    this.journal?.add({ o: 'del', d: coll.db, c: coll.name, id: doc._id });
  }

  createIndex(coll: Collection, spec: IndexSpec): boolean {
    const created = coll.addIndex(spec);
    if (created) this.journal?.add({ o: 'createIndex', d: coll.db, c: coll.name, spec });
    return created;
  }

  dropIndex(coll: Collection, name: string): void {
    coll.dropIndex(name);
    this.journal?.add({ o: 'dropIndex', d: coll.db, c: coll.name, name });
  }

  dropCollection(db: string, name: string): boolean {
    const dropped = this.dbs.get(db)?.delete(name) ?? false;
    if (dropped) this.journal?.add({ o: 'dropColl', d: db, c: name });
    return dropped;
  }

  dropDatabase(db: string): void {
    if (this.dbs.delete(db)) this.journal?.add({ o: 'dropDb', d: db });
  }

  rename(db: string, from: string, toDb: string, to: string, dropTarget: boolean): void {
    const coll = this.collection(db, from);
    if (!coll) throw errors.namespaceNotFound(`source namespace ${db}.${from} does not exist`);
    if (this.collection(toDb, to)) {
      if (!dropTarget) throw errors.namespaceExists(`target namespace ${toDb}.${to} exists`);
      this.dropCollection(toDb, to);
    }
    this.dbs.get(db)!.delete(from);
    const target = this.ensureCollectionRaw(toDb, to);
    for (const spec of coll.indexSpecs()) if (spec.name !== '_id_') target.addIndex(spec);
    for (const doc of coll.docs.values()) target.insert(doc, coll.overlayOf(doc));
    this.journal?.add({ o: 'rename', d: db, c: from, toDb, toColl: to });
  }

  /**
   * Called once per command, before its reply: queues the command's records for the journal and returns a promise
   * that resolves once an fsync covers them (nothing to wait for without a data directory or when the command
   * wrote nothing). A reply is sent only once its promise resolves, so an acknowledged write is always durable.
   *
   * Group commit: queued records are written together with one write call, then one fsync covers them all, so
   * concurrent clients share fsyncs instead of queueing behind one each. A batch starts its fsync
   *  - at once, in the middle of a turn of the event loop, when no fsync is running and the queue holds its share
   *    of the writers seen waiting lately (see batchTarget): one client alone waits for nothing;
   *  - else at the end of the turn, if the queue holds its share then and fewer than two fsyncs are running;
   *  - else at the end of a turn in which no writer came or was released (nobody is about to join the batch), if
   *    no fsync is running, or, on a slow disk, if one is;
   *  - else the moment a running fsync returns, if the queue holds its share by then (else as above).
   * Why mid-turn: the replies one fsync releases reach their clients in one turn and their next writes come back
   * in one turn, so a batch made only at the end of turns stays whole forever; all sixteen clients then wait for
   * every fsync together and the event loop idles through it. Starting the fsync once part of them are in lets
   * the rest run while it is on the disk.
   */
  commit(): Promise<void> | undefined {
    let settle: DurableCallback | undefined;
    const promise = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
    return this.commitThen((err) => settle!(err)) ? promise : undefined;
  }

  /**
   * commit() without a promise, for the server's hot path: false when there is nothing to wait for (`done` is then
   * never called); else `done` is called once, when an fsync covers the command's records or with the error that
   * means it never will.
   */
  commitThen(done: DurableCallback): boolean {
    if (!this.journal) return false;
    const records = this.journal.take();
    if (!records) return false;
    this.queued.push({ records, done });
    const waiting = this.waiters.length + this.queued.length;
    if (waiting > this.waitingPeak) this.waitingPeak = waiting;
    this.arrivedSinceCheck++;
    const now = this.now();
    const gap = now - this.lastCommitAt;
    this.lastCommitAt = now;
    if (gap < BUSY_GAP_MS) this.commandGapMs += (gap - this.commandGapMs) * 0.05;
    if (this.syncsRunning === 0 && this.queued.length >= this.batchTarget()) this.flush();
    else this.scheduleCheck();
    return true;
  }

  /**
   * How many queued commands start an fsync: a share (see FAST_DISK_SHARE) of the most writers seen waiting at once
   * (written or queued) over the last few fsyncs. At least one.
   */
  private batchTarget(): number {
    const peak = this.recentPeak();
    const share = this.syncsRunning === 0 && !this.diskIsSlow(peak) ? FAST_DISK_SHARE : SLOW_DISK_SHARE;
    return Math.max(1, Math.floor(peak * share));
  }

  private recentPeak(): number {
    let peak = this.waitingPeak;
    for (const recent of this.recentPeaks) if (recent > peak) peak = recent;
    return peak;
  }

  /** An fsync takes longer than serving half the writers seen lately: the disk, not the CPU, is the bottleneck. */
  private diskIsSlow(peak = this.recentPeak()): boolean {
    return this.syncMs > (peak * this.commandGapMs) / 2;
  }

  /**
   * At the end of the turn: starts the queued batch's fsync once it holds its share, or once no writer came or was
   * released during the turn (nobody is about to join it). While an fsync runs on a fast disk, its return decides
   * instead (it comes back before many more writers do).
   */
  private scheduleCheck(): void {
    if (this.checkScheduled || this.syncsRunning >= MAX_SYNCS_IN_FLIGHT) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      const quiet = this.arrivedSinceCheck === 0 && this.releasedSinceCheck === 0;
      this.arrivedSinceCheck = 0;
      this.releasedSinceCheck = 0;
      if (!this.queued.length) return;
      const mayOverlap = this.syncsRunning === 0 || this.diskIsSlow();
      if (this.queued.length >= this.batchTarget() || (quiet && mayOverlap)) this.flush();
      else if (mayOverlap) this.scheduleCheck();
    });
  }

  /**
   * Writes every queued command's records in one write call and starts the fsync that covers them. A write that
   * fails part-way fails only the commands whose records it did not write whole; those before are durable (the
   * journal cut back to them and fsynced) and acknowledged. The emulator then stops serving (see runCommand).
   */
  private flush(): void {
    if (this.syncsRunning >= MAX_SYNCS_IN_FLIGHT || this.closed) return;
    this.writeQueued();
    this.startSync();
  }

  /** Writes the queued commands' records with one write call; they then wait for the next fsync. */
  private writeQueued(): void {
    const journal = this.journal;
    if (!journal || !this.queued.length) return;
    const batch = this.queued;
    this.queued = [];
    try {
      journal.writeChunks(batch.map((q) => q.records));
    } catch (err) {
      const { durableChunks = 0, cutBack = false, syncFailed = false } = err as { durableChunks?: number; cutBack?: boolean; syncFailed?: boolean };
      // The cut-back fsync also made every earlier batch durable, whose own fsync may still be running. An fsync that
      // failed instead says nothing about which earlier bytes reached the disk: they all fail.
      if (cutBack) this.settle(Infinity);
      if (syncFailed) this.settle(Infinity, err as Error);
      batch.forEach((q, i) => (i < durableChunks ? q.done() : q.done(err as Error)));
      this.rejectQueued(err as Error);
      return;
    }
    const position = journal.written;
    for (const q of batch) this.waiters.push({ position, done: q.done });
  }

  private rejectQueued(failure: Error): void {
    const queued = this.queued;
    this.queued = [];
    for (const q of queued) q.done(failure);
  }

  /** Resolves (or with `failure` rejects) every waiter whose records lie at or before `covered`. */
  private settle(covered: number, failure?: Error): void {
    // Waiters are in journal order: the covered ones are a prefix.
    let n = 0;
    while (n < this.waiters.length && this.waiters[n].position <= covered) n++;
    if (!n) return;
    const done = n === this.waiters.length ? this.waiters : this.waiters.slice(0, n);
    this.waiters = n === this.waiters.length ? [] : this.waiters.slice(n);
    this.releasedSinceCheck += n;
    for (const waiter of done) waiter.done(failure);
  }

  private startSync(): void {
    const journal = this.journal;
    if (!journal || this.syncsRunning >= MAX_SYNCS_IN_FLIGHT || this.closed) return;
    // Only for writes no running fsync covers.
    if (!this.waiters.length || this.waiters[this.waiters.length - 1].position <= this.syncedUpTo) return;
    this.syncsRunning++;
    this.syncs++;
    this.recentPeaks[this.syncs % this.recentPeaks.length] = this.waitingPeak;
    this.waitingPeak = 0;
    this.syncedUpTo = journal.written;
    const started = this.now();
    journal.sync((err, covered) => {
      this.syncsRunning--;
      this.syncMs += (this.now() - started - this.syncMs) * 0.2;
      if (this.closed) return;
      if (err) {
        this.log(`emulator: the journal could not be fsynced (${err.message}); it stops serving`);
        const failure = new JournalFailedError(`the emulator journal could not be fsynced (${err.message})`);
        this.settle(Infinity, failure);
        this.rejectQueued(failure);
        return;
      }
      this.settle(covered);
      if (!this.syncsRunning && this.journal!.needsCompaction()) {
        // The commands queued meanwhile are written before a compaction, so the snapshot holds exactly what the
        // journal was given (a compaction makes them durable and acknowledges them); then one fsync covers them.
        this.writeQueued();
        this.compactIfDue();
      } else if (this.queued.length >= this.batchTarget()) {
        this.writeQueued();
      } else {
        this.scheduleCheck();
      }
      this.startSync();
    });
  }

  /**
   * Runs between commands with no fsync running, so memory holds exactly what the journal has been given: a new
   * snapshot covers every write so far, and the writes still waiting for an fsync are durable in it.
   */
  private compactIfDue(): void {
    const journal = this.journal!;
    if (!journal.needsCompaction() || journal.size < this.retryCompactionAt) return;
    try {
      journal.compact(this.snapshot());
      this.retryCompactionAt = 0;
      this.settle(Infinity);
    } catch (err) {
      // A failure before the rename changed nothing: carry on, and try again once the journal has grown by
      // another threshold. A failure after it stopped the journal (store.failure), but the snapshot in place
      // already holds every write: the ones waiting are durable; later commands are refused.
      this.retryCompactionAt = journal.size + journal.compactAtBytes;
      if (journal.failed) this.settle(Infinity);
      this.log(`emulator: ${(err as Error).message}`);
    }
  }

  /** Writes and fsyncs whatever is left (every waiting write is then durable) and closes the journal. */
  close(): void {
    if (this.closed) return;
    try {
      // Queued records first, then the journal's close fsyncs them with the rest.
      this.writeQueued();
      this.journal?.close();
      this.settle(Infinity);
    } catch (err) {
      this.settle(Infinity, err as Error);
    } finally {
      this.closed = true;
    }
  }

  private *snapshot(): Generator<JournalRecord> {
    for (const [db, collections] of this.dbs) {
      for (const coll of collections.values()) {
        yield { o: 'createColl', d: db, c: coll.name };
        for (const spec of coll.indexSpecs()) if (spec.name !== '_id_') yield { o: 'createIndex', d: db, c: coll.name, spec };
        for (const doc of coll.docs.values()) yield { o: 'put', d: db, c: coll.name, doc: coll.typed(doc) };
      }
    }
  }

  private ensureCollectionRaw(db: string, name: string): Collection {
    let collections = this.dbs.get(db);
    if (!collections) this.dbs.set(db, (collections = new Map()));
    let coll = collections.get(name);
    if (!coll) collections.set(name, (coll = new Collection(db, name)));
    return coll;
  }

  /** Applies a stored record without journaling it again; every record is safe to apply twice. */
  private replay(record: JournalRecord): void {
    switch (record.o) {
      case 'createColl':
        this.ensureCollectionRaw(record.d, record.c);
        break;
      case 'put': {
        const coll = this.ensureCollectionRaw(record.d, record.c);
        const { view, overlay } = splitTypes(record.doc);
        const existing = coll.byId(view._id);
        if (existing) coll.replace(existing, view, overlay);
        else coll.insert(view, overlay);
        break;
      }
      case 'del': {
        const coll = this.collection(record.d, record.c);
        const existing = coll?.byId(promote(record.id));
        if (coll && existing) coll.remove(existing);
        break;
      }
      case 'createIndex':
        this.ensureCollectionRaw(record.d, record.c).addIndex(promote(record.spec) as IndexSpec);
        break;
      case 'dropIndex':
        if (this.collection(record.d, record.c)?.indexes.has(record.name)) this.collection(record.d, record.c)!.dropIndex(record.name);
        break;
      case 'dropColl':
        this.dbs.get(record.d)?.delete(record.c);
        break;
      case 'dropDb':
        this.dbs.delete(record.d);
        break;
      case 'rename': {
        const coll = this.collection(record.d, record.c);
        if (!coll) break;
        this.dbs.get(record.d)!.delete(record.c);
        this.dbs.get(record.toDb)?.delete(record.toColl);
        const target = this.ensureCollectionRaw(record.toDb, record.toColl);
        for (const spec of coll.indexSpecs()) if (spec.name !== '_id_') target.addIndex(spec);
        for (const doc of coll.docs.values()) target.insert(doc, coll.overlayOf(doc));
        break;
      }
    }
  }
}

function validateName(name: string): void {
  if (!name || name.includes('$') || name.includes('\0') || name.startsWith('system.')) {
    throw errors.badValue(`Invalid collection name: ${name}`);
  }
}
