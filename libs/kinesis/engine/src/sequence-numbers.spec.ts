import { describe, expect, it } from 'vitest';
import { compareSequenceNumbers, decodeSequenceNumber, encodeSequenceNumber, SEQUENCE_NUMBER_LENGTH } from './sequence-numbers';

describe('sequence numbers', () => {
  const epoch = 1_700_000_000;

  it('are 56-digit decimals that round-trip to (shard, offset)', () => {
    for (const [shardIndex, offset] of [[0, -1], [0, 0], [3, 41], [4095, 2 ** 40], [7, Number.MAX_SAFE_INTEGER - 1]]) {
      const seq = encodeSequenceNumber({ streamEpoch: epoch, shardIndex, offset });
      expect(seq).toMatch(/^49\d{54}$/);
      expect(seq).toHaveLength(SEQUENCE_NUMBER_LENGTH);
      expect(decodeSequenceNumber(seq)).toEqual({ streamEpoch: epoch, shardIndex, offset });
    }
  });

  it('grow with the offset inside a shard and from a parent to its children', () => {
    const a = encodeSequenceNumber({ streamEpoch: epoch, shardIndex: 2, offset: 9 });
    const b = encodeSequenceNumber({ streamEpoch: epoch, shardIndex: 2, offset: 10 });
    const child = encodeSequenceNumber({ streamEpoch: epoch, shardIndex: 5, offset: 0 });
    expect(compareSequenceNumbers(a, b)).toBe(-1);
    expect(compareSequenceNumbers(b, child)).toBe(-1);
    expect(a < b && b < child).toBe(true); // same length: string order = numeric order
  });

  it('rejects what Wharf did not issue', () => {
    expect(decodeSequenceNumber('1')).toBeUndefined();
    expect(decodeSequenceNumber('49590338271490256608559692538361571095921575989136588898'.replace(/^49/, '50'))).toBeUndefined();
    expect(decodeSequenceNumber('49x' + '0'.repeat(53))).toBeUndefined();
  });
});
