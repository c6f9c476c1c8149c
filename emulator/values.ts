/**
 * Value helpers: comparison keys for indexes, dotted-path access, deep clones that keep BSON types.
 */
import { BSON, Decimal128, Double, EJSON, Long, ObjectId, type Document } from 'bson';
import { DESERIALIZE_OPTIONS } from './wire.js';

/**
 * A string that is equal for values MongoDB treats as equal in an index: 1 and 1.0 alike (relaxed EJSON), and
 * ObjectIds, Dates and strings kept apart by type.
 */
export function keyOf(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return `s:${value}`;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? `n:${value}` : `n:${exactNumber(value)}`;
  if (value instanceof Long) return `n:${value.toString()}`;
  if (value instanceof Decimal128) return `n:${exactDecimal(value.toString())}`;
  if (typeof value === 'boolean') return `b:${value}`;
  if (value instanceof ObjectId) return `o:${value.toHexString()}`;
  if (value instanceof Date) return `d:${value.getTime()}`;
  return `e:${EJSON.stringify(value as Document, { relaxed: true })}`;
}

/**
 * A number's exact value as reduced decimal text ("25e-1" for 2.5, "1" for 1.0), so a Double, a Long and a
 * Decimal128 of the same value get the same key, as mongod's index compares them; -0 is 0.
 */
function exactNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return BigInt(n).toString();
  // n = mantissa * 2^exponent exactly; 2^-k = 5^k / 10^k.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? -1074 : biased - 1075);
  return reduce(negative, mantissa * 5n ** BigInt(-exponent), exponent);
}

function exactDecimal(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:E([+-]?\d+))?$/i.exec(text);
  if (!match) return text; // NaN, Infinity
  const [, sign, whole, fractionDigits = '', exp = '0'] = match;
  const digits = BigInt(`${whole}${fractionDigits}` || '0');
  return reduce(sign === '-', digits, Number(exp) - fractionDigits.length);
}

/** A finite number's exact value as signed digits * 10^exponent; NaN and infinities as a JS number. */
export function exactParts(value: unknown): { digits: bigint; exponent: number } | number {
  let text: string;
  if (typeof value === 'number') text = exactNumber(value);
  else if (value instanceof Long) text = value.toString();
  else if (value instanceof Decimal128) text = exactDecimal(value.toString());
  else return Number(value);
  const match = /^(-?\d+)(?:e(-?\d+))?$/.exec(text);
  if (!match) return Number(text.replace(/^-?NaN$/, 'NaN'));
  return { digits: BigInt(match[1]), exponent: Number(match[2] ?? 0) };
}

/** sign * digits * 10^exponent as "digits" or "digitsE<exponent>" with no trailing zeros in digits. */
function reduce(negative: boolean, digits: bigint, exponent: number): string {
  if (digits === 0n) return '0';
  while (digits % 10n === 0n) {
    digits /= 10n;
    exponent++;
  }
  const text = exponent >= 0 && exponent < 30 ? (digits * 10n ** BigInt(exponent)).toString() : `${digits}e${exponent}`;
  return negative ? `-${text}` : text;
}

/** Values at a dotted path; arrays along the way fan out (multikey), missing gives []. */
export function valuesAt(doc: unknown, path: string): unknown[] {
  const parts = path.split('.');
  let current: unknown[] = [doc];
  for (const part of parts) {
    const next: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        const index = Number(part);
        if (Number.isInteger(index) && String(index) === part) {
          if (index < value.length) next.push(value[index]);
        } else {
          for (const element of value) if (element && typeof element === 'object' && part in element) next.push((element as Document)[part]);
        }
      } else if (value && typeof value === 'object' && part in (value as Document)) {
        next.push((value as Document)[part]);
      }
    }
    current = next;
  }
  return current;
}

export function getPath(doc: Document, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Document)[part];
  }
  return current;
}

export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = doc;
  for (const part of parts.slice(0, -1)) {
    if (current[part] === null || typeof current[part] !== 'object') current[part] = {};
    current = current[part] as Document;
  }
  current[parts[parts.length - 1]] = value;
}

/** Deep copy through BSON itself, so ObjectId, Date, Binary, Decimal128 and Long survive exactly. */
export function clone<T extends Document>(doc: T): T {
  return BSON.deserialize(BSON.serialize(doc), DESERIALIZE_OPTIONS) as T;
}

export function sameDocument(a: Document, b: Document): boolean {
  return Buffer.from(BSON.serialize(a)).equals(BSON.serialize(b));
}

