/**
 * The command table: what mongoose 9, agenda 6 and the driver's handshake send, answered with MongoDB's reply
 * shapes. Anything not here is a CommandNotFound error naming the command, never a silent success.
 */
import { BSON, Long, ObjectId, type Document } from 'bson';
import { Aggregator, Query } from './mingo.js';
import type { Collection, IndexSpec } from './collection.js';
import { errors, MongoCommandError } from './errors.js';
import type { Store } from './store.js';
import { applyUpdate, buildUpsert, isOperatorUpdate, resolvePositional } from './updates.js';
import { joinTypes, overlayAfterUpdate, sameDocument, splitTypes, type TypeOverlay } from './values.js';

const MAX_BSON = 16 * 1024 * 1024;
/** Room for the reply envelope around a batch. */
const BATCH_BYTES = MAX_BSON - 64 * 1024;
const DEFAULT_FIRST_BATCH = 101;

export interface CursorState {
  ns: string;
  docs: Document[];
  position: number;
  /** Date.now() of the last batch handed out; idle cursors are closed like mongod's cursor timeout. */
  lastUsed: number;
}

export interface ServerContext {
  store: Store;
  cursors: Map<string, CursorState>;
  nextCursorId(): Long;
  connectionId: number;
  startedAt: Date;
}

/** `raw` is the same command with numbers still in their BSON wrappers, for the types of stored documents. */
type Handler = (cmd: Document, db: string, ctx: ServerContext, raw: Document) => Document;

const GEO_OPERATORS = ['$near', '$nearSphere', '$geoWithin', '$geoIntersects', '$geoNear'];
const REFUSED_OPERATORS = new Map<string, string>([
  ['$text', '$text search'],
  ['$changeStream', 'change streams ($changeStream)'],
  ['$out', 'the $out stage'],
  ['$merge', 'the $merge stage'],
  ...GEO_OPERATORS.map((op): [string, string] => [op, `the geo operator ${op}`]),
]);

/** `$type` names mingo can test; others (objectId, binData, timestamp…) would silently match nothing. */
const TESTABLE_TYPES = new Set<unknown>(['array', 'bool', 'boolean', 'date', 'number', 'int', 'long', 'double', 'decimal', 'null', 'object', 'regex', 'string', 1, 2, 3, 4, 8, 9, 10, 11, 16, 18, 19]);

/** Why a filter or pipeline cannot run here: a refused operator used as a key anywhere (values are data). */
function refusedFeatureIn(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = refusedFeatureIn(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!value || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (REFUSED_OPERATORS.has(key)) return REFUSED_OPERATORS.get(key);
    if (key === '$type') {
      const untestable = (Array.isArray(inner) ? inner : [inner]).find((t) => !TESTABLE_TYPES.has(t));
      if (untestable !== undefined) return `$type ${JSON.stringify(untestable)}`;
      continue;
    }
    const found = refusedFeatureIn(inner);
    if (found) return found;
  }
  return undefined;
}

/** Features the emulator refuses loudly: checked before dispatch so no command half-runs them. */
function refuseUnsupported(cmd: Document): void {
  if (cmd.startTransaction || cmd.autocommit === false) {
    throw errors.illegalOperation('Transaction numbers are only allowed on a replica set member or mongos (the SmartWealth MongoDB emulator has no transactions)');
  }
  const queries = [cmd.filter, cmd.query, cmd.pipeline, ...[cmd.updates, cmd.deletes].flatMap((ops) => (Array.isArray(ops) ? ops.map((op: Document) => op?.q) : []))];
  const refused = refusedFeatureIn(queries);
  if (refused) throw errors.notSupported(refused);
}

/** Commands still answered after the journal failed, so a client can connect and read the reason. */
const HANDSHAKE = new Set(['hello', 'ismaster']);

function coll(ctx: ServerContext, db: string, name: unknown): Collection | undefined {
  if (typeof name !== 'string') throw errors.badValue('collection name must be a string');
  return ctx.store.collection(db, name);
}

function matcher(filter: Document | undefined) {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  try {
    const query = new Query(filter);
    return (doc: Document) => query.test(doc);
  } catch (err) {
    throw errors.badValue((err as Error).message);
  }
}

