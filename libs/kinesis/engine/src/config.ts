import type { ShardLimits } from './ports';

export interface KinesisEngineConfig {
  /** PROVISIONED per-shard limits on (false for load tests). */
  enforceLimits: boolean;
  limits: ShardLimits;
  /** Open shards per account and region. */
  shardLimit: number;
  onDemandStreamLimit: number;
  onDemandInitialShards: number;
  /** ON_DEMAND splits a shard whose write rate over the last `onDemandWindowSeconds` passes this share of capacity. */
  onDemandSplitShare: number;
  onDemandWindowSeconds: number;
  /** Secret of the iterator MAC; the same in every process of a deployment. */
  iteratorSecret: string;
  /**
   * After a reshard moves writes to the children, how long the parents wait before their end is fixed:
   * puts routed just before the move are still landing. Bounds the produce time of an admitted put.
   */
  reshardGraceMs: number;
  subscriptionLifetimeMs: number;
  /** An empty SubscribeToShardEvent at least this often. */
  subscriptionHeartbeatMs: number;
  /** A second SubscribeToShard for the same consumer and shard within this window fails with ResourceInUse. */
  subscriptionTakeoverMs: number;
  /** How long GetRecords may serve stream metadata from this process's cache. */
  metadataCacheMs: number;
  topicPrefix: string;
}

export const MiB = 1024 * 1024;

export function defaultEngineConfig(overrides: Partial<KinesisEngineConfig> = {}): KinesisEngineConfig {
  return {
    enforceLimits: true,
    limits: { writeRecordsPerSecond: 1000, writeBytesPerSecond: MiB, readCallsPerSecond: 5, readBytesPerSecond: 2 * MiB },
    shardLimit: 500,
    onDemandStreamLimit: 50,
    onDemandInitialShards: 4,
    onDemandSplitShare: 0.5,
    onDemandWindowSeconds: 10,
    iteratorSecret: 'wharf-kinesis-iterators',
    reshardGraceMs: 1500,
    subscriptionLifetimeMs: 5 * 60 * 1000,
    subscriptionHeartbeatMs: 1000,
    subscriptionTakeoverMs: 5000,
    metadataCacheMs: 1000,
    topicPrefix: 'wharf.kinesis',
    ...overrides,
  };
}
