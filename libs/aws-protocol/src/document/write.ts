import type { Member, Shape, StructShape, TimestampFormat } from '../model/shapes';
import { encodeBase64 } from './base64';
import { setKey } from './read';

/** How SDK output shapes become a plain document for JSON.stringify or the CBOR encoder. */
export interface WriteOptions {
  readonly jsonName: boolean;
  /** CBOR keeps blobs as bytes and Dates as Dates (the encoder writes tag 1 + epoch ms). */
  readonly cbor: boolean;
  /** Blobs stay bytes, counted here, for a JSON writer that base64s them straight into its output (json/blob-json.ts). */
  readonly keepBlobs?: { count: number };
  /** Timestamp format when the member has no trait: epoch seconds for the JSON protocols. */
  readonly defaultTimestamp: TimestampFormat;
}

export function writeStruct(
  shape: StructShape,
  value: unknown,
  opts: WriteOptions,
  members: readonly Member[] = shape.members,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof value !== 'object' || value === null) return out;
  const src = value as Record<string, unknown>;
  for (const m of members) {
    const v = src[m.name];
    if (v === null || v === undefined) continue;
    out[opts.jsonName ? (m.jsonName ?? m.name) : m.name] = writeValue(m.shape, v, opts, m.name);
  }
  return out;
}

export function writeValue(shape: Shape, v: unknown, opts: WriteOptions, path: string): unknown {
  switch (shape.kind) {
    case 'string':
      return typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : String(v);
    case 'number': {
      const n = typeof v === 'number' ? v : Number(v);
      if (opts.cbor) return Number.isSafeInteger(n) && (n > 0xffffffff || n < -0x80000000) ? BigInt(n) : n;
      return Number.isFinite(n) ? n : String(n); // the SDK reads "NaN" / "Infinity" strings
    }
    case 'boolean':
      return typeof v === 'boolean' ? v : v === 'true' || v === 1;
    case 'blob': {
      const bytes = toBytes(v);
      if (opts.cbor) return bytes;
      if (opts.keepBlobs) {
        opts.keepBlobs.count++;
        return bytes;
      }
      return encodeBase64(bytes);
    }
    case 'timestamp':
      return writeTimestamp(toDate(v, path), shape.format === 4 ? opts.defaultTimestamp : shape.format, opts.cbor);
    case 'document':
    case 'bigdecimal':
      return v;
    case 'bigint':
      return typeof v === 'bigint' ? (opts.cbor ? v : Number(v)) : v;
    case 'list': {
      const items = Array.isArray(v) ? v : isIterable(v) ? [...v] : fail(path, 'list');
      const out: unknown[] = [];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (item === null || item === undefined) {
          if (shape.sparse) out.push(null);
          continue;
        }
        out.push(writeValue(shape.member.shape, item, opts, path));
      }
      return out;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      const entries = v instanceof Map ? [...v.entries()] : typeof v === 'object' && v ? Object.entries(v) : fail(path, 'map');
      for (const [k, item] of entries) {
        if (item === null || item === undefined) {
          if (shape.sparse) setKey(out, String(k), null);
          continue;
        }
        setKey(out, String(k), writeValue(shape.value.shape, item, opts, path));
      }
      return out;
    }
    case 'struct':
      if (typeof v !== 'object' || v === null) fail(path, 'structure');
      if (shape.union) {
        // A union carries exactly one member: write the first one present.
        const src = v as Record<string, unknown>;
        const m = shape.members.find((x) => src[x.name] !== undefined && src[x.name] !== null);
        return m ? { [opts.jsonName ? (m.jsonName ?? m.name) : m.name]: writeValue(m.shape, src[m.name], opts, path) } : {};
      }
      return writeStruct(shape, v, opts);
    case 'unit':
      return undefined;
  }
}

export function writeTimestamp(d: Date, format: TimestampFormat, cbor: boolean): unknown {
  if (cbor) return d;
  switch (format) {
    case 5:
      return d.toISOString();
    case 6:
      return d.toUTCString();
    default:
      return d.getTime() / 1000;
  }
}

/** Dates as the SDK types them; numbers are epoch milliseconds (JS convention), strings ISO-8601. */
export function toDate(v: unknown, path: string): Date {
  const d = v instanceof Date ? v : typeof v === 'number' || typeof v === 'string' ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime())) fail(path, 'timestamp');
  return d as Date;
}

export function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return fail('', 'blob');
}

const isIterable = (v: unknown): v is Iterable<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function';

/** Output shape mismatches are engine bugs: a plain Error, which encodeError turns into a 500. */
function fail(path: string, expected: string): never {
  throw new TypeError(`aws-protocol: output member ${path || '(root)'} is not a ${expected}`);
}
