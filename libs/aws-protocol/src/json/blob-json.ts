import { encodeBase64 } from '../document/base64';
import type { Shape, StructShape } from '../model/shapes';

/**
 * JSON text of an output document whose blobs are still bytes (`keepBlobs`), as one Buffer; the same text
 * JSON.stringify gives when each blob is its base64 string. A GetRecords answer of 10,000 × 1 KiB records is
 * ~15 MB, ~10 MB of it base64: JSON.stringify scanned every base64 string for characters to escape, and the
 * socket then encoded the whole string to UTF-8 again. Here each blob is base64'd once, into the answer's own
 * bytes, and only the rest goes through JSON.stringify (its strings: names, sequence numbers, keys).
 *
 * The shape only supplies each struct's keys as ready-made JSON text; the document decides what is written
 * (its keys in their order, as JSON.stringify would).
 */
export function blobJson(shape: Shape, doc: unknown): Buffer {
  const out: Out = { parts: [], text: '' };
  write(shape, doc, out);
  const parts = out.parts;
  const tail = out.text;
  let size = Buffer.byteLength(tail, 'utf8');
  for (let i = 0; i < parts.length; i += 2) size += Buffer.byteLength(parts[i] as string, 'utf8') + base64Length((parts[i + 1] as Uint8Array).byteLength);
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < parts.length; i += 2) {
    at += buf.write(parts[i] as string, at, 'utf8');
    at += buf.write(encodeBase64(parts[i + 1] as Uint8Array), at, 'latin1');
  }
  buf.write(tail, at, 'utf8');
  return buf;
}

/** Whether an output of this shape can hold a blob anywhere (then blobJson writes it). */
export function carriesBlobs(shape: Shape): boolean {
  let known = blobCarriers.get(shape);
  if (known === undefined) {
    known = reachesBlob(shape, new Set());
    blobCarriers.set(shape, known);
  }
  return known;
}

/** Text before each blob, then the blob, alternately; `text` is what follows the last blob so far. */
interface Out {
  parts: (string | Uint8Array)[];
  text: string;
}

const blobCarriers = new WeakMap<Shape, boolean>();
const memberKeys = new WeakMap<StructShape, Map<string, { text: string; shape: Shape }>>();

function reachesBlob(shape: Shape, seen: Set<Shape>): boolean {
  if (seen.has(shape)) return false; // recursive shapes: the first visit answers
  seen.add(shape);
  switch (shape.kind) {
    case 'blob':
      return true;
    case 'list':
      return reachesBlob(shape.member.shape, seen);
    case 'map':
      return reachesBlob(shape.value.shape, seen);
    case 'struct':
      return shape.members.some((m) => reachesBlob(m.shape, seen));
    default:
      return false;
  }
}

const base64Length = (n: number) => Math.ceil(n / 3) * 4;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Skipped as object values by JSON.stringify, written as null in arrays. */
const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** Each key of a struct as JSON text (`"Data":`), by its name and its jsonName, with the member's shape. */
function keysOf(shape: StructShape): Map<string, { text: string; shape: Shape }> {
  let keys = memberKeys.get(shape);
  if (!keys) {
    keys = new Map();
    for (const m of shape.members) {
      for (const k of [m.name, m.jsonName]) if (k !== undefined && !keys.has(k)) keys.set(k, { text: `${JSON.stringify(k)}:`, shape: m.shape });
    }
    memberKeys.set(shape, keys);
  }
  return keys;
}

function write(shape: Shape | undefined, v: unknown, out: Out): void {
  if (v instanceof Uint8Array) {
    out.parts.push(`${out.text}"`, v);
    out.text = '"';
    return;
  }
  if (shape !== undefined && Array.isArray(v) && shape.kind === 'list') {
    out.text += '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.text += ',';
      const item: unknown = v[i];
      if (omitted(item) || item === null) out.text += 'null';
      else write(shape.member.shape, item, out);
    }
    out.text += ']';
    return;
  }
  if (shape !== undefined && (shape.kind === 'struct' || shape.kind === 'map') && isPlainObject(v)) {
    const keys = shape.kind === 'struct' ? keysOf(shape) : undefined;
    out.text += '{';
    let first = true;
    for (const k in v) {
      const item = v[k];
      if (omitted(item)) continue;
      const member = keys?.get(k);
      out.text += `${first ? '' : ','}${member ? member.text : `${JSON.stringify(k)}:`}`;
      first = false;
      if (item === null) out.text += 'null';
      else write(shape.kind === 'map' ? shape.value.shape : member?.shape, item, out);
    }
    out.text += '}';
    return;
  }
  // Scalars, documents, and anything the shape does not describe: as JSON.stringify writes them (no blob inside).
  out.text += JSON.stringify(v) ?? 'null';
}
