/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert on SDK shapes whose members are all optional */
import { describe, expect, it } from 'vitest';
import { evenHashRanges, MAX_HASH_KEY, partitionKeyHash } from './hash-keys';
import type { ShardMeta, StreamMeta } from './model';
import { planMerge, planSplit, planUniformScaling } from './resharding';
import { ShardRouter } from './router';

function stream(n: number): StreamMeta {
  return {
    name: 's', account: '000000000000', region: 'us-east-1', arn: 'arn', topic: 't', createdAt: 0, status: 'ACTIVE',
    mode: 'PROVISIONED', retentionHours: 24, consumers: [], tags: {}, encryptionType: 'NONE', enhancedMetrics: [],
    maxRecordSizeKiB: 1024, scalingHistory: [], version: 1,
    shards: evenHashRanges(n).map((r, index) => ({ index, startingHashKey: String(r.start), endingHashKey: String(r.end), createdAt: 0 })),
  };
}

/** Applies a plan the way the engine does (children appended, parents and intermediates closed). */
function apply(meta: StreamMeta, plan: ReturnType<typeof planSplit>): StreamMeta {
  const shards: ShardMeta[] = meta.shards.map((s) => ({ ...s }));
  for (const i of plan.close) shards[i].closedAt = 1;
  for (const c of plan.create) {
    expect(c.index).toBe(shards.length);
    shards.push({ index: c.index, startingHashKey: c.startingHashKey, endingHashKey: c.endingHashKey, parent: c.parent, adjacentParent: c.adjacentParent, createdAt: 1, ...(c.closedImmediately ? { closedAt: 1 } : {}) });
  }
  return { ...meta, shards };
}

function openRanges(meta: StreamMeta): Array<[bigint, bigint]> {
  return meta.shards.filter((s) => s.closedAt === undefined).map((s): [bigint, bigint] => [BigInt(s.startingHashKey), BigInt(s.endingHashKey)]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('routing', () => {
  it('sends every key to the open shard whose inclusive range holds its MD5', () => {
    const meta = stream(5);
    const router = new ShardRouter(meta);
    for (let t = 0; t < 100; t++) {
      const key = `truck-${t}`;
      const h = partitionKeyHash(key);
      const expected = meta.shards.find((s) => h >= BigInt(s.startingHashKey) && h <= BigInt(s.endingHashKey))!.index;
      expect(router.shardForPartitionKey(key)).toBe(expected);
    }
    expect(router.shardForHashKey(0n)).toBe(0);
    expect(router.shardForHashKey(MAX_HASH_KEY)).toBe(4);
    expect(router.shardForHashKey(BigInt(meta.shards[1].startingHashKey))).toBe(1);
    expect(router.shardForHashKey(BigInt(meta.shards[0].endingHashKey))).toBe(0);
  });
});

describe('resharding plans', () => {
  it('split: two children with the parent, split at the new starting key', () => {
    const meta = stream(2);
    const plan = planSplit(meta, 0, 1000n);
    expect(plan.close).toEqual([0]);
    expect(plan.create).toEqual([
      { index: 2, startingHashKey: '0', endingHashKey: '999', parent: 0 },
      { index: 3, startingHashKey: '1000', endingHashKey: meta.shards[0].endingHashKey, parent: 0 },
    ]);
    const after = apply(meta, plan);
    expect(new ShardRouter(after).shardForHashKey(999n)).toBe(2);
    expect(new ShardRouter(after).shardForHashKey(1000n)).toBe(3);
  });

  it('merge: one child with parent and adjacent parent covering the union', () => {
    const meta = stream(3);
    const plan = planMerge(meta, 2, 1);
    expect(plan.create).toEqual([{ index: 3, startingHashKey: meta.shards[1].startingHashKey, endingHashKey: meta.shards[2].endingHashKey, parent: 2, adjacentParent: 1 }]);
  });

  it.each([[5, 10], [10, 5], [4, 6], [6, 3], [3, 5], [5, 3], [7, 4], [1, 2], [2, 1], [5, 5]])('uniform scaling %i → %i ends in the even layout, at most two parents each', (from, to) => {
    const meta = stream(from);
    const plan = planUniformScaling(meta, to);
    const after = apply(meta, plan);
    expect(openRanges(after)).toEqual(evenHashRanges(to).map((r) => [r.start, r.end]));
    // Every closed shard's range is covered by its children (lineage complete, nothing orphaned).
    for (const c of plan.create) {
      const parents = [c.parent, c.adjacentParent].filter((p) => p !== undefined) as number[];
      expect(parents.length).toBeGreaterThan(0);
      for (const p of parents) expect(after.shards[p].closedAt).toBeDefined();
    }
    if (to === from * 2) expect(plan.create.filter((c) => c.closedImmediately)).toHaveLength(0);
    if (to * 2 === from) expect(plan.create).toHaveLength(to);
  });
});