function matching(c: Collection | undefined, filter: Document | undefined): Document[] {
  if (!c) return [];
  const test = matcher(filter);
  return c.candidates(filter).filter(test);
}

function sortDocs(docs: Document[], sort: Document | undefined): Document[] {
  if (!sort || Object.keys(sort).length === 0) return docs;
  return new Query({}).find(docs).sort(sort as never).all() as Document[];
}

/** Splits results into a first batch and a cursor, capped by count and by bytes. */
function cursorReply(ctx: ServerContext, ns: string, docs: Document[], batchSize: number | undefined, singleBatch: boolean): Document {
  const limit = batchSize ?? DEFAULT_FIRST_BATCH;
  const { batch, next } = takeBatch(docs, 0, limit);
  let id = Long.ZERO;
  if (next < docs.length && !singleBatch) {
    id = ctx.nextCursorId();
    ctx.cursors.set(id.toString(), { ns, docs, position: next, lastUsed: Date.now() });
  }
  return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
}

function takeBatch(docs: Document[], from: number, count: number): { batch: Document[]; next: number } {
  const batch: Document[] = [];
  let bytes = 0;
  let i = from;
  for (; i < docs.length && batch.length < (count || Infinity); i++) {
    const size = BSON.calculateObjectSize(docs[i]);
    if (batch.length && bytes + size > BATCH_BYTES) break;
    bytes += size;
    batch.push(docs[i]);
  }
  return { batch, next: i };
}

function project(docs: Document[], projection: Document | undefined): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  return new Query({}).find(docs, projection as never).all() as Document[];
}

/** Stores an updated document with the number types its update implies; false when nothing changed. */
function writeTyped(ctx: ServerContext, c: Collection, doc: Document, next: Document, rawSpec: Document | Document[] | undefined, where: { filter?: Document; arrayFilters?: Document[] } = {}): boolean {
  const before = c.overlayOf(doc);
  const overlay = overlayAfterUpdate(next, { view: doc, overlay: before }, concreteSpec(rawSpec, doc, where));
  if (sameDocument(doc, next) && sameOverlay(before, overlay)) return false;
  ctx.store.replace(c, doc, next, overlay);
  return true;
}

/** The raw update with positional paths made concrete, so the number types of its operands land on the right paths. */
function concreteSpec(rawSpec: Document | Document[] | undefined, doc: Document, where: { filter?: Document; arrayFilters?: Document[] }): Document | Document[] | undefined {
  if (!rawSpec || Array.isArray(rawSpec) || !isOperatorUpdate(rawSpec)) return rawSpec;
  try {
    return resolvePositional(rawSpec, doc, where.filter, where.arrayFilters);
  } catch {
    return rawSpec;
  }
}

