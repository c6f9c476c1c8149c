/**
 * All databases and collections, with every mutation going through here so the journal sees it.
 */
import type { Document } from 'bson';
import { Collection, type IndexSpec } from './collection.js';
import { errors } from './errors.js';
import { Journal, type JournalRecord } from './journal.js';
import { promote, splitTypes, type TypeOverlay } from './values.js';

export class Store {
  readonly dbs = new Map<string, Map<string, Collection>>();
  private readonly journal?: Journal;
  private readonly log: (message: string) => void;
  /** After a failed compaction, the journal size at which to try again. */
  private retryCompactionAt = 0;

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

  /** Makes the journal durable: called once per command, before the reply. */
  commit(): void {
    if (!this.journal) return;
    this.journal.commit();
    // The write is durable now: whatever compaction does, it must not turn the reply into an error.
    if (!this.journal.needsCompaction() || this.journal.size < this.retryCompactionAt) return;
    try {
      this.journal.compact(this.snapshot());
      this.retryCompactionAt = 0;
    } catch (err) {
      // A failure before the rename changed nothing: carry on, and try again once the journal has grown by
      // another threshold. A failure after it stopped the journal (store.failure): later commands are refused.
      this.retryCompactionAt = this.journal.size + this.journal.compactAtBytes;
      this.log(`emulator: ${(err as Error).message}`);
    }
  }

  close(): void {
    this.journal?.close();
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
