/**
 * One collection: documents by _id, plus its indexes. Unique indexes keep a hash map from key to _id so a
 * uniqueness check and an equality lookup cost the same at 100 documents or 100,000.
 */
import { ObjectId, type Document } from 'bson';
import { Query } from './mingo.js';
import { MongoCommandError, errors } from './errors.js';
import { chooseIndex, filterBounds, impliedFields, OrderedIndex, walk, walkEach } from './ordered.js';
import { displayValue, joinTypes, keyOf, valuesAt, type TypeOverlay } from './values.js';

export interface IndexSpec {
  v?: number;
  name: string;
  key: Record<string, unknown>;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

interface IndexState {
  spec: IndexSpec;
  fields: string[];
  /** unique key string → _id key string (unique indexes only). */
  entries?: Map<string, string>;
  partial?: Query;
  /** Every index, unique or not, keeps its entries in order for the planner (see ordered.ts). */
  ordered: OrderedIndex;
}

/** How a query reads a collection: the candidates (to test against the filter) and whether they come sorted. */
export interface ReadPlan {
  docs: Iterable<Document>;
  /** The candidates come in the requested sort order: the caller may stop at skip + limit. */
  sorted: boolean;
  /** 'COLLSCAN', 'IDHACK', 'UNIQUE <name>' or 'IXSCAN <name>': which path was taken, for tests and benchmarks. */
  via: string;
  /** The same candidates in the same order, handed to a callback (false stops): cheaper than iterating `docs`. */
  each(onDoc: (doc: Document) => boolean | void): void;
  /** Top-level filter fields every candidate already satisfies (the walk pinned them): no need to test them again. */
  implied: string[];
}

function eachOf(docs: Iterable<Document>): ReadPlan['each'] {
  return (onDoc) => {
    for (const doc of docs) if (onDoc(doc) === false) return;
  };
}

export class Collection {
  /** _id key → document, in insertion order (MongoDB's natural order for a fresh collection). */
  readonly docs = new Map<string, Document>();
  /** Insertion sequence per _id key: index lookups hand back several documents in natural order, as a scan would. */
  private readonly insertedAt = new Map<string, number>();
  private nextSequence = 0;
  readonly indexes = new Map<string, IndexState>();
  /** _id key → the number types a document's plain view would lose (see values.ts); absent for most documents. */
  private readonly overlays = new Map<string, TypeOverlay>();
  readonly createdAt = new Date();

