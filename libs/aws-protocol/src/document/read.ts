import type { AwsError } from '../errors';
import type { Member, Shape, StructShape } from '../model/shapes';
import { decodeBase64 } from './base64';

/** How a parsed JSON or CBOR document maps onto SDK input shapes. */
export interface ReadOptions {
  /** restJson1 uses member jsonName as the key. */
  readonly jsonName: boolean;
  /** CBOR: blobs arrive as byte strings, timestamps as Dates (tag 1). */
  readonly cbor: boolean;
  /** Builds the protocol's error for a client mistake. */
  readonly fail: (message: string) => AwsError;
}

/**
 * Thrown inside the walk and re-thrown outward with each level's key; the member path is only
 * built when something is wrong, not for every member of every request.
 */
class PathError extends Error {
  readonly segments: (string | number)[] = [];
}

const reject = (reason: string): never => {
  throw new PathError(reason);
};

function withSegment(e: unknown, segment: string | number): unknown {
  if (e instanceof PathError) e.segments.unshift(segment);
  return e;
}

function formatPath(segments: (string | number)[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
}

/** Reads the given members of a structure; unknown keys are ignored, null means absent. */
export function readStruct(
  shape: StructShape,
  value: unknown,
  opts: ReadOptions,
  path = '',
  members: readonly Member[] = shape.members,
): Record<string, unknown> {
  try {
    return readMembers(shape, value, opts, members);
  } catch (e) {
    if (!(e instanceof PathError)) throw e;
    const at = formatPath(path ? [path, ...e.segments] : e.segments);
    throw opts.fail(at ? `${e.message} at ${at}.` : `${e.message}.`);
  }
}

function readMembers(shape: StructShape, value: unknown, opts: ReadOptions, members: readonly Member[]): Record<string, unknown> {
  if (!isRecord(value)) reject('Expected an object');
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const m of members) {
    const v = src[opts.jsonName ? (m.jsonName ?? m.name) : m.name];
    if (v === null || v === undefined) continue;
    try {
      out[m.name] = read(m.shape, v, opts);
    } catch (e) {
      throw withSegment(e, m.name);
    }
    if (shape.union) break;
  }
  return out;
}

/** Reads one value against its shape; `path` names it in error messages. */
export function readValue(shape: Shape, v: unknown, opts: ReadOptions, path: string): unknown {
  try {
    return read(shape, v, opts);
  } catch (e) {
    if (!(e instanceof PathError)) throw e;
    const at = formatPath(path ? [path, ...e.segments] : e.segments);
    throw opts.fail(at ? `${e.message} at ${at}.` : `${e.message}.`);
  }
}

function read(shape: Shape, v: unknown, opts: ReadOptions): unknown {
  switch (shape.kind) {
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'number': {
      // An integer (a decimal string of one still accepted, as before); NaN, Infinity, a fraction or
      // out of range is the protocol's SerializationException, not a NaN handed to the operation.
      const n = typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' ? toInteger(v) : undefined;
      if (n !== undefined) return n;
      break;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'blob':
      if (v instanceof Uint8Array) return v.constructor === Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      if (typeof v === 'string') return decodeBase64(v) ?? reject('Invalid base64');
      break;
    case 'timestamp': {
      const d = readTimestamp(v);
      if (d) return d;
      break;
    }
    case 'document':
      return v;
    case 'bigint':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      break;
    case 'bigdecimal':
      if (typeof v === 'number' || typeof v === 'string') return v;
      break;
    case 'list':
      if (Array.isArray(v)) {
        const out: unknown[] = [];
        const member = shape.member.shape;
        for (let i = 0; i < v.length; i++) {
          const item = v[i];
          if (item === null || item === undefined) {
            if (shape.sparse) out.push(null);
            continue;
          }
          try {
            out.push(read(member, item, opts));
          } catch (e) {
            throw withSegment(e, i);
          }
        }
        return out;
      }
      break;
    case 'map':
      if (isRecord(v)) {
        const out: Record<string, unknown> = {};
        const valueShape = shape.value.shape;
        for (const k of Object.keys(v)) {
          const item = v[k];
          if (item === null || item === undefined) {
            if (shape.sparse) setKey(out, k, null);
            continue;
          }
          try {
            setKey(out, k, read(valueShape, item, opts));
          } catch (e) {
            throw withSegment(e, k);
          }
        }
        return out;
      }
      break;
    case 'struct':
      return readMembers(shape, v, opts, shape.members);
    case 'unit':
      return undefined;
  }
  return reject(`Unexpected ${describe(v)}: expected ${shape.kind}`);
}

/** Epoch seconds (number or numeric string), a Date (CBOR tag 1), or an ISO-8601 / HTTP date string. */
export function readTimestamp(v: unknown): Date | undefined {
  let d: Date | undefined;
  if (v instanceof Date) d = v;
  else if (typeof v === 'number') d = new Date(Math.round(v * 1000));
  else if (typeof v === 'string') {
    const n = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v) ? Number(v) : NaN;
    d = Number.isNaN(n) ? new Date(v) : new Date(Math.round(n * 1000));
  }
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/**
 * The SDK's schemas give every numeric member the same type (1), so integer and float are not told apart;
 * the numeric inputs of SQS, SNS, Kinesis and MQ are all integer or long, read as such: an integer within
 * the long range, or undefined.
 */
export function toInteger(v: number | bigint | string): number | undefined {
  if (typeof v === 'string') {
    if (!/^[+-]?\d+$/.test(v.trim())) return undefined;
    v = Number(v);
  }
  if (typeof v === 'bigint') return v >= LONG_MIN && v <= LONG_MAX ? Number(v) : undefined;
  return Number.isInteger(v) && v >= Number(LONG_MIN) && v < -Number(LONG_MIN) ? v : undefined;
}
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** Assigns without letting a `__proto__` key from the wire change the prototype. */
export function setKey(obj: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(obj, k, { value: v, writable: true, enumerable: true, configurable: true });
  else obj[k] = v;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'byte string';
  return typeof v;
}

