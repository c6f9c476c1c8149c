/**
 * All databases and collections, with every mutation going through here so the journal sees it.
 */
import type { Document } from 'bson';
import { Collection, type IndexSpec } from './collection.js';
import { errors } from './errors.js';
import { Journal, JournalFailedError, type JournalRecord } from './journal.js';
import { promote, splitTypes, type TypeOverlay } from './values.js';

export class Store {
  readonly dbs = new Map<string, Map<string, Collection>>();
  private readonly journal?: Journal;
  private readonly log: (message: string) => void;
  /** After a failed compaction, the journal size at which to try again. */
  private retryCompactionAt = 0;
  /** Writes waiting for the fsync that covers them (group commit), in the order they were written. */
  private waiters: { position: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  private syncRunning = false;
  private syncScheduled = false;
  private closed = false;
  /** fsyncs run for group commits so far (tests and benchmarks read it). */
  syncs = 0;

  constructor(dataDir?: string, options: { compactAtBytes?: number; log?: (message: string) => void } = {}) {
    this.log = options.log ?? ((message) => console.warn(message));
    if (!dataDir) return;
    this.journal = new Journal(dataDir, options.compactAtBytes);
    for (const record of this.journal.load()) this.replay(record);
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
   * Called once per command, before its reply: writes the command's records to the journal and returns a promise
   * that resolves once an fsync covers them (nothing to wait for without a data directory or when the command
   * wrote nothing). Group commit: while one fsync runs, the commands that come in meanwhile write their records
   * and wait; the next fsync covers all of them at once, so concurrent clients share fsyncs instead of queueing
   * behind one each. A reply is sent only once its promise resolves, so an acknowledged write is always durable.
   */
  commit(): Promise<void> | undefined {
    if (!this.journal) return undefined;
    let wrote: boolean;
    try {
      wrote = this.journal.write();
    } catch (err) {
      // The failed write was cut back and everything before it fsynced (when it could be): those writes are
      // durable and their replies go out; this command's reply is the failure.
      const durable = (err as { durableBeforeFailure?: boolean }).durableBeforeFailure;
      this.settle(Infinity, durable ? undefined : (err as Error));
      throw err;
    }
    if (!wrote) return undefined;
    const position = this.journal.written;
    const promise = new Promise<void>((resolve, reject) => this.waiters.push({ position, resolve, reject }));
    // Started after the commands already read from the sockets in this turn of the event loop have run, so they
    // join this fsync instead of waiting for the next one.
    if (!this.syncScheduled) {
      this.syncScheduled = true;
      setImmediate(() => {
        this.syncScheduled = false;
        this.startSync();
      });
    }
    return promise;
  }

  /** Resolves (or with `failure` rejects) every waiter whose records lie at or before `covered`. */
  private settle(covered: number, failure?: Error): void {
    const done = this.waiters.filter((w) => w.position <= covered);
    this.waiters = this.waiters.filter((w) => w.position > covered);
    for (const waiter of done) {
      if (failure) waiter.reject(failure);
      else waiter.resolve();
    }
  }

  private startSync(): void {
    const journal = this.journal;
    if (!journal || this.syncRunning || !this.waiters.length || this.closed) return;
    this.syncRunning = true;
    this.syncs++;
    journal.sync((err, covered) => {
      this.syncRunning = false;
      if (this.closed) return;
      if (err) {
        this.log(`emulator: the journal could not be fsynced (${err.message}); it stops serving`);
        this.settle(Infinity, new JournalFailedError(`the emulator journal could not be fsynced (${err.message})`));
        return;
      }
      this.settle(covered);
      this.compactIfDue();
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
