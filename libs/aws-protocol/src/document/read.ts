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

/** Reads the given members of a structure; unknown keys are ignored, null means absent. */
export function readStruct(
  shape: StructShape,
  value: unknown,
  opts: ReadOptions,
  path = '',
  members: readonly Member[] = shape.members,
): Record<string, unknown> {
  if (!isRecord(value)) throw opts.fail(`Expected an object${at(path)}.`);
  const out: Record<string, unknown> = {};
  for (const m of members) {
    const v = value[opts.jsonName ? (m.jsonName ?? m.name) : m.name];
    if (v === null || v === undefined) continue;
    out[m.name] = readValue(m.shape, v, opts, path ? `${path}.${m.name}` : m.name);
    if (shape.union) break;
  }
  return out;
}

export function readValue(shape: Shape, v: unknown, opts: ReadOptions, path: string): unknown {
  switch (shape.kind) {
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'number':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'string') {
        const n = parseNumber(v);
        if (n !== undefined) return n;
      }
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'blob':
      if (v instanceof Uint8Array) return v.constructor === Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      if (typeof v === 'string') {
        const bytes = decodeBase64(v);
        if (bytes) return bytes;
        throw opts.fail(`Invalid base64${at(path)}.`);
      }
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
        for (let i = 0; i < v.length; i++) {
          const item = v[i];
          if (item === null || item === undefined) {
            if (shape.sparse) out.push(null);
            continue;
          }
          out.push(readValue(shape.member.shape, item, opts, `${path}[${i}]`));
        }
        return out;
      }
      break;
    case 'map':
      if (isRecord(v)) {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v)) {
          const item = v[k];
          if (item === null || item === undefined) {
            if (shape.sparse) setKey(out, k, null);
            continue;
          }
          setKey(out, k, readValue(shape.value.shape, item, opts, `${path}.${k}`));
        }
        return out;
      }
      break;
    case 'struct':
      return readStruct(shape, v, opts, path);
    case 'unit':
      return undefined;
  }
  throw opts.fail(`Unexpected ${describe(v)}${at(path)}: expected ${shape.kind}.`);
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

function parseNumber(s: string): number | undefined {
  if (s === 'NaN') return NaN;
  if (s === 'Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  if (s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

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

const at = (path: string) => (path ? ` at ${path}` : '');
