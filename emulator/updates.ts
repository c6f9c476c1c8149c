/**
 * Applying update specifications the way MongoDB does: operator documents (through mingo), replacement
 * documents, pipeline updates, and upsert seeding from the query's equality predicates.
 */
import { Long, ObjectId, type Document } from 'bson';
import { update as mingoUpdate } from 'mingo';
import { Aggregator, Query } from './mingo.js';
import { errors, MongoCommandError } from './errors.js';
import { clone, displayValue, getPath, isPlainObject, keyOf, setPath } from './values.js';

export type UpdateSpec = Document | Document[];

export function isOperatorUpdate(spec: UpdateSpec): boolean {
  return !Array.isArray(spec) && Object.keys(spec).some((k) => k.startsWith('$'));
}

/** Returns the updated copy of `doc` (never mutates it). */
export function applyUpdate(doc: Document, spec: UpdateSpec, options: { filter?: Document; arrayFilters?: Document[]; inserting?: boolean; variables?: Document }): Document {
  if (Array.isArray(spec)) {
    let [result] = new Aggregator(spec, options.variables ? { variables: options.variables } : {}).run([clone(doc)]) as Document[];
    // A pipeline whose output has no _id ($replaceRoot, $project without it) keeps the original one, as mongod does.
    if (result._id === undefined) result = { _id: doc._id, ...result };
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

  // Conflicts are judged on the paths as written, $setOnInsert included (mongod parses it on every update).
  checkConflicts(spec as Document);
  const operators: Document = { ...(spec as Document) };
  const setOnInsert = operators.$setOnInsert as Document | undefined;
  delete operators.$setOnInsert;
  if (options.inserting && setOnInsert) operators.$set = { ...(operators.$set as Document | undefined), ...setOnInsert };
  // Positional paths become concrete ones, all against the document as it was (mongod resolves `$` once).
  const concrete = resolvePositional(operators, doc, options.filter, options.arrayFilters);
  checkArithmetic(concrete, doc);
  checkPathsViable(concrete, doc);
  moveLongArithmetic(concrete, doc);

  const result = clone(doc);
  if (Object.keys(concrete).length) {
    try {
      mingoUpdate(result, concrete as never, undefined, undefined, { cloneMode: 'deep' });
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

/** Conflicting paths, as mongod sees them: a positional segment ($, $[], $[id]) is one path component. */
function checkConflicts(operators: Document): void {
  const seen: string[] = [];
  for (const [op, fields] of Object.entries(operators)) {
    if (!op.startsWith('$')) throw errors.failedToParse(`Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update`);
    if (!isPlainObject(fields)) throw errors.failedToParse(`Modifiers operate on fields but we found type ${typeof fields} instead`);
    const paths = Object.keys(fields);
    // $rename writes its target path too.
    if (op === '$rename') paths.push(...Object.values(fields).filter((t): t is string => typeof t === 'string'));
    for (const path of paths) {
      // 'a.$.x' and 'a.$.y' touch different fields of the matched element, while 'a' and 'a.$.x' overlap.
      const clash = seen.find((p) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`));
      if (clash) throw errors.conflictingUpdate(`Updating the path '${path}' would create a conflict at '${clash}'`);
      seen.push(path);
      if (op !== '$set' && op !== '$setOnInsert' && path === '_id') throw errors.immutableField("Performing an update on the path '_id' would modify the immutable field '_id'");
    }
  }
}

/** $inc/$mul on a non-number, or by a non-number: mongod's TypeMismatch (mingo would skip it silently). */
function checkArithmetic(operators: Document, doc: Document): void {
  for (const op of ['$inc', '$mul']) {
    for (const [path, by] of Object.entries((operators[op] as Document | undefined) ?? {})) {
      const current = getPath(doc, path);
      if (current !== undefined && current !== null && typeof current !== 'number' && !isNumericWrapper(current)) {
        throw errors.typeMismatch(`Cannot apply ${op} to a value of non-numeric type. {_id: ${String(doc._id)}} has the field '${path}' of non-numeric type ${typeName(current)}`);
      }
      if (typeof by !== 'number' && !isNumericWrapper(by)) throw errors.typeMismatch(`Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(by)}}`);
    }
  }
}

/** Operators that create the path they name when it is missing. */
const CREATING_OPERATORS = ['$set', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate', '$bit'];

/**
 * mongod's PathNotViable (28): a creating operator whose path runs into a scalar (`a.b` where a is 1) or into an
 * array by a field name (`tags.x` where tags is an array). mingo would skip such a path without a word.
 */
function checkPathsViable(operators: Document, doc: Document): void {
  for (const op of CREATING_OPERATORS) {
    for (const path of Object.keys((operators[op] as Document | undefined) ?? {})) {
      const parts = path.split('.');
      let current: unknown = doc;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        const holds = Array.isArray(current) ? /^\d+$/.test(part) : isPlainObject(current);
        if (!holds) throw pathNotViable(part, parts.slice(0, i).join('.'), current);
        const next = (current as Document)[part];
        if (next === undefined) break;
        current = next;
      }
    }
  }
}

function pathNotViable(field: string, at: string, value: unknown): MongoCommandError {
  return new MongoCommandError(28, 'PathNotViable', `Cannot create field '${field}' in element {${at}: ${displayValue(value)}}`);
}

/**
 * Rewrites positional paths into concrete ones before mingo sees them (mingo takes two positional paths into one
 * array for a conflict, which mongod accepts): `$` becomes the index of the first element the filter's condition
 * on that array matches, `$[]` every index, `$[id]` every index whose element passes the array filter `id`.
 */
export function resolvePositional(operators: Document, doc: Document, filter: Document | undefined, arrayFilters: Document[] | undefined): Document {
  const filters = new Map<string, Query>();
  for (const arrayFilter of arrayFilters ?? []) {
    const ids = new Set(Object.keys(arrayFilter).map((k) => k.split('.')[0]));
    if (ids.size !== 1) throw errors.failedToParse(`Error parsing array filter :: caused by :: Expected a single top-level field name, found ${[...ids].map((i) => `'${i}'`).join(' and ')}`);
    const [id] = ids;
    if (filters.has(id)) throw errors.failedToParse(`Found multiple array filters with the same top-level field name ${id}`);
    filters.set(id, new Query(arrayFilter));
  }
  const used = new Set<string>();
  const firstMatch = new Map<string, number>();
  const positionOf = (arrayPath: string, array: unknown): number => {
    if (firstMatch.has(arrayPath)) return firstMatch.get(arrayPath)!;
    const index = Array.isArray(array) ? matchedPosition(filter, arrayPath, array) : -1;
    if (index < 0) throw errors.badValue('The positional operator did not find the match needed from the query.');
    firstMatch.set(arrayPath, index);
    return index;
  };
  const out: Document = {};
  for (const [op, fields] of Object.entries(operators)) {
    if (!isPlainObject(fields)) {
      out[op] = fields;
      continue;
    }
    const rewritten: Document = {};
    for (const [path, value] of Object.entries(fields)) {
      const parts = path.split('.');
      if (!parts.some(isPositional)) {
        if (Object.hasOwn(rewritten, path)) throw errors.conflictingUpdate(`Update created a conflict at '${path}'`);
        rewritten[path] = value;
        continue;
      }
      if (op === '$rename') throw errors.badValue(`The source field for $rename may not be dynamic: ${path}`);
      if (parts.filter((p) => p === '$').length > 1) throw errors.badValue(`Too many positional (i.e. '$') elements found in path '${path}'`);
      const concrete: string[] = [];
      const walk = (value: unknown, i: number, prefix: string[]) => {
        if (i === parts.length) {
          concrete.push(prefix.join('.'));
          return;
        }
        const part = parts[i];
        if (!isPositional(part)) {
          const child = Array.isArray(value) || isPlainObject(value) ? (value as Document)[part] : undefined;
          if (child === undefined && parts.slice(i + 1).some(isPositional)) {
            if (parts.slice(i + 1).includes('$')) throw errors.badValue('The positional operator did not find the match needed from the query.');
            throw errors.badValue(`The path '${[...prefix, part].join('.')}' must exist in the document in order to apply array updates.`);
          }
          walk(child, i + 1, [...prefix, part]);
          return;
        }
        if (part === '$') {
          const arrayPath = parts.slice(0, i).filter((p) => !isPositional(p) && !/^\d+$/.test(p)).join('.');
          const index = positionOf(arrayPath, value);
          walk((value as unknown[])[index], i + 1, [...prefix, String(index)]);
          return;
        }
        if (!Array.isArray(value)) throw errors.badValue(`Cannot apply array updates to non-array element ${prefix.join('.')}: ${displayValue(value)}`);
        const id = part.slice(2, -1);
        let test: ((element: unknown) => boolean) | undefined;
        if (id) {
          const query = filters.get(id);
          if (!query) throw errors.badValue(`No array filter found for identifier '${id}' in path '${path}'`);
          used.add(id);
          test = (element) => query.test({ [id]: element });
        }
        value.forEach((element, index) => {
          if (!test || test(element)) walk(element, i + 1, [...prefix, String(index)]);
        });
      };
      walk(doc, 0, []);
      // Two paths of one operator that land on the same element ('n.2' and 'n.$' matching index 2) are a
      // conflict for mongod, not a last-one-wins.
      for (const target of concrete) {
        if (Object.hasOwn(rewritten, target)) throw errors.conflictingUpdate(`Update created a conflict at '${target}'`);
        rewritten[target] = value;
      }
    }
    if (Object.keys(rewritten).length) out[op] = rewritten;
  }
  for (const id of filters.keys()) if (!used.has(id)) throw errors.failedToParse(`The array filter for identifier '${id}' was not used in the update ${JSON.stringify(operators)}`);
  return out;
}

function isPositional(part: string): boolean {
  return part === '$' || (part.startsWith('$[') && part.endsWith(']'));
}

/**
 * The element of `array` (at `arrayPath`) that the filter matched: the first one that satisfies every condition the
 * filter puts on that array (top level and inside $and), else the first that satisfies any of them; -1 if none.
 */
function matchedPosition(filter: Document | undefined, arrayPath: string, array: unknown[]): number {
  const conditions: Query[] = [];
  const collect = (f: Document | undefined) => {
    for (const [key, value] of Object.entries(f ?? {})) {
      if (key === '$and' && Array.isArray(value)) value.forEach((part) => collect(part as Document));
      else if (key === arrayPath || key.startsWith(`${arrayPath}.`)) conditions.push(new Query({ [key]: value }));
    }
  };
  collect(filter);
  if (!conditions.length) return -1;
  const wrap = (element: unknown) => {
    const probe: Document = {};
    setPath(probe, arrayPath, [element]);
    return probe;
  };
  const all = array.findIndex((element) => conditions.every((q) => q.test(wrap(element))));
  return all >= 0 ? all : array.findIndex((element) => conditions.some((q) => q.test(wrap(element))));
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
export function buildUpsert(filter: Document | undefined, spec: UpdateSpec, arrayFilters?: Document[], variables?: Document): Document {
  const seed = seedFromFilter(filter);
  const replacement = !Array.isArray(spec) && !isOperatorUpdate(spec) ? (spec as Document) : undefined;
  // An _id the filter pins, null included ({_id: null} upserts a document whose _id is null, as on mongod).
  const id = '_id' in seed ? seed._id : replacement && '_id' in replacement ? replacement._id : new ObjectId();
  const base: Document = { ...seed, _id: id };
  if (replacement) {
    const { _id: _ignored, ...fields } = clone(replacement);
    return { _id: id, ...fields };
  }
  const result = applyUpdate(base, spec, { arrayFilters, inserting: true, variables });
  // _id always first, as mongod writes it.
  const { _id, ...rest } = result;
  return { _id, ...rest };
}
