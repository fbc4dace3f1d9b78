/*
 * @platformatic/kafka encodes a record batch as a DynamicBuffer: a list of small Buffers, about 9 a record
 * (varints of 1–2 bytes, the key, the value). Its `buffer` getter joins them with Buffer.concat twice a produce:
 * once to take the batch's CRC, once to write the request to the socket. Buffer.concat pays a native copy call
 * a chunk, which for 1-byte chunks is nearly all of its cost: profiled under Kinesis put over HTTP/1.1
 * (500 × 1 KiB a call), those two joins were 12% of the kinesis process's busy time; joining small chunks with a
 * plain byte loop makes them 2–4× cheaper (the same bytes; to 7–8% of busy time in the same profile). @platformatic/dynamic-buffer 0.3.1 is what
 * @platformatic/kafka 2.12.1 uses, both pinned in package.json; a later version whose getter is not where this
 * expects it is left as it is (the patch reports false).
 */

interface DynamicBufferLike {
  buffers: Buffer[];
  length: number;
}

const PATCHED = Symbol.for('wharf.dynamic-buffer.join');
/** Chunks up to this many bytes are copied by the loop; longer ones by TypedArray.set (one memcpy). */
const LOOP_COPY_MAX = 64;

/** The bytes of `chunks` in one Buffer, as `Buffer.concat(chunks, length)` when `length` is their sum. */
export function joinChunks(chunks: readonly Buffer[], length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const chunk of chunks) {
    const n = chunk.length;
    if (at + n > length) return Buffer.concat(chunks, length);
    if (n <= LOOP_COPY_MAX) for (let j = 0; j < n; j++) out[at + j] = chunk[j] as number;
    else out.set(chunk, at);
    at += n;
  }
  return at === length ? out : Buffer.concat(chunks, length);
}

/** Puts joinChunks behind DynamicBuffer's `buffer` getter, once per process. Returns whether it is in place. */
export async function joinDynamicBuffersFaster(): Promise<boolean> {
  // ESM only, like @platformatic/kafka itself: the same module instance the client imports.
  const { DynamicBuffer } = await import('@platformatic/dynamic-buffer');
  const proto = DynamicBuffer.prototype as unknown as DynamicBufferLike & { [PATCHED]?: true };
  if (proto[PATCHED]) return true;
  const original = Object.getOwnPropertyDescriptor(proto, 'buffer');
  const originalGet = original?.get;
  if (!originalGet || original.set) return false;
  Object.defineProperty(proto, 'buffer', {
    configurable: true,
    enumerable: original.enumerable,
    get(this: DynamicBufferLike) {
      const chunks = this.buffers;
      // Empty and single-chunk buffers keep the original answers (a shared empty Buffer, the chunk itself).
      return chunks.length < 2 ? originalGet.call(this) : joinChunks(chunks, this.length);
    },
  });
  proto[PATCHED] = true;
  return true;
}