  constructor(readonly db: string, public name: string) {
    this.indexes.set('_id_', { spec: { v: 2, key: { _id: 1 }, name: '_id_' }, fields: ['_id'], ordered: new OrderedIndex({ _id: 1 }, false, false) });
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** Creates an index; returns false when an identical one exists. Throws on conflicts and on existing duplicates. */
  addIndex(spec: IndexSpec): boolean {
    const existing = this.indexes.get(spec.name);
    const sameKey = [...this.indexes.values()].find((i) => JSON.stringify(i.spec.key) === JSON.stringify(spec.key));
    if (existing) {
      if (JSON.stringify(existing.spec.key) !== JSON.stringify(spec.key)) {
        throw errors.indexKeySpecsConflict(`An existing index has the same name as the requested index but a different key. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`);
      }
      if (!sameIndexOptions(existing.spec, spec)) {
        throw errors.indexOptionsConflict(`An equivalent index already exists with a different name or options: ${JSON.stringify(existing.spec)}`);
      }
      return false;
    }
    if (sameKey && name(sameKey) !== '_id_' && !spec.partialFilterExpression && !sameKey.spec.partialFilterExpression) {
      if (Boolean(sameKey.spec.unique) === Boolean(spec.unique) && Boolean(sameKey.spec.sparse) === Boolean(spec.sparse)) {
        throw errors.indexOptionsConflict(`Index already exists with a different name: ${sameKey.spec.name}`);
      }
      throw errors.indexOptionsConflict(`An existing index has the same key but different options: ${sameKey.spec.name}`);
    }
    if (spec.key._id !== undefined && Object.keys(spec.key).length === 1) return false;
    const state: IndexState = {
      spec: { v: 2, ...spec },
      fields: Object.keys(spec.key),
      entries: spec.unique ? new Map() : undefined,
      partial: spec.partialFilterExpression ? new Query(spec.partialFilterExpression) : undefined,
      ordered: new OrderedIndex(spec.key, Boolean(spec.sparse), Boolean(spec.partialFilterExpression)),
    };
    if (state.entries) {
      for (const [idKey, doc] of this.docs) {
        for (const { key, values } of this.entriesFor(state, doc) ?? []) {
          if (state.entries.has(key)) throw this.duplicateError(state, values);
          state.entries.set(key, idKey);
        }
      }
    }
    if (!state.partial) for (const [idKey, doc] of this.docs) state.ordered.add(doc, this.insertedAt.get(idKey)!, idKey);
    this.indexes.set(spec.name, state);
    return true;
  }

  dropIndex(indexName: string): void {
    if (indexName === '_id_') throw errors.badValue('cannot drop _id index');
    if (!this.indexes.delete(indexName)) throw errors.indexNotFound(`index not found with name [${indexName}]`);
  }

  /** Index keys for a document, or null when the index does not cover it (sparse or partial). */
  private keysFor(index: IndexState, doc: Document): string[] | null {
    const entries = this.entriesFor(index, doc);
    return entries && entries.map((e) => e.key);
  }

  /** Each index key of a document with the field values that make it (a multikey index has one per element). */
  private entriesFor(index: IndexState, doc: Document): { key: string; values: unknown[] }[] | null {
    if (index.partial && !index.partial.test(doc)) return null;
    const perField = index.fields.map((f) => {
      // An empty array is a key of its own (mongod indexes it as undefined): not null, and present for a sparse index.
      const values = valuesAt(doc, f).flatMap((v) => (Array.isArray(v) ? (v.length ? v : [EMPTY_ARRAY]) : [v]));
      return values.length ? values : [undefined];
    });
    if (index.spec.sparse && perField.every((values) => values.every((v) => v === undefined))) return null;
    // Cartesian product; MongoDB allows at most one array field per compound index, so this stays small.
    let entries: { key: string; values: unknown[] }[] = [{ key: '', values: [] }];
    for (const values of perField) {
      const next = new Map<string, { key: string; values: unknown[] }>();
      for (const prefix of entries) {
        for (const value of values) {
          const key = prefix.key + indexKeyPart(value);
          if (!next.has(key)) next.set(key, { key, values: [...prefix.values, value] });
        }
      }
      entries = [...next.values()];
    }
    return entries;
  }

  private duplicateError(index: IndexState, values: unknown[]): MongoCommandError {
    const keyValue: Document = {};
    index.fields.forEach((field, i) => (keyValue[field] = values[i] === undefined || values[i] === EMPTY_ARRAY ? null : values[i]));
    const shown = Object.entries(keyValue)
      .map(([k, v]) => `${k}: ${displayValue(v)}`)
      .join(', ');
    return new MongoCommandError(11000, 'DuplicateKey', `E11000 duplicate key error collection: ${this.ns} index: ${index.spec.name} dup key: { ${shown} }`, {
      keyPattern: index.spec.key,
      keyValue,
    });
  }

  /** Throws E11000 if `doc` would collide with another document (other than the one with `selfIdKey`). */
  checkUnique(doc: Document, selfIdKey?: string): void {
    const idKey = keyOf(doc._id);
    if (idKey !== selfIdKey && this.docs.has(idKey)) throw this.duplicateError(this.indexes.get('_id_')!, [doc._id]);
    for (const index of this.indexes.values()) {
      if (!index.entries) continue;
      for (const { key, values } of this.entriesFor(index, doc) ?? []) {
        const owner = index.entries.get(key);
        if (owner !== undefined && owner !== selfIdKey) throw this.duplicateError(index, values);
      }
    }
  }

  insert(doc: Document, overlay?: TypeOverlay): void {
    if (doc._id === undefined) throw errors.badValue('document has no _id');
    this.checkUnique(doc);
    const idKey = keyOf(doc._id);
    this.docs.set(idKey, doc);
    this.insertedAt.set(idKey, this.nextSequence++);
    this.setOverlay(idKey, overlay);
    this.indexAdd(idKey, doc);
  }

  /** Replaces the stored document with the same _id. */
  replace(previous: Document, next: Document, overlay?: TypeOverlay): void {
    const idKey = keyOf(previous._id);
    if (keyOf(next._id) !== idKey) throw errors.immutableField("Performing an update on the path '_id' would modify the immutable field '_id'");
    this.checkUnique(next, idKey);
    this.indexRemove(idKey, previous);
    this.docs.set(idKey, next);
    this.setOverlay(idKey, overlay);
    this.indexAdd(idKey, next);
  }

  remove(doc: Document): void {
    const idKey = keyOf(doc._id);
    if (!this.docs.has(idKey)) return;
    this.indexRemove(idKey, doc);
    this.docs.delete(idKey);
    this.insertedAt.delete(idKey);
    this.overlays.delete(idKey);
  }

  overlayOf(doc: Document): TypeOverlay | undefined {
    return this.overlays.get(keyOf(doc._id));
  }

  /** The stored document with its numbers back in the BSON types they were written with. */
  typed(doc: Document): Document {
    return joinTypes(doc, this.overlays.get(keyOf(doc._id)));
  }

  private setOverlay(idKey: string, overlay: TypeOverlay | undefined) {
    if (overlay) this.overlays.set(idKey, overlay);
    else this.overlays.delete(idKey);
  }

  private indexAdd(idKey: string, doc: Document) {
    const sequence = this.insertedAt.get(idKey)!;
    for (const index of this.indexes.values()) {
      if (index.entries) for (const key of this.keysFor(index, doc) ?? []) index.entries.set(key, idKey);
      // A partial index is never planned with (ordered.ts), so its order is not kept.
      if (!index.partial) index.ordered.add(doc, sequence, idKey);
    }
  }

  private indexRemove(idKey: string, doc: Document) {
    const sequence = this.insertedAt.get(idKey)!;
    for (const index of this.indexes.values()) {
      if (index.entries) for (const key of this.keysFor(index, doc) ?? []) if (index.entries.get(key) === idKey) index.entries.delete(key);
      if (!index.partial) index.ordered.remove(doc, sequence, idKey);
    }
  }

  /**
   * Documents that may match `filter`, in natural order: through the _id map, or a unique index (single-field,
   * compound or sparse, not partial) whose every field the filter pins to non-null values; else every document.
   * Callers still test each candidate against the full filter.
   */
  candidates(filter: Document | undefined): Iterable<Document> {
    return (filter && this.hashLookup(filter)) ?? this.docs.values();
  }

  /**
   * How to read the documents `filter` may match, best first: the _id map or a unique hash map when the filter
   * pins every field of one (a handful of documents, in natural order); else an ordered index the planner picks
   * for the filter's equality prefix, range and `sort` (ordered.ts); else every document in natural order.
   */
  plan(filter: Document | undefined, sort?: Document): ReadPlan {
    const hasSort = Boolean(sort && Object.keys(sort).length);
    if (filter) {
      const hits = this.hashLookup(filter);
      if (hits) return { docs: hits, sorted: !hasSort || hits.length <= 1, via: 'IDHACK', each: eachOf(hits), implied: [] };
    }
    const bounds = filterBounds(filter);
    const ordered = [...this.indexes.values()].map((i): [string, OrderedIndex] => [i.spec.name, i.ordered]);
    const chosen = chooseIndex(ordered, filter, hasSort ? sort : undefined);
    if (chosen) {
      return {
        docs: { [Symbol.iterator]: () => walk(chosen, bounds) },
        sorted: chosen.sorted,
        via: `IXSCAN ${chosen.name}`,
        each: (onDoc) => walkEach(chosen, bounds, onDoc),
        implied: impliedFields(chosen, filter),
      };
    }
    return { docs: this.docs.values(), sorted: !hasSort, via: 'COLLSCAN', each: eachOf(this.docs.values()), implied: [] };
  }

  private hashLookup(filter: Document): Document[] | undefined {
    // `$in: [x, x]`, or two values of one array hitting a multikey entry, must still yield the document once.
    // Several hits (`$in` over a key) come back in natural order, not the filter's order: which document an
    // updateOne or deleteOne takes must not depend on how the values were listed.
    const byIdKeys = (idKeys: Iterable<string>) =>
      [...new Set(idKeys)]
        .filter((k) => this.docs.has(k))
        .sort((a, b) => this.insertedAt.get(a)! - this.insertedAt.get(b)!)
        .map((k) => this.docs.get(k)!);
    const byId = pinnedValues(filter._id);
    if (byId) return byIdKeys(byId.map((id) => keyOf(id)));
    for (const index of this.indexes.values()) {
      if (!index.entries || index.partial) continue;
      const perField = index.fields.map((f) => pinnedValues(filter[f]));
      if (perField.some((values) => !values)) continue;
      let keys = [''];
      for (const values of perField as unknown[][]) keys = keys.flatMap((prefix) => values.map((v) => prefix + indexKeyPart(v)));
      if (keys.length > 1000) continue;
      return byIdKeys(keys.map((k) => index.entries!.get(k)).filter((k): k is string => k !== undefined));
    }
    return undefined;
  }

  /** The stored document with this _id, if any. */
  byId(id: unknown): Document | undefined {
    return this.docs.get(keyOf(id));
  }

  indexSpecs(): IndexSpec[] {
    return [...this.indexes.values()].map((i) => i.spec);
  }
}

/** Same name and key but different options is IndexOptionsConflict on mongod (85), never a silent success. */
function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  return (
    Boolean(a.unique) === Boolean(b.unique) &&
    Boolean(a.sparse) === Boolean(b.sparse) &&
    a.expireAfterSeconds === b.expireAfterSeconds &&
    JSON.stringify(a.partialFilterExpression ?? null) === JSON.stringify(b.partialFilterExpression ?? null)
  );
}

/** One field's part of an index key: length-prefixed, so no value can run into the next field's part. */
const EMPTY_ARRAY = Symbol('empty array');

function indexKeyPart(value: unknown): string {
  const key = value === EMPTY_ARRAY ? 'u:[]' : keyOf(value);
  return `${key.length}:${key}`;
}

/**
 * The values a filter condition pins a field to, when it is a non-null equality or an $in of such: a scalar, an
 * ObjectId, a Date or another BSON value (not a regular expression, a sub-document or an array, which index
 * lookups do not answer the way a match does).
 */
function pinnedValues(value: unknown): unknown[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return [value];
  if (value instanceof ObjectId || value instanceof Date) return [value];
  const bsonType = (value as { _bsontype?: string })._bsontype;
  if (bsonType) return bsonType === 'BSONRegExp' ? undefined : [value];
  if (Array.isArray(value) || value instanceof RegExp) return undefined;
  const ops = value as Document;
  const keys = Object.keys(ops);
  if (keys.length === 1 && keys[0] === '$eq') return pinnedValues(ops.$eq);
  if (keys.length === 1 && keys[0] === '$in' && Array.isArray(ops.$in)) {
    const all = ops.$in.map((v) => pinnedValues(v));
    return all.every((v) => v && v.length === 1) ? all.map((v) => v![0]) : undefined;
  }
  return undefined;
}

function name(index: IndexState): string {
  return index.spec.name;
}
