import { partitionKeyHash } from './hash-keys';
import type { StreamMeta } from './model';
import { openShardsByRange } from './resharding';

/** Routes hash keys to the open shard whose inclusive range holds them (binary search over the open shards). */
export class ShardRouter {
  private readonly starts: bigint[];
  private readonly ends: bigint[];
  private readonly indexes: number[];
  private roundRobin = 0;

  constructor(meta: StreamMeta) {
    const open = openShardsByRange(meta);
    this.starts = open.map((s) => BigInt(s.startingHashKey));
    this.ends = open.map((s) => BigInt(s.endingHashKey));
    this.indexes = open.map((s) => s.index);
  }

  get openCount(): number {
    return this.indexes.length;
  }

  shardForHashKey(hashKey: bigint): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (hashKey < this.starts[mid]) hi = mid - 1;
      else if (hashKey > this.ends[mid]) lo = mid + 1;
      else return this.indexes[mid];
    }
    throw new Error(`no open shard holds hash key ${hashKey}`);
  }

  shardForPartitionKey(partitionKey: string): number {
    return this.shardForHashKey(partitionKeyHash(partitionKey));
  }

  /** RecordDistributionStrategy AUTO: spread evenly, ignoring keys. */
  nextShard(): number {
    this.roundRobin = (this.roundRobin + 1) % this.indexes.length;
    return this.indexes[this.roundRobin];
  }
}
