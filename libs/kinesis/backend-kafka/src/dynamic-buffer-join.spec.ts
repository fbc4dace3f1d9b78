import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { joinChunks, joinDynamicBuffersFaster } from './dynamic-buffer-join';

/** Chunks shaped like a record batch's: mostly 1–2 byte varints, some keys, some values, a few empty. */
function chunksLike(count: number, seed: number): Buffer[] {
  let x = seed;
  const next = () => (x = (x * 1_103_515_245 + 12_345) >>> 0);
  const sizes = [0, 1, 1, 1, 2, 2, 4, 8, 37, 64, 65, 1024];
  return Array.from({ length: count }, () => {
    const chunk = Buffer.allocUnsafe(sizes[next() % sizes.length] ?? 0);
    for (let i = 0; i < chunk.length; i++) chunk[i] = next() & 0xff;
    return chunk;
  });
}

describe('joinChunks', () => {
  it('gives the bytes Buffer.concat gives, for lists of every shape', () => {
    for (const [count, seed] of [[0, 1], [1, 2], [2, 3], [50, 4], [4_500, 5]] as const) {
      const chunks = chunksLike(count, seed);
      const length = chunks.reduce((n, c) => n + c.length, 0);
      expect(joinChunks(chunks, length).equals(Buffer.concat(chunks, length))).toBe(true);
    }
  });

  it('takes plain Uint8Array views as well as Buffers', () => {
    const backing = Buffer.from('0123456789abcdef');
    const chunks = [new Uint8Array(backing.buffer, backing.byteOffset + 2, 3), Buffer.from([1, 2]), backing.subarray(10)] as Buffer[];
    expect(joinChunks(chunks, 11)).toEqual(Buffer.concat(chunks, 11));
  });

  it('a length that is not the chunks\' sum gets Buffer.concat\'s answer (truncated, or zero-filled)', () => {
    const chunks = [Buffer.from([1, 2, 3]), Buffer.from([4, 5])];
    expect(joinChunks(chunks, 4)).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(joinChunks(chunks, 7)).toEqual(Buffer.from([1, 2, 3, 4, 5, 0, 0]));
  });
});

describe('joinDynamicBuffersFaster', () => {
  it('patches the DynamicBuffer that @platformatic/kafka itself imports', () => {
    const require = createRequire(__filename);
    const fromKafka = createRequire(require.resolve('@platformatic/kafka')).resolve('@platformatic/dynamic-buffer');
    expect(fromKafka).toBe(require.resolve('@platformatic/dynamic-buffer'));
  });

  it('keeps every DynamicBuffer answer: many chunks joined, one chunk itself, none empty', async () => {
    const { DynamicBuffer } = await import('@platformatic/dynamic-buffer');
    const getter = () => Object.getOwnPropertyDescriptor(DynamicBuffer.prototype, 'buffer')?.get;
    const original = getter();
    if (!original) throw new Error('DynamicBuffer has no buffer getter');
    expect(await joinDynamicBuffersFaster()).toBe(true);
    expect(await joinDynamicBuffersFaster()).toBe(true); // once per process
    expect(getter()).not.toBe(original);

    const chunks = chunksLike(900, 7);
    const many = new DynamicBuffer(chunks).writeInt32BE(-5);
    many.writeVarInt(300, false); // prepended
    expect(many.buffer.equals(original.call(many))).toBe(true);
    expect(many.buffer.length).toBe(many.length);

    const one = Buffer.from('only');
    expect(new DynamicBuffer(one).buffer).toBe(one);
    expect(new DynamicBuffer().buffer.length).toBe(0);
  });
});
