import { evenHashRanges, type HashRange } from './hash-keys';
import { isOpen, type NewShard, type ReshardPlan, type StreamMeta } from './model';

/** Open shards in hash-key order. */
export function openShardsByRange(meta: StreamMeta) {
  return meta.shards.filter(isOpen).sort((a, b) => (BigInt(a.startingHashKey) < BigInt(b.startingHashKey) ? -1 : 1));
}

/** SplitShard: the parent closes; two children split its range at `newStartingHashKey` (already validated). */
export function planSplit(meta: StreamMeta, parent: number, newStartingHashKey: bigint): ReshardPlan {
  const shard = meta.shards[parent];
  const next = meta.shards.length;
  return {
    close: [parent],
    create: [
      { index: next, startingHashKey: shard.startingHashKey, endingHashKey: String(newStartingHashKey - 1n), parent },
      { index: next + 1, startingHashKey: String(newStartingHashKey), endingHashKey: shard.endingHashKey, parent },
    ],
  };
}

/** True when the two ranges touch (in either order) with no gap. */
export function adjacent(a: HashRange, b: HashRange): boolean {
  return a.end + 1n === b.start || b.end + 1n === a.start;
}

/** MergeShards: both parents close; one child covers their union. */
export function planMerge(meta: StreamMeta, shard: number, adjacentShard: number): ReshardPlan {
  const a = meta.shards[shard];
  const b = meta.shards[adjacentShard];
  const start = BigInt(a.startingHashKey) < BigInt(b.startingHashKey) ? a.startingHashKey : b.startingHashKey;
  const end = BigInt(a.endingHashKey) > BigInt(b.endingHashKey) ? a.endingHashKey : b.endingHashKey;
  return {
    close: [shard, adjacentShard],
    create: [{ index: meta.shards.length, startingHashKey: start, endingHashKey: end, parent: shard, adjacentParent: adjacentShard }],
  };
}

/**
 * UpdateShardCount with UNIFORM_SCALING, as a series of splits and merges (each child has at most a parent and an
 * adjacent parent, as the Shard shape allows): first every target boundary that falls inside an open shard
 * splits it; then the pieces that make up each target range merge left to right. Doubling is one split per
 * shard, halving one merge per pair; other ratios leave intermediate shards that are closed at once and
 * hold no records.
 */
export function planUniformScaling(meta: StreamMeta, target: number): ReshardPlan {
  const targets = evenHashRanges(target);
  let next = meta.shards.length;
  const close: number[] = [];
  const create: NewShard[] = [];
  // Current open pieces, in range order: { index, start, end }.
  let pieces = openShardsByRange(meta).map((s) => ({ index: s.index, start: BigInt(s.startingHashKey), end: BigInt(s.endingHashKey) }));
  const boundaries = new Set(targets.slice(1).map((r) => r.start));
  const intermediate = new Set<number>();

  // 1. Splits at target boundaries that fall strictly inside a piece.
  const split: typeof pieces = [];
  for (const piece of pieces) {
    const cuts = [...boundaries].filter((b) => b > piece.start && b <= piece.end).sort((x, y) => (x < y ? -1 : 1));
    if (cuts.length === 0) {
      split.push(piece);
      continue;
    }
    // Split off one boundary at a time; every split closes the piece it splits.
    let current = piece;
    for (const cut of cuts) {
      close.push(current.index);
      if (current.index !== piece.index) intermediate.add(current.index);
      const left = { index: next++, start: current.start, end: cut - 1n };
      const right = { index: next++, start: cut, end: current.end };
      create.push({ index: left.index, startingHashKey: String(left.start), endingHashKey: String(left.end), parent: current.index });
      create.push({ index: right.index, startingHashKey: String(right.start), endingHashKey: String(right.end), parent: current.index });
      split.push(left);
      current = right;
    }
    split.push(current);
  }
  pieces = split;

  // 2. Merges: each target range is the union of consecutive pieces.
  for (const range of targets) {
    const parts = pieces.filter((p) => p.start >= range.start && p.end <= range.end);
    let acc = parts[0];
    for (const part of parts.slice(1)) {
      close.push(acc.index, part.index);
      if (create.some((c) => c.index === acc.index)) intermediate.add(acc.index);
      if (create.some((c) => c.index === part.index)) intermediate.add(part.index);
      const merged = { index: next++, start: acc.start, end: part.end };
      create.push({
        index: merged.index,
        startingHashKey: String(merged.start),
        endingHashKey: String(merged.end),
        parent: acc.index,
        adjacentParent: part.index,
      });
      acc = merged;
    }
  }
  for (const shard of create) if (intermediate.has(shard.index)) shard.closedImmediately = true;
  return { close: close.filter((i) => !intermediate.has(i)), create };
}
