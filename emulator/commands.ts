/**
 * The command table: what mongoose 9, agenda 6 and the driver's handshake send, answered with MongoDB's reply
 * shapes. Anything not here is a CommandNotFound error naming the command, never a silent success.
 */
import { createHash } from 'node:crypto';
import { Binary, BSON, Long, ObjectId, type Document } from 'bson';
import { Aggregator, Query } from './mingo.js';
import type { Collection, IndexSpec } from './collection.js';
import { errors, MongoCommandError } from './errors.js';
import type { Store } from './store.js';
import { compilePipeline, Fallback } from './compiled.js';
import { compileFilter } from './filter.js';
import { sortDocuments } from './sort.js';
import { applyUpdate, buildUpsert, isOperatorUpdate, resolvePositional } from './updates.js';
import { isPlainObject, joinTypes, keyOf, overlayAfterUpdate, sameDocument, splitTypes, valuesAt, type TypeOverlay } from './values.js';

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

/** A logical session this server has seen (the lsid on commands), for $listLocalSessions. */
export interface SessionRecord {
  id: unknown;
  lastUse: Date;
}

export interface ServerContext {
  store: Store;
  /** Sessions seen on any connection, by id (hex): mongod's local logical session cache. */
  sessions: Map<string, SessionRecord>;
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

/** Why a filter cannot run here: a refused operator, or a `$type` query operator on a type mingo cannot test. */
function refusedInQuery(filter: unknown): string | undefined {
  if (Array.isArray(filter)) return first(filter, refusedInQuery);
  if (!isPlainObject(filter)) return undefined;
  for (const [key, value] of Object.entries(filter)) {
    if (REFUSED_OPERATORS.has(key)) return REFUSED_OPERATORS.get(key);
    if (key === '$and' || key === '$or' || key === '$nor') {
      const found = refusedInQuery(value);
      if (found) return found;
    } else if (key === '$expr') {
      const found = refusedInExpression(value);
      if (found) return found;
    } else if (!key.startsWith('$')) {
      const found = refusedInCondition(value);
      if (found) return found;
    }
  }
  return undefined;
}

/** A field's condition: `{$type: …}`, `{$elemMatch: …}`, `{$not: …}`, `$near`…, or a value (data). */
function refusedInCondition(condition: unknown): string | undefined {
  if (!isPlainObject(condition)) return undefined;
  for (const [op, operand] of Object.entries(condition)) {
    if (!op.startsWith('$')) return undefined; // an embedded document compared as a value
    if (REFUSED_OPERATORS.has(op)) return REFUSED_OPERATORS.get(op);
    if (op === '$type') {
      const untestable = (Array.isArray(operand) ? operand : [operand]).find((t) => !TESTABLE_TYPES.has(t));
      if (untestable !== undefined) return `$type ${JSON.stringify(untestable)}`;
    }
    if (op === '$not') {
      const found = refusedInCondition(operand);
      if (found) return found;
    }
    if (op === '$elemMatch') {
      const found = refusedInQuery(operand) ?? refusedInCondition(operand);
      if (found) return found;
    }
  }
  return undefined;
}

/** An aggregation expression: `$type` there is the expression operator (mingo's), fine; refused names are not. */
function refusedInExpression(value: unknown): string | undefined {
  if (Array.isArray(value)) return first(value, refusedInExpression);
  if (!isPlainObject(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (REFUSED_OPERATORS.has(key)) return REFUSED_OPERATORS.get(key);
    const found = refusedInExpression(inner);
    if (found) return found;
  }
  return undefined;
}

function refusedInPipeline(pipeline: unknown): string | undefined {
  if (!Array.isArray(pipeline)) return undefined;
  for (const stage of pipeline) {
    if (!isPlainObject(stage)) continue;
    for (const [name, spec] of Object.entries(stage)) {
      if (REFUSED_OPERATORS.has(name)) return REFUSED_OPERATORS.get(name);
      let found: string | undefined;
      if (name === '$match') found = refusedInQuery(spec);
      else if (name === '$lookup' || name === '$unionWith') found = isPlainObject(spec) ? refusedInPipeline(spec.pipeline) : undefined;
      else if (name === '$facet') found = isPlainObject(spec) ? first(Object.values(spec), refusedInPipeline) : undefined;
      else found = refusedInExpression(spec);
      if (found) return found;
    }
  }
  return undefined;
}

function first<T>(items: T[], check: (item: T) => string | undefined): string | undefined {
  for (const item of items) {
    const found = check(item);
    if (found) return found;
  }
  return undefined;
}

/** A collation other than the simple one: refused rather than silently compared in binary. */
function refusedCollation(collation: unknown): string | undefined {
  if (collation === undefined || collation === null) return undefined;
  if (isPlainObject(collation) && collation.locale === 'simple') return undefined;
  return `collation ${JSON.stringify(collation)} (only the simple binary collation is)`;
}

/** Features the emulator refuses loudly: checked before dispatch so no command half-runs them. */
function refuseUnsupported(cmd: Document): void {
  if (cmd.startTransaction || cmd.autocommit === false) {
    throw errors.illegalOperation('Transaction numbers are only allowed on a replica set member or mongos (the SmartWealth MongoDB emulator has no transactions)');
  }
  const ops = [cmd.updates, cmd.deletes].flatMap((list) => (Array.isArray(list) ? (list as Document[]) : []));
  const refused =
    refusedInQuery(cmd.filter) ??
    refusedInQuery(cmd.query) ??
    refusedInPipeline(cmd.pipeline) ??
    first(ops, (op) => refusedInQuery(op?.q)) ??
    refusedCollation(cmd.collation) ??
    first(ops, (op) => refusedCollation(op?.collation)) ??
    first(Array.isArray(cmd.indexes) ? (cmd.indexes as Document[]) : [], (spec) => refusedCollation(spec?.collation));
  if (refused) throw errors.notSupported(refused);
}

/** Commands still answered after the journal failed, so a client can connect and read the reason. */
const HANDSHAKE = new Set(['hello', 'ismaster']);

function coll(ctx: ServerContext, db: string, name: unknown): Collection | undefined {
  if (typeof name !== 'string') throw errors.badValue('collection name must be a string');
  return ctx.store.collection(db, name);
}

/** `let` variables of a command ($$name in $expr and pipelines), checked as mongod checks their names. */
type Vars = Document | undefined;

function letVariables(value: unknown): Vars {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw errors.typeMismatch(`BSON field 'let' is the wrong type '${Array.isArray(value) ? 'array' : typeof value}', expected type 'object'`);
  for (const name of Object.keys(value)) {
    if (!/^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/.test(name)) throw new MongoCommandError(16870, 'Location16870', `'${name}' starts with an invalid character for a user variable name`);
  }
  return value;
}

function matcher(filter: Document | undefined, variables?: Vars) {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  // Simple filters become plain predicates (filter.ts); the rest is mingo's.
  const compiled = compileFilter(filter);
  if (compiled) return compiled;
  try {
    const query = new Query(filter, variables ? { variables } : {});
    return (doc: Document) => query.test(doc);
  } catch (err) {
    throw errors.badValue((err as Error).message);
  }
}

/** The documents matching `filter` (through the planner: an index order, else natural order); with `limit`, stops after that many. */
function matching(c: Collection | undefined, filter: Document | undefined, limit?: number, variables?: Vars): Document[] {
  if (!c) return [];
  const out: Document[] = [];
  if (limit !== undefined && limit <= 0) return out;
  const plan = c.plan(filter);
  const test = matcher(residualFilter(filter, plan.implied), variables);
  plan.each((doc) => {
    if (!test(doc)) return;
    out.push(doc);
    if (out.length === limit) return false;
  });
  return out;
}

/** `filter` less the top-level fields the plan's index walk already holds to their value. */
function residualFilter(filter: Document | undefined, implied: string[]): Document | undefined {
  if (!filter || !implied.length) return filter;
  const rest: Document = {};
  for (const key of Object.keys(filter)) if (!implied.includes(key)) rest[key] = filter[key];
  return rest;
}

/** Lazily, the documents matching `filter`, for a sort to consume in one pass. */
function* matchingIter(c: Collection | undefined, filter: Document | undefined, variables?: Vars): Generator<Document> {
  if (!c) return;
  const test = matcher(filter, variables);
  for (const doc of c.plan(filter).docs) if (test(doc)) yield doc;
}

/**
 * Matching documents, sorted, skipped and limited. When the planner's index walk already yields the sort order
 * it stops at skip + limit; otherwise a bounded top-k with a limit, an early stop without a sort.
 */
function findDocs(c: Collection | undefined, filter: Document | undefined, sort: Document | undefined, skip: number, limit: number, variables?: Vars): Document[] {
  if (!c) return [];
  const keep = limit ? skip + limit : undefined;
  const plan = c.plan(filter, sort);
  const test = matcher(filter, variables);
  if (plan.sorted) {
    const out: Document[] = [];
    if (keep !== undefined && keep <= 0) return out;
    for (const doc of plan.docs) {
      if (!test(doc)) continue;
      out.push(doc);
      if (out.length === keep) break;
    }
    return out.slice(skip);
  }
  function* matched() {
    for (const doc of plan.docs) if (test(doc)) yield doc;
  }
  return sortDocuments(matched(), sort!, keep).slice(skip);
}

function sessionKey(id: unknown): string {
  const bytes = (id as { buffer?: Uint8Array } | null)?.buffer;
  return bytes ? Buffer.from(bytes).toString('hex') : String(id);
}

/** The SHA-256 of the empty user name: the uid of every session on a server without authentication. */
const NO_USER_UID = new Binary(createHash('sha256').update('').digest(), 0);

/**
 * $listLocalSessions: the sessions in this server's cache. Without authentication every session belongs to the
 * unauthenticated user, so `{}` and `{allUsers: true}` list them all and `{users: [...]}` names none of them.
 */
function listLocalSessions(ctx: ServerContext, spec: unknown): Document[] {
  if (!isPlainObject(spec)) throw errors.typeMismatch('$listLocalSessions options must be an object');
  for (const key of Object.keys(spec)) if (key !== 'allUsers' && key !== 'users') throw new MongoCommandError(40415, 'Location40415', `BSON field '$listLocalSessions.${key}' is an unknown field.`);
  if (spec.allUsers && spec.users !== undefined) throw errors.badValue('$listLocalSessions: cannot specify both allUsers and users');
  if (Array.isArray(spec.users) && spec.users.length) return [];
  return [...ctx.sessions.values()].map((s) => ({ _id: { id: s.id, uid: NO_USER_UID }, lastUse: s.lastUse }));
}

/** The first `limit` documents passing `test`, in the order given. */
function takeMatching(docs: Iterable<Document>, test: (doc: Document) => boolean, limit?: number): Document[] {
  const out: Document[] = [];
  for (const doc of docs) {
    if (!test(doc)) continue;
    out.push(doc);
    if (out.length === limit) break;
  }
  return out;
}

/** Splits results into a first batch and a cursor, capped by count and by bytes. */
function cursorReply(ctx: ServerContext, ns: string, docs: Document[], batchSize: number | undefined, singleBatch: boolean): Document {
  const limit = batchSize ?? DEFAULT_FIRST_BATCH;
  // batchSize 0 asks for a cursor and an empty first batch (takeBatch reads 0 as "no count limit").
  const { batch, next } = limit === 0 && !singleBatch ? { batch: [], next: 0 } : takeBatch(docs, 0, limit);
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

/**
 * A find projection as mongod applies it. mingo gets the rest, with the filter when a positional projection
 * ('arr.$') needs it; `$slice` is done here, as mongod does it: it neither includes nor excludes, so it goes with
 * an exclusion projection too (mingo takes it for an inclusion). Fields keep the stored document's order.
 */
function project(docs: Document[], projection: Document | undefined, filter?: Document): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  const slices = new Map<string, unknown>();
  const rest: Document = {};
  for (const [path, spec] of Object.entries(projection)) {
    if (isPlainObject(spec) && '$slice' in spec && Object.keys(spec).length === 1) slices.set(path, spec.$slice);
    else rest[path] = spec;
  }
  const inclusion = Object.entries(rest).some(([path, spec]) => path !== '_id' && (isPlainObject(spec) || (spec !== 0 && spec !== false)));
  if (inclusion) for (const path of slices.keys()) rest[path] = 1;
  const positional = Object.keys(rest).some((k) => k.endsWith('.$'));
  const projected = Object.keys(rest).length ? (new Query(positional ? (filter ?? {}) : {}).find(docs, rest as never).all() as Document[]) : docs.map((d) => ({ ...d }));
  return projected.map((out, i) => {
    for (const [path, slice] of slices) applySlice(out, path, slice);
    return inStoredOrder(out, docs[i]);
  });
}

/** `$slice: n` (first n, or last -n) or `$slice: [skip, n]` (skip from the end when negative) on the array at `path`. */
function applySlice(doc: Document, path: string, slice: unknown): void {
  const parts = path.split('.');
  // Copy along the path: `doc` is a copy, but its sub-documents may still be the stored document's.
  let parent: Document = doc;
  for (const part of parts.slice(0, -1)) {
    const child = parent[part];
    if (!isPlainObject(child)) return;
    parent = parent[part] = { ...child };
  }
  const last = parts[parts.length - 1];
  if (!Array.isArray(parent[last])) return;
  const array = parent[last] as unknown[];
  let result: unknown[];
  if (typeof slice === 'number') {
    result = slice >= 0 ? array.slice(0, slice) : array.slice(Math.max(array.length + slice, 0));
  } else if (Array.isArray(slice) && slice.length === 2 && typeof slice[0] === 'number' && typeof slice[1] === 'number') {
    if (slice[1] <= 0) throw errors.badValue(`$slice limit must be positive: ${slice[1]}`);
    const skip = slice[0] >= 0 ? slice[0] : Math.max(array.length + slice[0], 0);
    result = array.slice(skip, skip + slice[1]);
  } else {
    throw errors.badValue(`$slice only supports numbers and [skip, limit] arrays: ${JSON.stringify(slice)}`);
  }
  parent[last] = result;
}

/** The projected fields in the order the stored document has them (mingo puts an included _id last). */
function inStoredOrder(projected: Document, stored: Document): Document {
  const keys = Object.keys(projected);
  if (keys.length < 2) return projected;
  const out: Document = {};
  for (const key of Object.keys(stored)) if (key in projected) out[key] = projected[key];
  for (const key of keys) if (!(key in out)) out[key] = projected[key];
  return out;
}

/** Stores an updated document with the number types its update implies; false when nothing changed. */
function writeTyped(ctx: ServerContext, c: Collection, doc: Document, next: Document, rawSpec: Document | Document[] | undefined, where: { filter?: Document; arrayFilters?: Document[] } = {}): boolean {
  const before = c.overlayOf(doc);
  const overlay = overlayAfterUpdate(next, { view: doc, overlay: before }, concreteSpec(rawSpec, doc, where));
  if (sameDocument(doc, next) && sameOverlay(before, overlay)) return false;
  checkUpdatedSize(next, overlay);
  ctx.store.replace(c, doc, next, overlay);
  return true;
}

/** mongod 5.0+ refuses a $-prefixed field name anywhere inside an _id (52 DollarPrefixedFieldName). */
function checkIdFieldNames(value: unknown, path: string): void {
  if (Array.isArray(value)) value.forEach((v, i) => checkIdFieldNames(v, `${path}.${i}`));
  if (!isPlainObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$')) throw new MongoCommandError(52, 'DollarPrefixedFieldName', `The dollar ($) prefixed field '${key}' in '${path}.${key}' is not valid for storage.`);
    checkIdFieldNames(inner, `${path}.${key}`);
  }
}

/** mongod refuses an array, a regular expression or undefined as an _id (code 2), and $-prefixed names inside one. */
function checkId(id: unknown): void {
  checkIdFieldNames(id, '_id');
  if (Array.isArray(id)) throw errors.badValue("can't use an array for _id");
  if (id instanceof RegExp || (id as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp') throw errors.badValue("can't use a regex for _id");
}

/** mongod refuses an update or upsert whose result passes 16 MB (17419); stored, it could never be read back. */
function checkUpdatedSize(view: Document, overlay: TypeOverlay | undefined): void {
  checkId(view._id);
  const size = BSON.calculateObjectSize(joinTypes(view, overlay));
  if (size > MAX_BSON) throw new MongoCommandError(17419, 'Location17419', `Resulting document after update is larger than ${MAX_BSON} (size ${size})`);
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
function typedProjection(c: Collection | undefined, docs: Document[], projection: Document | undefined, filter?: Document): Document[] {
  if (!c) return docs;
  if (!projection || Object.keys(projection).length === 0) return docs.map((d) => c.typed(d));
  return docs.map((d) => joinProjected(c, d, project([d], projection, filter)[0]));
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
  endsessions: (cmd, _db, ctx) => {
    for (const lsid of (Array.isArray(cmd.endSessions) ? cmd.endSessions : []) as Document[]) ctx.sessions.delete(sessionKey(lsid?.id));
    return { ok: 1 };
  },
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
    if (cmd.validator !== undefined || cmd.validationLevel !== undefined || cmd.validationAction !== undefined) throw errors.notSupported('document validation (validator)');
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
        checkId(typed._id);
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
    const variables = letVariables(cmd.let);
    // mongod 7.0 has no sort in an update statement (8.0 added it): the whole command is refused, nothing written.
    if ((cmd.updates as Document[]).some((op) => op && op.sort !== undefined)) throw new MongoCommandError(40415, 'Location40415', "BSON field 'update.updates.sort' is an unknown field.");
    const writeErrors: Document[] = [];
    const upserted: Document[] = [];
    let n = 0;
    let nModified = 0;
    (cmd.updates as Document[]).forEach((op, index) => {
      if (ordered && writeErrors.length) return;
      try {
        const existing = ctx.store.collection(db, cmd.update);
        const chosen = matching(existing, op.q, op.multi ? undefined : 1, variables);
        const rawSpec = (rawCmd.updates as Document[])[index]?.u;
        if (!chosen.length && op.upsert) {
          // Only an upsert creates the collection; an update that matches nothing leaves none behind (as mongod).
          const c = existing ?? ctx.store.ensureCollection(db, cmd.update);
          const doc = buildUpsert(op.q, op.u, op.arrayFilters, variables);
          const overlay = overlayAfterUpdate(doc, { view: {} }, rawSpec);
          checkUpdatedSize(doc, overlay);
          ctx.store.insert(c, doc, overlay);
          upserted.push({ index, _id: doc._id });
          n++;
          return;
        }
        for (const doc of chosen) {
          // Counted once written: a duplicate key midway reports only the documents before it (as mongod).
          const modified = writeTyped(ctx, existing!, doc, applyUpdate(doc, op.u, { filter: op.q, arrayFilters: op.arrayFilters, variables }), rawSpec, { filter: op.q, arrayFilters: op.arrayFilters });
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
    const variables = letVariables(cmd.let);
    const writeErrors: Document[] = [];
    let n = 0;
    (cmd.deletes as Document[]).forEach((op, index) => {
      if (ordered && writeErrors.length) return;
      try {
        const c = ctx.store.collection(db, cmd.delete);
        for (const doc of matching(c, op.q, op.limit === 1 ? 1 : undefined, variables)) {
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
    const skip = cmd.skip ?? 0;
    const limit = Math.abs(cmd.limit ?? 0);
    let docs = findDocs(c, cmd.filter, cmd.sort, skip, limit, letVariables(cmd.let));
    docs = typedProjection(c, docs, cmd.projection, cmd.filter);
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
    const variables = letVariables(cmd.let);
    const [target] = findDocs(existing, cmd.query, cmd.sort, 0, 1, variables);
    // Only an upsert creates the collection, as on mongod.
    const c = existing ?? (cmd.upsert && !cmd.remove ? ctx.store.ensureCollection(db, cmd.findAndModify) : undefined);
    const shape = (doc: Document | null) => (doc ? typedProjection(c, [doc], cmd.fields, cmd.query)[0] : doc);
    if (cmd.remove) {
      const value = shape(target ?? null);
      if (target) ctx.store.remove(c!, target);
      return { lastErrorObject: { n: target ? 1 : 0 }, value, ok: 1 };
    }
    if (!cmd.update) throw errors.failedToParse('Either an update or remove=true must be specified');
    if (!target) {
      if (!cmd.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
      const doc = buildUpsert(cmd.query, cmd.update, cmd.arrayFilters, variables);
      const overlay = overlayAfterUpdate(doc, { view: {} }, rawCmd.update);
      checkUpdatedSize(doc, overlay);
      ctx.store.insert(c!, doc, overlay);
      return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: cmd.new ? shape(doc) : null, ok: 1 };
    }
    const before = shape(target);
    const next = applyUpdate(target, cmd.update, { filter: cmd.query, arrayFilters: cmd.arrayFilters, variables });
    writeTyped(ctx, c!, target, next, rawCmd.update, { filter: cmd.query, arrayFilters: cmd.arrayFilters });
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: cmd.new ? shape(next) : before, ok: 1 };
  },

  count: (cmd, db, ctx) => {
    const skip = cmd.skip ?? 0;
    const limit = Math.abs(cmd.limit ?? 0);
    const docs = matching(coll(ctx, db, cmd.count), cmd.query, limit ? skip + limit : undefined);
    return { n: Math.max(0, docs.length - skip), ok: 1 };
  },

  distinct: (cmd, db, ctx) => {
    // Each value at the path, an array's elements one by one (an array inside an array is a value), null
    // included when a document holds it explicitly; equal values (1 and 1.0) once.
    if (typeof cmd.key !== 'string' || !cmd.key) throw errors.badValue("distinct: the 'key' field must be a non-empty string");
    const seen = new Map<string, unknown>();
    for (const doc of matchingIter(coll(ctx, db, cmd.distinct), cmd.query)) {
      for (const found of valuesAt(doc, cmd.key)) {
        for (const value of Array.isArray(found) ? found : [found]) {
          const key = keyOf(value);
          if (!seen.has(key)) seen.set(key, value);
        }
      }
    }
    return { values: [...seen.values()], ok: 1 };
  },

  aggregate: (cmd, db, ctx) => {
    if (cmd.explain) throw errors.notSupported('explain');
    let pipeline = (cmd.pipeline ?? []) as Document[];
    let sessions: Document[] | undefined;
    if (isPlainObject(pipeline[0]) && '$listLocalSessions' in pipeline[0]) {
      if (cmd.aggregate !== 1) throw new MongoCommandError(50882, 'Location50882', '$listLocalSessions must be run against the database with {aggregate: 1}');
      sessions = listLocalSessions(ctx, pipeline[0].$listLocalSessions);
      pipeline = pipeline.slice(1);
    }
    const c = cmd.aggregate === 1 ? undefined : coll(ctx, db, cmd.aggregate);
    // The source is read lazily: a leading $match goes through the _id/unique maps, and $sort then $limit right
    // after it keep only the best documents, instead of copying the collection first.
    let rest = pipeline;
    let filter: Document | undefined;
    if (rest[0]?.$match !== undefined && isPlainObject(rest[0].$match)) {
      filter = rest[0].$match as Document;
      rest = rest.slice(1);
    }
    const variables = letVariables(cmd.let);
    let input: Iterable<Document> | undefined = sessions ? sessions.filter(matcher(filter, variables)) : undefined;
    const sort = rest[0]?.$sort;
    const limit = rest[1]?.$limit;
    const hasLimit = Number.isSafeInteger(limit) && (limit as number) > 0;
    const plan = c && isPlainObject(sort) && Object.keys(sort).length ? c.plan(filter, sort) : undefined;
    if (plan?.sorted) {
      // An index walk in the $sort's order: the $sort stage is done, and a $limit after it stops the walk.
      const test = matcher(filter, variables);
      input = takeMatching(plan.docs, test, hasLimit ? (limit as number) : undefined);
      rest = rest.slice(hasLimit ? 2 : 1);
    } else if (isPlainObject(sort) && Object.keys(sort).length && hasLimit) {
      input = sortDocuments(input ?? matchingIter(c, filter, variables), sort, limit as number);
      rest = rest.slice(2);
    }
    // The whole input at once (the common case: a $match then $group/$facet over all of a user's rows) is read
    // through the planner's callback walk. What the walk does not already guarantee is left as a $match for the
    // compiled pipeline, which tests each document in the same visit that groups it (compiled.ts).
    let source: Document[];
    if (input) {
      source = [...input];
    } else if (c && !variables) {
      const plan = c.plan(filter);
      const residual = residualFilter(filter, plan.implied);
      source = [];
      plan.each((doc) => {
        source.push(doc);
      });
      if (residual && Object.keys(residual).length) rest = [{ $match: residual }, ...rest];
    } else {
      source = matching(c, filter, undefined, variables);
    }
    const viaMingo = (stages: Document[], docs: Document[]) =>
      stages.length
        ? (new Aggregator(stages, { collectionResolver: (name: string) => [...(ctx.store.collection(db, name)?.docs.values() ?? [])], ...(variables ? { variables } : {}) } as never).run(docs) as Document[])
        : docs;
    let docs: Document[];
    try {
      // Compiled once into plain functions where it can be (compiled.ts), mingo for the rest; a value the
      // compiled code would get wrong sends the whole pipeline to mingo.
      const compiled = compilePipeline(rest, variables);
      try {
        docs = compiled ? viaMingo(compiled.rest, compiled.run(source)) : viaMingo(rest, source);
      } catch (err) {
        if (!(err instanceof Fallback)) throw err;
        docs = viaMingo(rest, source);
      }
    } catch (err) {
      throw err instanceof MongoCommandError ? err : errors.badValue((err as Error).message);
    }
    return cursorReply(ctx, `${db}.${cmd.aggregate === 1 ? '$cmd.aggregate' : cmd.aggregate}`, docs, cmd.cursor?.batchSize, false);
  },
};

/**
 * Runs one command and always answers a reply document (errors become {ok: 0, …}): returned at once, or, when the
 * command wrote to a journal, handed to `deliver` once an fsync covers the write (group commit, see Store.commit)
 * and undefined returned.
 */
export function runCommand(command: Document, ctx: ServerContext, raw: Document, deliver: (reply: Document) => void): Document | undefined {
  const name = Object.keys(command)[0] ?? '';
  const db = typeof command.$db === 'string' ? command.$db : 'admin';
  const failure = ctx.store.failure;
  if (failure && !HANDSHAKE.has(name.toLowerCase())) return journalFailedReply(failure);
  // The local session cache, as mongod keeps it: every session a command names (endSessions takes it out).
  if (isPlainObject(command.lsid) && command.lsid.id !== undefined && name.toLowerCase() !== 'endsessions') {
    ctx.sessions.set(sessionKey(command.lsid.id), { id: raw.lsid?.id ?? command.lsid.id, lastUse: new Date() });
  }
  let reply: Document;
  try {
    refuseUnsupported(command);
    // Own properties only: 'constructor' or 'toString' must be unknown commands, not Object.prototype's.
    const handler = Object.hasOwn(commands, name.toLowerCase()) ? commands[name.toLowerCase()] : undefined;
    if (!handler) throw errors.commandNotFound(name);
    reply = handler(command, db, ctx, raw);
  } catch (err) {
    if (err instanceof MongoCommandError) reply = err.toReply();
    else reply = { ok: 0, errmsg: err instanceof Error ? err.message : String(err), code: 1, codeName: 'InternalError' };
  }
  // Whatever the command changed (all of it, or the part before an error) is made durable before the reply.
  try {
    const waiting = ctx.store.commitThen((err) => deliver(err ? journalFailedReply(ctx.store.failure ?? err) : reply));
    return waiting ? undefined : reply;
  } catch {
    return journalFailedReply(ctx.store.failure ?? new Error('journal write failed'));
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
