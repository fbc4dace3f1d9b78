import { describe, expect, it } from 'vitest';
import { adjacentPairs, keyFraction, lineage, midpoint } from './keyspace';

const MAX = (2n ** 128n - 1n).toString();
const HALF = (2n ** 127n).toString();

describe('keyspace (the Streams view)', () => {
  it('places hash keys on the 128-bit space and splits at the middle', () => {
    expect(keyFraction('0')).toBe(0);
    expect(keyFraction(HALF)).toBe(0.5);
    expect(keyFraction(MAX)).toBeCloseTo(1, 5);
    expect(midpoint({ HashKeyRange: { StartingHashKey: '0', EndingHashKey: MAX } })).toBe(HALF);
  });

  it('builds the lineage: split children under their parent, a merge under its ParentShardId', () => {
    const shards = [
      { ShardId: 's0', HashKeyRange: { StartingHashKey: '0', EndingHashKey: '9' }, SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '5' } },
      { ShardId: 's1', ParentShardId: 's0', HashKeyRange: { StartingHashKey: '0', EndingHashKey: '4' } },
      { ShardId: 's2', ParentShardId: 's0', HashKeyRange: { StartingHashKey: '5', EndingHashKey: '9' } },
      { ShardId: 's3', ParentShardId: 'gone', HashKeyRange: { StartingHashKey: '10', EndingHashKey: '20' } },
    ];
    const roots = lineage(shards);
    expect(roots.map((r) => r.shard.ShardId)).toEqual(['s0', 's3']);
    expect(roots[0].children.map((c) => c.shard.ShardId)).toEqual(['s1', 's2']);
    expect(adjacentPairs(shards).map(([a, b]) => `${a.ShardId}+${b.ShardId}`)).toEqual(['s1+s2', 's2+s3']);
  });
});
