/**
 * Applying update specifications the way MongoDB does: operator documents (through mingo), replacement
 * documents, pipeline updates, and upsert seeding from the query's equality predicates.
 */
import { Long, ObjectId, type Document } from 'bson';
import { Aggregator, update as mingoUpdate } from 'mingo';
import { errors, MongoCommandError } from './errors.js';
import { clone, getPath, isPlainObject, keyOf, setPath } from './values.js';

export type UpdateSpec = Document | Document[];

export function isOperatorUpdate(spec: UpdateSpec): boolean {
  return !Array.isArray(spec) && Object.keys(spec).some((k) => k.startsWith('$'));
}

/** Returns the updated copy of `doc` (never mutates it). */
export function applyUpdate(doc: Document, spec: UpdateSpec, options: { filter?: Document; arrayFilters?: Document[]; inserting?: boolean }): Document {
  if (Array.isArray(spec)) {
    const [result] = new Aggregator(spec).run([clone(doc)]) as Document[];
    if (keyOf(result._id) !== keyOf(doc._id)) throw errors.immutableField("Performing an update on the path '_id' would modify the immutable field '_id'");
    return result;
  }
  if (!isOperatorUpdate(spec)) {
    const replacement = spec as Document;
    const keys = Object.keys(replacement);
    if (keys.some((k) => k.startsWith('$'))) throw errors.failedToParse('a replacement document cannot contain update operators');
    if (replacement._id !== undefined && keyOf(replacement._id) !== keyOf(doc._id)) {
      throw errors.immutableField("After applying the update, the (immutable) field '_id' was found to have been altered");
    }
    const { _id: _ignored, ...fields } = clone(replacement);
    return { _id: doc._id, ...fields };
  }

  const operators: Document = { ...(spec as Document) };
  const setOnInsert = operators.$setOnInsert as Document | undefined;
  delete operators.$setOnInsert;
  if (options.inserting && setOnInsert) operators.$set = { ...(operators.$set as Document | undefined), ...setOnInsert };
  checkOperators(operators, doc);
  moveLongArithmetic(operators, doc);

  const result = clone(doc);
  if (Object.keys(operators).length) {
    try {
      mingoUpdate(result, operators as never, options.arrayFilters, options.filter as never, { cloneMode: 'deep' });
    } catch (err) {
      throw translateMingoError(err);
    }
  }
  if (keyOf(result._id) !== keyOf(doc._id)) throw errors.immutableField("Performing an update on the path '_id' would modify the immutable field '_id'");
  return result;
}

/**
 * $inc with a Long beyond 2^53 on either side cannot be done in JS numbers without losing precision (mingo would
 * leave the field unchanged): do it with BigInt here and hand mingo a $set of the result instead.
 */
function moveLongArithmetic(operators: Document, doc: Document): void {
  const inc = operators.$inc as Document | undefined;
  if (!inc) return;
  for (const [path, by] of Object.entries(inc)) {
    const current = getPath(doc, path);
    if (!(current instanceof Long) && !(by instanceof Long)) continue;
    const sum = BigInt(String(current ?? 0)) + BigInt(String(by));
    const result = Long.fromBigInt(sum);
    const safe = sum <= BigInt(Number.MAX_SAFE_INTEGER) && sum >= BigInt(Number.MIN_SAFE_INTEGER);
    operators.$set = { ...(operators.$set as Document | undefined), [path]: safe ? Number(sum) : result };
    delete inc[path];
  }
  if (Object.keys(inc).length === 0) delete operators.$inc;
}

/** The checks mongod makes that mingo does not: conflicting paths and arithmetic on non-numbers. */
function checkOperators(operators: Document, doc: Document): void {
  const seen: string[] = [];
  for (const [op, fields] of Object.entries(operators)) {
    if (!op.startsWith('$')) throw errors.failedToParse(`Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update`);
    if (!isPlainObject(fields)) throw errors.failedToParse(`Modifiers operate on fields but we found type ${typeof fields} instead`);
    for (const path of Object.keys(fields)) {
      // Like mongod, a positional segment ($, $[], $[id]) is one path component: 'a.$.x' and 'a.$.y' touch
      // different fields of the matched element, while 'a' and 'a.$.x' overlap.
      const clash = seen.find((p) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`));
      if (clash) throw errors.conflictingUpdate(`Updating the path '${path}' would create a conflict at '${clash}'`);
      seen.push(path);
      if (op === '$inc' || op === '$mul') {
        const current = getPath(doc, path);
        if (current !== undefined && current !== null && typeof current !== 'number' && !isNumericWrapper(current)) {
          throw errors.typeMismatch(`Cannot apply ${op} to a value of non-numeric type. {_id: ${String(doc._id)}} has the field '${path}' of non-numeric type ${typeName(current)}`);
        }
        const by = (fields as Document)[path];
        if (typeof by !== 'number' && !isNumericWrapper(by)) throw errors.typeMismatch(`Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(by)}}`);
      }
      if ((op === '$set' || op === '$unset' || op === '$inc') && path === '_id' && op !== '$set') throw errors.immutableField("Performing an update on the path '_id' would modify the immutable field '_id'");
    }
  }
}

function isNumericWrapper(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ['Long', 'Int32', 'Double', 'Decimal128'].includes((value as { _bsontype?: string })._bsontype ?? '');
}

function typeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof ObjectId) return 'objectId';
  return typeof value;
}

function translateMingoError(err: unknown): MongoCommandError {
  if (err instanceof MongoCommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/_id/.test(message) && /immutable|modify/i.test(message)) return errors.immutableField(message);
  if (/conflict/i.test(message)) return errors.conflictingUpdate(message);
  return errors.badValue(message);
}

/** The new document an upsert starts from: _id first, then the query's equality predicates. */
export function seedFromFilter(filter: Document | undefined): Document {
  const seed: Document = {};
  const visit = (f: Document | undefined) => {
    if (!f) return;
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) value.forEach((part) => visit(part as Document));
      if (key.startsWith('$')) continue;
      // A regular expression is a predicate, not a value: mongod does not copy it into the upserted document.
      if (value instanceof RegExp || (value as { _bsontype?: string })?._bsontype === 'BSONRegExp') continue;
      if (isPlainObject(value)) {
        const ops = Object.keys(value);
        if (ops.length && ops.every((k) => k.startsWith('$'))) {
          if ('$eq' in value) setPath(seed, key, clone({ v: value.$eq }).v);
          continue;
        }
      }
      setPath(seed, key, clone({ v: value }).v);
    }
  };
  visit(filter);
  return seed;
}

/** Builds the document an upsert inserts. */
export function buildUpsert(filter: Document | undefined, spec: UpdateSpec, arrayFilters?: Document[]): Document {
  const seed = seedFromFilter(filter);
  const replacement = !Array.isArray(spec) && !isOperatorUpdate(spec) ? (spec as Document) : undefined;
  const id = seed._id ?? replacement?._id ?? new ObjectId();
  const base: Document = { ...seed, _id: id };
  if (replacement) {
    const { _id: _ignored, ...fields } = clone(replacement);
    return { _id: id, ...fields };
  }
  const result = applyUpdate(base, spec, { arrayFilters, inserting: true });
  // _id always first, as mongod writes it.
  const { _id, ...rest } = result;
  return { _id, ...rest };
}