export function isPlainObject(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** Renders a value the way mongod prints it in an E11000 message. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return EJSON.stringify(value as Document, { relaxed: true });
  return String(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Number-type fidelity. Documents are matched and updated as plain JS numbers (what mingo understands), and the
// BSON number types that plain numbers would lose are kept in a small per-document overlay: a whole-number Double
// that would otherwise go back as Int32, and a Long within 2^53 that would go back as Int32 or Double. Everything
// else already round-trips (Int32 as a small integer, Double with a fraction or beyond Int32, big Longs as Long
// objects, Decimal128, dates, ids, binaries).
// ---------------------------------------------------------------------------------------------------------------

export type NumberType = 'int' | 'double' | 'long';
/** dotted path → the BSON type a plain number at that path must be written back as. */
export type TypeOverlay = Map<string, 'double' | 'long'>;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const bsonType = (value: unknown): string | undefined => (value && typeof value === 'object' ? (value as { _bsontype?: string })._bsontype : undefined);

/** The type the BSON serializer gives a plain JS number. */
export function defaultNumberType(n: number): NumberType {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX ? 'int' : 'double';
}

/** Number wrappers (from `promoteValues: false`) → plain numbers; a Long beyond 2^53 stays a Long. */
export function promote(value: unknown): unknown {
  const type = bsonType(value);
  if (type === 'Int32' || type === 'Double') return (value as { value: number }).value;
  if (type === 'Long') {
    const long = value as Long;
    return long.lessThanOrEqual(MAX_SAFE) && long.greaterThanOrEqual(MIN_SAFE) ? long.toNumber() : long;
  }
  if (Array.isArray(value)) return value.map(promote);
  if (isPlainObject(value)) {
    const out: Document = {};
    for (const [k, v] of Object.entries(value)) out[k] = promote(v);
    return out;
  }
  return value;
}

/** The type of a value as the client sent it, when it is a number. */
export function numberTypeOf(raw: unknown): NumberType | undefined {
  const type = bsonType(raw);
  if (type === 'Int32') return 'int';
  if (type === 'Double') return 'double';
  if (type === 'Long') return 'long';
  if (typeof raw === 'number') return defaultNumberType(raw);
  return undefined;
}

/**
 * Stored documents are read far more often than written, and a read of many (an aggregation over a user's rows)
 * costs mostly memory traffic, not computation. Two things at store time keep it down:
 *
 * - short strings are shared: the 100,000 "success" or "IDR" values of a collection are one string, not 100,000
 *   copies each to fetch from memory and hash when grouped or compared. A bounded pool, emptied when full, so
 *   unique values (order ids) cannot make it grow; a value seen again after that is simply shared anew.
 * - a document is built as an object literal of its keys (one generated constructor per key list), so its fields
 *   sit inside the object instead of in a separate properties store that `{}` plus assignments spills into.
 * Neither changes a value: strings are immutable and the keys keep their order.
 */
const INTERN_MAX_LENGTH = 32;
const INTERN_POOL_SIZE = 20_000;
const internPool = new Map<string, string>();
function intern(value: string): string {
  if (value.length > INTERN_MAX_LENGTH) return value;
  const known = internPool.get(value);
  if (known !== undefined) return known;
  if (internPool.size >= INTERN_POOL_SIZE) internPool.clear();
  internPool.set(value, value);
  return value;
}

const SHAPE_MAX_KEYS = 64;
const SHAPE_CACHE_SIZE = 2_000;
const shapes = new Map<string, (values: unknown[]) => Document>();
function shaped(keys: string[], values: unknown[]): Document {
  // `__proto__` in a literal would set the prototype instead of a field; long or many key lists are rare.
  if (keys.length === 0 || keys.length > SHAPE_MAX_KEYS || keys.includes('__proto__')) return assigned(keys, values);
  const signature = keys.join('\u0000');
  let make = shapes.get(signature);
  if (!make) {
    if (shapes.size >= SHAPE_CACHE_SIZE) return assigned(keys, values);
    make = new Function('v', `return {${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ')}};`) as (values: unknown[]) => Document;
    shapes.set(signature, make);
  }
  return make(values);
}

function assigned(keys: string[], values: unknown[]): Document {
  const out: Document = {};
  for (let i = 0; i < keys.length; i++) out[keys[i]] = values[i];
  return out;
}

/** Splits a document as received into its plain view and the overlay of types the view would lose. */
export function splitTypes(raw: Document): { view: Document; overlay?: TypeOverlay } {
  const overlay: TypeOverlay = new Map();
  const walk = (value: unknown, path: string): unknown => {
    const type = bsonType(value);
    if (type === 'Int32' || type === 'Double' || type === 'Long') {
      const plain = promote(value);
      if (typeof plain === 'number') {
        const wanted = numberTypeOf(value)!;
        if (wanted !== defaultNumberType(plain) && wanted !== 'int') overlay.set(path, wanted);
      }
      return plain;
    }
    if (typeof value === 'string') return intern(value);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}.${i}`));
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      const values = new Array<unknown>(keys.length);
      for (let i = 0; i < keys.length; i++) values[i] = walk(value[keys[i]], path ? `${path}.${keys[i]}` : keys[i]);
      return shaped(keys, values);
    }
    return value;
  };
  const view = walk(raw, '') as Document;
  return { view, overlay: overlay.size ? overlay : undefined };
}

/** The document to send or journal: the view with overlaid numbers wrapped back in their BSON types. */
export function joinTypes(view: Document, overlay: TypeOverlay | undefined): Document {
  if (!overlay) return view;
  let out = view;
  for (const [path, type] of overlay) {
    const current = getPath(out, path);
    if (typeof current !== 'number') continue;
    if (out === view) out = clone(view);
    setPathInPlace(out, path, type === 'double' ? new Double(current) : Long.fromNumber(current));
  }
  return out;
}

/**
 * The overlay of a document after an update: for each number in the new view, the type its operator implies
 * ($inc/$mul promote like mongod: double wins, then long, int overflowing to long), else the type of the
 * operand that set it, else the type it had if it did not change.
 */
export function overlayAfterUpdate(
  newView: Document,
  before: { view: Document; overlay?: TypeOverlay },
  rawSpec: Document | Document[] | undefined,
): TypeOverlay | undefined {
  const overlay: TypeOverlay = new Map();
  const ops = rawSpec && !Array.isArray(rawSpec) ? rawSpec : {};
  const replacement = rawSpec && !Array.isArray(rawSpec) && !Object.keys(rawSpec).some((k) => k.startsWith('$')) ? rawSpec : undefined;
  const typeBefore = (path: string, value: number): NumberType => before.overlay?.get(path) ?? defaultNumberType(value);
  const resolve = (path: string, value: number): NumberType | undefined => {
    for (const op of ['$inc', '$mul'] as const) {
      const operand = (ops[op] as Document | undefined)?.[path];
      if (operand === undefined) continue;
      const previous = getPath(before.view, path);
      const a = typeof previous === 'number' ? typeBefore(path, previous) : 'int';
      const b = numberTypeOf(operand) ?? 'int';
      if (a === 'double' || b === 'double') return 'double';
      if (a === 'long' || b === 'long') return 'long';
      return value >= INT32_MIN && value <= INT32_MAX ? 'int' : 'long';
    }
    for (const source of [ops.$set, ops.$setOnInsert, replacement] as (Document | undefined)[]) {
      if (!source) continue;
      const operand = source === replacement ? getPath(source, path) : (source[path] ?? getPath(source, path));
      const type = numberTypeOf(operand);
      if (type && promote(operand) === value) return type;
    }
    const previous = getPath(before.view, path);
    if (previous === value) return typeBefore(path, value);
    return undefined;
  };
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'number') {
      const type = resolve(path, value);
      if (type && type !== 'int' && type !== defaultNumberType(value)) overlay.set(path, type);
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}.${i}`));
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(newView, '');
  return overlay.size ? overlay : undefined;
}

function setPathInPlace(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current: any = doc;
  for (const part of parts.slice(0, -1)) current = current[part];
  current[parts[parts.length - 1]] = value;
}

const MAX_SAFE = Long.fromNumber(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = Long.fromNumber(Number.MIN_SAFE_INTEGER);

const accessors = new Map<string, (doc: Document) => unknown>();

/**
 * A function reading one top-level field, generated per field name: V8 then caches the property's location per
 * field in each accessor, where one shared `doc[name]` with a variable name goes megamorphic and reads every
 * field slowly (it is the hottest line of a grouping over 100k documents otherwise). Own properties only.
 */
export function fieldReader(name: string): (doc: Document) => unknown {
  let reader = accessors.get(name);
  if (!reader) {
    const key = JSON.stringify(name);
    // A name Object.prototype also has ('constructor', 'toString') must read as missing when the document lacks it.
    const body = name in Object.prototype ? `return Object.prototype.hasOwnProperty.call(doc, ${key}) ? doc[${key}] : undefined;` : `return doc[${key}];`;
    reader = new Function('doc', body) as (doc: Document) => unknown;
    if (accessors.size < 10_000) accessors.set(name, reader);
  }
  return reader;
}
