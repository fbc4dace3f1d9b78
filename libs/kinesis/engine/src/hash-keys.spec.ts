import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evenHashRanges, MAX_HASH_KEY, parseHashKey, partitionKeyHash } from './hash-keys';

describe('hash keys', () => {
  it('computes MD5 of the UTF-8 key as an unsigned 128-bit integer', () => {
    // Independent computation: digest bytes folded big-endian.
    for (const key of ['truck-1', 'ünïcode-ключ', 'a', 'x'.repeat(256)]) {
      const bytes = createHash('md5').update(Buffer.from(key, 'utf8')).digest();
      let n = 0n;
      for (const b of bytes) n = (n << 8n) | BigInt(b);
      expect(partitionKeyHash(key)).toBe(n);
    }
    expect(partitionKeyHash('')).toBe(0xd41d8cd98f00b204e9800998ecf8427en);
  });

  it('splits the range evenly with the boundaries AWS gives a new stream', () => {
    // floor(i · 2^128 / n); the 2- and 5-shard values are the ones AWS DescribeStream shows.
    expect(evenHashRanges(1).map((r) => [String(r.start), String(r.end)])).toEqual([['0', '340282366920938463463374607431768211455']]);
    expect(evenHashRanges(2).map((r) => String(r.start))).toEqual(['0', '170141183460469231731687303715884105728']);
    expect(evenHashRanges(3).map((r) => String(r.end))).toEqual([
      '113427455640312821154458202477256070484',
      '226854911280625642308916404954512140969',
      '340282366920938463463374607431768211455',
    ]);
    const five = evenHashRanges(5);
    expect(String(five[0].end)).toBe('68056473384187692692674921486353642290');
    expect(String(five[1].start)).toBe('68056473384187692692674921486353642291');
    expect(String(five[4].start)).toBe('272225893536750770770699685945414569164');
  });

  it('covers 0 … 2^128-1 without gaps or overlaps for any count', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 10, 64, 100, 499]) {
      const ranges = evenHashRanges(n);
      expect(ranges[0].start).toBe(0n);
      expect(ranges[n - 1].end).toBe(MAX_HASH_KEY);
      for (let i = 1; i < n; i++) {
        expect(ranges[i].start).toBe(ranges[i - 1].end + 1n);
        expect(ranges[i].start).toBe((BigInt(i) << 128n) / BigInt(n));
      }
    }
  });

  it('parses explicit hash keys only in the model pattern and the key space', () => {
    expect(parseHashKey('0')).toBe(0n);
    expect(parseHashKey(String(MAX_HASH_KEY))).toBe(MAX_HASH_KEY);
    expect(parseHashKey(String(MAX_HASH_KEY + 1n))).toBeUndefined();
    expect(parseHashKey('01')).toBeUndefined();
    expect(parseHashKey('-1')).toBeUndefined();
    expect(parseHashKey('12a')).toBeUndefined();
  });
});
