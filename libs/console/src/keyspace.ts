/** Pure helpers of the Streams view: where a shard sits in the 128-bit hash-key space, and its lineage. */

export interface ShardLike {
  ShardId?: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange?: { StartingHashKey?: string; EndingHashKey?: string };
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

const SPACE = 1n << 128n;

/** A hash key (decimal string) as a fraction of the key space, in [0, 1]. */
export function keyFraction(key: string | undefined): number {
  if (!key) return 0;
  return Number((BigInt(key) * 1_000_000n) / SPACE) / 1_000_000;
}

/** The hash key in the middle of a shard's range (the default split point). */
export function midpoint(shard: ShardLike): string {
  const a = BigInt(shard.HashKeyRange?.StartingHashKey ?? '0');
  const b = BigInt(shard.HashKeyRange?.EndingHashKey ?? '0');
  return ((a + b + 1n) / 2n).toString();
}

export const isOpen = (s: ShardLike) => !s.SequenceNumberRange?.EndingSequenceNumber;

export interface LineageNode {
  shard: ShardLike;
  /** Set when the shard came from a merge: the other parent. */
  mergedWith?: string;
  children: LineageNode[];
}

/**
 * The split/merge tree: a shard's children are those naming it as ParentShardId (a merge's child hangs
 * under its ParentShardId and notes its AdjacentParentShardId). Shards whose parent is gone are roots.
 */
export function lineage(shards: ShardLike[]): LineageNode[] {
  const nodes = new Map<string, LineageNode>();
  for (const s of shards) nodes.set(s.ShardId ?? '', { shard: s, mergedWith: s.AdjacentParentShardId, children: [] });
  const roots: LineageNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.shard.ParentShardId ? nodes.get(node.shard.ParentShardId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** Two open shards whose hash-key ranges touch (MergeShards accepts only those). */
export function adjacentPairs(shards: ShardLike[]): [ShardLike, ShardLike][] {
  const open = shards.filter(isOpen).sort((a, b) => (BigInt(a.HashKeyRange?.StartingHashKey ?? '0') < BigInt(b.HashKeyRange?.StartingHashKey ?? '0') ? -1 : 1));
  const pairs: [ShardLike, ShardLike][] = [];
  for (let i = 0; i + 1 < open.length; i++) {
    if (BigInt(open[i].HashKeyRange?.EndingHashKey ?? '0') + 1n === BigInt(open[i + 1].HashKeyRange?.StartingHashKey ?? '0')) pairs.push([open[i], open[i + 1]]);
  }
  return pairs;
}

/** A stable colour per index (shards, consumers): evenly spaced hues. */
export function colour(index: number, count: number): string {
  const hue = Math.round((index * 360) / Math.max(1, count)) % 360;
  return `hsl(${hue} 70% 45%)`;
}