function sameOverlay(a: TypeOverlay | undefined, b: TypeOverlay | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/** Projects each stored document and puts its numbers back in their BSON types. */
function typedProjection(c: Collection | undefined, docs: Document[], projection: Document | undefined): Document[] {
  if (!c) return docs;
  if (!projection || Object.keys(projection).length === 0) return docs.map((d) => c.typed(d));
  return docs.map((d) => joinProjected(c, d, project([d], projection)[0]));
}

function joinProjected(c: Collection, stored: Document, projected: Document): Document {
  return joinTypes(projected, c.overlayOf(stored));
}

function writeError(err: unknown, index: number): Document {
  if (err instanceof MongoCommandError) return { index, code: err.code, errmsg: err.message, ...err.extra };
  return { index, code: 2, errmsg: err instanceof Error ? err.message : String(err) };
}

const hello: Handler = (cmd, _db, ctx) => ({
  helloOk: true,
  ismaster: true,
  isWritablePrimary: true,
  maxBsonObjectSize: MAX_BSON,
  maxMessageSizeBytes: 48_000_000,
  maxWriteBatchSize: 100_000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: ctx.connectionId,
  minWireVersion: 0,
  maxWireVersion: 21,
  readOnly: false,
  ...(cmd.saslSupportedMechs ? { saslSupportedMechs: [] } : {}),
  ok: 1,
});

export const commands: Record<string, Handler> = {
  hello,
  ismaster: hello,
  ping: () => ({ ok: 1 }),
  buildinfo: () => ({ version: '7.0.0', gitVersion: 'smartwealth-emulator', versionArray: [7, 0, 0, 0], bits: 64, maxBsonObjectSize: MAX_BSON, ok: 1 }),
  getparameter: () => ({ featureCompatibilityVersion: { version: '7.0' }, ok: 1 }),
  whatsmyuri: () => ({ you: '127.0.0.1', ok: 1 }),
  connectionstatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  serverstatus: (_cmd, _db, ctx) => ({ host: 'localhost', version: '7.0.0', process: 'smartwealth-emulator', uptime: (Date.now() - ctx.startedAt.getTime()) / 1000, localTime: new Date(), ok: 1 }),
  hostinfo: () => ({ system: { hostname: 'localhost' }, ok: 1 }),
  endsessions: () => ({ ok: 1 }),
  killallsessions: () => ({ ok: 1 }),
  refreshsessions: () => ({ ok: 1 }),
  getlasterror: () => ({ n: 0, err: null, ok: 1 }),
  aborttransaction: () => {
    throw errors.illegalOperation('the SmartWealth MongoDB emulator has no transactions');
  },
  committransaction: () => {
    throw errors.illegalOperation('the SmartWealth MongoDB emulator has no transactions');
  },
  listdatabases: (cmd, _db, ctx) => {
    const databases = [...ctx.store.dbs.keys()].map((name) => ({ name, sizeOnDisk: 0, empty: false }));
    return cmd.nameOnly ? { databases: databases.map(({ name }) => ({ name })), ok: 1 } : { databases, totalSize: 0, ok: 1 };
  },
  dbstats: (_cmd, db, ctx) => {
    const collections = [...(ctx.store.dbs.get(db)?.values() ?? [])];
    const objects = collections.reduce((n, c) => n + c.docs.size, 0);
    return { db, collections: collections.length, views: 0, objects, indexes: collections.reduce((n, c) => n + c.indexes.size, 0), dataSize: 0, storageSize: 0, ok: 1 };
  },
  collstats: (cmd, db, ctx) => {
    const c = coll(ctx, db, cmd.collStats);
    if (!c) throw errors.namespaceNotFound(`Collection [${db}.${cmd.collStats}] not found.`);
    return { ns: c.ns, count: c.docs.size, size: 0, nindexes: c.indexes.size, ok: 1 };
  },

  create: (cmd, db, ctx) => {
    if (ctx.store.collection(db, cmd.create)) throw errors.namespaceExists(`Collection ${db}.${cmd.create} already exists.`);
    if (cmd.capped || cmd.viewOn || cmd.timeseries) throw errors.notSupported('capped collections, views and time series');
    ctx.store.ensureCollection(db, cmd.create);
    return { ok: 1 };
  },
  drop: (cmd, db, ctx) => {
    if (!ctx.store.dropCollection(db, cmd.drop)) throw errors.namespaceNotFound('ns not found');
    return { ns: `${db}.${cmd.drop}`, nIndexesWas: 1, ok: 1 };
  },
  dropdatabase: (_cmd, db, ctx) => {
    ctx.store.dropDatabase(db);
    return { dropped: db, ok: 1 };
  },
  renamecollection: (cmd, _db, ctx) => {
    const [fromDb, ...fromRest] = String(cmd.renameCollection).split('.');
    const [toDb, ...toRest] = String(cmd.to).split('.');
    ctx.store.rename(fromDb, fromRest.join('.'), toDb, toRest.join('.'), Boolean(cmd.dropTarget));
    return { ok: 1 };
  },
  listcollections: (cmd, db, ctx) => {
    const all = [...(ctx.store.dbs.get(db)?.values() ?? [])].map((c) => ({
      name: c.name,
      type: 'collection',
      options: {},
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    }));
    const filtered = all.filter(matcher(cmd.filter));
    const docs = cmd.nameOnly ? filtered.map(({ name, type }) => ({ name, type })) : filtered;
    return cursorReply(ctx, `${db}.$cmd.listCollections`, docs, cmd.cursor?.batchSize, false);
  },

  createindexes: (cmd, db, ctx) => {
    const existed = Boolean(ctx.store.collection(db, cmd.createIndexes));
    const c = ctx.store.ensureCollection(db, cmd.createIndexes);
    const before = c.indexes.size;
    const specs = (cmd.indexes ?? []) as IndexSpec[];
    for (const spec of specs) {
      if (!spec.name || !spec.key) throw errors.badValue('index specification needs a key and a name');
      if (Object.values(spec.key).some((v) => v === 'text' || v === '2dsphere' || v === '2d')) throw errors.notSupported(`${JSON.stringify(spec.key)} indexes`);
    }
    // All or nothing, as mongod builds them: a later spec that fails takes back the ones this command made.
    const created: string[] = [];
    try {
      for (const spec of specs) if (ctx.store.createIndex(c, spec)) created.push(spec.name);
    } catch (err) {
      for (const name of created) ctx.store.dropIndex(c, name);
      throw err;
    }
    return { createdCollectionAutomatically: !existed, numIndexesBefore: before, numIndexesAfter: c.indexes.size, ok: 1 };
  },
  listindexes: (cmd, db, ctx) => {
    const c = coll(ctx, db, cmd.listIndexes);
    if (!c) throw errors.namespaceNotFound(`ns does not exist: ${db}.${cmd.listIndexes}`);
    return cursorReply(ctx, `${db}.${cmd.listIndexes}`, c.indexSpecs(), cmd.cursor?.batchSize, false);
  },
  dropindexes: (cmd, db, ctx) => {
    const c = coll(ctx, db, cmd.dropIndexes);
    if (!c) throw errors.namespaceNotFound(`ns not found ${db}.${cmd.dropIndexes}`);
    const before = c.indexes.size;
    const names: string[] = cmd.index === '*' ? [...c.indexes.keys()].filter((n) => n !== '_id_') : Array.isArray(cmd.index) ? cmd.index : typeof cmd.index === 'string' ? [cmd.index] : [...c.indexes.values()].filter((i) => JSON.stringify(i.spec.key) === JSON.stringify(cmd.index)).map((i) => i.spec.name);
    if (!names.length && cmd.index !== '*') throw errors.indexNotFound(`can't find index with key: ${JSON.stringify(cmd.index)}`);
    for (const name of names) ctx.store.dropIndex(c, name);
    return { nIndexesWas: before, ok: 1 };
  },

  insert: (cmd, db, ctx, rawCmd) => {
    const c = ctx.store.ensureCollection(db, cmd.insert);
    const ordered = cmd.ordered !== false;
    const writeErrors: Document[] = [];
    let n = 0;
    (rawCmd.documents as Document[]).forEach((raw, index) => {
      if (ordered && writeErrors.length) return;
      try {
        // mongod stores _id first whatever position the client gave it.
        const typed = raw._id === undefined ? { _id: new ObjectId(), ...raw } : Object.keys(raw)[0] === '_id' ? raw : { _id: raw._id, ...raw };
        if (BSON.calculateObjectSize(typed) > MAX_BSON) throw errors.bsonTooLarge('object to insert exceeds 16MB');
        const { view, overlay } = splitTypes(typed);
        ctx.store.insert(c, view, overlay);
        n++;
      } catch (err) {
        writeErrors.push(writeError(err, index));
      }
    });
    return { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
  },

  update: (cmd, db, ctx, rawCmd) => {
    const ordered = cmd.ordered !== false;
    const writeErrors: Document[] = [];
    const upserted: Document[] = [];
    let n = 0;
    let nModified = 0;
    (cmd.updates as Document[]).forEach((op, index) => {
      if (ordered && writeErrors.length) return;
      try {
        const existing = ctx.store.collection(db, cmd.update);
        const targets = matching(existing, op.q);
        const chosen = op.multi ? targets : targets.slice(0, 1);
        const rawSpec = (rawCmd.updates as Document[])[index]?.u;
        if (!chosen.length && op.upsert) {
          // Only an upsert creates the collection; an update that matches nothing leaves none behind (as mongod).
          const c = existing ?? ctx.store.ensureCollection(db, cmd.update);
          const doc = buildUpsert(op.q, op.u, op.arrayFilters);
          ctx.store.insert(c, doc, overlayAfterUpdate(doc, { view: {} }, rawSpec));
          upserted.push({ index, _id: doc._id });
          n++;
          return;
        }
        for (const doc of chosen) {
          // Counted once written: a duplicate key midway reports only the documents before it (as mongod).
          const modified = writeTyped(ctx, existing!, doc, applyUpdate(doc, op.u, { filter: op.q, arrayFilters: op.arrayFilters }), rawSpec, { filter: op.q, arrayFilters: op.arrayFilters });
          n++;
          if (modified) nModified++;
        }
      } catch (err) {
        writeErrors.push(writeError(err, index));
      }
    });
    return { n, nModified, ...(upserted.length ? { upserted } : {}), ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
  },

  delete: (cmd, db, ctx) => {
    const ordered = cmd.ordered !== false;
    const writeErrors: Document[] = [];
    let n = 0;
    (cmd.deletes as Document[]).forEach((op, index) => {
      if (ordered && writeErrors.length) return;
      try {
        const c = ctx.store.collection(db, cmd.delete);
        const targets = matching(c, op.q);
        for (const doc of op.limit === 1 ? targets.slice(0, 1) : targets) {
          ctx.store.remove(c!, doc);
          n++;
        }
      } catch (err) {
        writeErrors.push(writeError(err, index));
      }
    });
    return { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
  },

  find: (cmd, db, ctx) => {
    const c = coll(ctx, db, cmd.find);
    let docs = sortDocs(matching(c, cmd.filter), cmd.sort);
    const skip = cmd.skip ?? 0;
    const limit = Math.abs(cmd.limit ?? 0);
    docs = docs.slice(skip, limit ? skip + limit : undefined);
    docs = typedProjection(c, docs, cmd.projection);
    const singleBatch = Boolean(cmd.singleBatch) || (cmd.limit ?? 0) < 0;
    return cursorReply(ctx, `${db}.${cmd.find}`, docs, singleBatch && !cmd.batchSize ? docs.length : cmd.batchSize, singleBatch);
  },

  getmore: (cmd, _db, ctx) => {
    // Cursor ids arrive as numbers (promoted Int64); they go back as Int64, which the driver insists on.
    const key = String(cmd.getMore);
    const cursor = ctx.cursors.get(key);
    if (!cursor) throw errors.cursorNotFound(`cursor id ${key} not found`);
    const { batch, next } = takeBatch(cursor.docs, cursor.position, cmd.batchSize ?? 0);
    cursor.position = next;
    cursor.lastUsed = Date.now();
    const done = next >= cursor.docs.length;
    if (done) ctx.cursors.delete(key);
    return { cursor: { nextBatch: batch, id: done ? Long.ZERO : Long.fromString(key), ns: cursor.ns }, ok: 1 };
  },

  killcursors: (cmd, _db, ctx) => {
    const cursorsKilled: Long[] = [];
    const cursorsNotFound: Long[] = [];
    for (const id of (cmd.cursors ?? []) as unknown[]) (ctx.cursors.delete(String(id)) ? cursorsKilled : cursorsNotFound).push(Long.fromString(String(id)));
    return { cursorsKilled, cursorsNotFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  },

  findandmodify: (cmd, db, ctx, rawCmd) => {
    const existing = ctx.store.collection(db, cmd.findAndModify);
    const [target] = sortDocs(matching(existing, cmd.query), cmd.sort);
    // Only an upsert creates the collection, as on mongod.
    const c = existing ?? (cmd.upsert && !cmd.remove ? ctx.store.ensureCollection(db, cmd.findAndModify) : undefined);
    const shape = (doc: Document | null) => (doc ? typedProjection(c, [doc], cmd.fields)[0] : doc);
    if (cmd.remove) {
      const value = shape(target ?? null);
      if (target) ctx.store.remove(c!, target);
      return { lastErrorObject: { n: target ? 1 : 0 }, value, ok: 1 };
    }
    if (!cmd.update) throw errors.failedToParse('Either an update or remove=true must be specified');
    if (!target) {
      if (!cmd.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
      const doc = buildUpsert(cmd.query, cmd.update, cmd.arrayFilters);
      ctx.store.insert(c!, doc, overlayAfterUpdate(doc, { view: {} }, rawCmd.update));
      return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: cmd.new ? shape(doc) : null, ok: 1 };
    }
    const before = shape(target);
    const next = applyUpdate(target, cmd.update, { filter: cmd.query, arrayFilters: cmd.arrayFilters });
    writeTyped(ctx, c!, target, next, rawCmd.update, { filter: cmd.query, arrayFilters: cmd.arrayFilters });
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: cmd.new ? shape(next) : before, ok: 1 };
  },

  count: (cmd, db, ctx) => {
    const docs = matching(coll(ctx, db, cmd.count), cmd.query);
    const skip = cmd.skip ?? 0;
    const limit = Math.abs(cmd.limit ?? 0);
    return { n: Math.max(0, Math.min(docs.length - skip, limit || Infinity)), ok: 1 };
  },

  distinct: (cmd, db, ctx) => {
    const docs = matching(coll(ctx, db, cmd.distinct), cmd.query);
    const values = new Aggregator([{ $unwind: { path: `$${cmd.key}`, preserveNullAndEmptyArrays: false } }, { $group: { _id: `$${cmd.key}` } }]).run(docs) as Document[];
    return { values: values.map((v) => v._id).filter((v) => v !== undefined), ok: 1 };
  },

  aggregate: (cmd, db, ctx) => {
    if (cmd.explain) throw errors.notSupported('explain');
    const source = cmd.aggregate === 1 ? [] : matching(coll(ctx, db, cmd.aggregate), undefined);
    const pipeline = (cmd.pipeline ?? []) as Document[];
    // A leading $match can use the _id/unique maps instead of a full scan.
    const first = pipeline[0]?.$match as Document | undefined;
    const input = first && cmd.aggregate !== 1 ? matching(coll(ctx, db, cmd.aggregate), first) : source;
    const rest = first ? pipeline.slice(1) : pipeline;
    let docs: Document[];
    try {
      docs = new Aggregator(rest, {
        collectionResolver: (name: string) => [...(ctx.store.collection(db, name)?.docs.values() ?? [])],
        collation: cmd.collation,
      } as never).run(input) as Document[];
    } catch (err) {
      throw err instanceof MongoCommandError ? err : errors.badValue((err as Error).message);
    }
    return cursorReply(ctx, `${db}.${cmd.aggregate === 1 ? '$cmd.aggregate' : cmd.aggregate}`, docs, cmd.cursor?.batchSize, false);
  },
};

/** Runs one command and always returns a reply document (errors become {ok: 0, …}). */
export function runCommand(command: Document, ctx: ServerContext, raw: Document = command): Document {
  const name = Object.keys(command)[0] ?? '';
  const db = typeof command.$db === 'string' ? command.$db : 'admin';
  const failure = ctx.store.failure;
  if (failure && !HANDSHAKE.has(name.toLowerCase())) return journalFailedReply(failure);
  try {
    refuseUnsupported(command);
    const handler = commands[name.toLowerCase()] ?? commands[name];
    if (!handler) throw errors.commandNotFound(name);
    const reply = handler(command, db, ctx, raw);
    ctx.store.commit();
    return reply;
  } catch (err) {
    // Whatever part of a write command succeeded is already in memory: make it durable before replying.
    try {
      ctx.store.commit();
    } catch {
      /* a journal failure is reported below, before the original error */
    }
    if (ctx.store.failure) return journalFailedReply(ctx.store.failure);
    if (err instanceof MongoCommandError) return err.toReply();
    return { ok: 0, errmsg: err instanceof Error ? err.message : String(err), code: 1, codeName: 'InternalError' };
  }
}

function journalFailedReply(failure: Error): Document {
  return {
    ok: 0,
    errmsg: `the SmartWealth MongoDB emulator stopped serving: its journal could not be written (${failure.message}); restart it to reopen the last durable state`,
    code: 1,
    codeName: 'InternalError',
  };
}
