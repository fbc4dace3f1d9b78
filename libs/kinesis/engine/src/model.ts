/**
 * Stream metadata as every kinesis process shares it (stored as one JSON document per stream).
 * Hash keys are decimal strings, times epoch milliseconds. A shard's index is its Kafka partition and
 * the number in its id (shardId-000000000007 ↔ partition 7): shards are only ever appended.
 */
export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

export interface ShardMeta {
  index: number;
  startingHashKey: string;
  endingHashKey: string;
  parent?: number;
  adjacentParent?: number;
  createdAt: number;
  /** When the shard stopped taking writes (split, merge, resharding). */
  closedAt?: number;
  /** First offset past the shard's last record; set once the close is final (then readers see ChildShards). */
  endOffset?: number;
}

export interface ConsumerMeta {
  name: string;
  arn: string;
  status: 'CREATING' | 'ACTIVE' | 'DELETING';
  /** Epoch seconds; also the suffix of the ARN. */
  createdAt: number;
  tags?: Record<string, string>;
}

/** A reshard in progress: the children exist and take writes; the parents close for good after a grace period. */
export interface PendingReshard {
  kind: 'split' | 'merge' | 'scale';
  startedAt: number;
  /** Parents closed by this operation whose endOffset still has to be fixed. */
  closing: number[];
  /** When set, the partitions for the new shards still have to be created (first phase). */
  plan?: ReshardPlan;
  targetShardCount?: number;
}

export interface NewShard {
  index: number;
  startingHashKey: string;
  endingHashKey: string;
  parent?: number;
  adjacentParent?: number;
  /** Closed as soon as created (intermediate shard of a multi-step UpdateShardCount). */
  closedImmediately?: boolean;
}

export interface ReshardPlan {
  close: number[];
  create: NewShard[];
}

export interface StreamMeta {
  name: string;
  account: string;
  region: string;
  arn: string;
  /** Kafka topic holding the records (unique per incarnation of the name). */
  topic: string;
  createdAt: number;
  status: StreamStatus;
  mode: StreamMode;
  retentionHours: number;
  shards: ShardMeta[];
  consumers: ConsumerMeta[];
  tags: Record<string, string>;
  encryptionType: 'NONE' | 'KMS';
  keyId?: string;
  enhancedMetrics: string[];
  maxRecordSizeKiB: number;
  warmThroughputMiBps?: number;
  recordDistributionStrategy?: 'AUTO' | 'USER_PARTITION_KEY';
  /** Resource policies by ARN (the stream's or one of its consumers'). */
  policies?: Record<string, string>;
  /** Times of UpdateShardCount calls (the 10-per-24-hours limit). */
  scalingHistory: number[];
  pending?: PendingReshard;
  /** Bumped by the store on every change; a put routed under an older version is routed again. */
  version: number;
}

/** Built once for the first shards: a put answers one a record. */
const SHARD_IDS: string[] = [];
const buildShardId = (index: number) => 'shardId-' + String(index).padStart(12, '0');
export function shardId(index: number): string {
  return index >= 0 && index < 4096 ? (SHARD_IDS[index] ??= buildShardId(index)) : buildShardId(index);
}

/** shardId-000000000003 → 3 (also accepts the bare number, as AWS does). */
export function parseShardId(id: string): number | undefined {
  const m = /^(?:shardId-)?(\d{1,12})$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

export function isOpen(shard: ShardMeta): boolean {
  return shard.closedAt === undefined;
}

export function streamArn(region: string, account: string, name: string): string {
  return `arn:aws:kinesis:${region}:${account}:stream/${name}`;
}

export function consumerArn(streamArnValue: string, name: string, createdAtSeconds: number): string {
  return `${streamArnValue}/consumer/${name}:${createdAtSeconds}`;
}

/** arn:aws:kinesis:<region>:<account>:stream/<name>[/consumer/<consumer>:<ts>] */
export interface ParsedArn {
  region: string;
  account: string;
  stream: string;
  consumer?: string;
  consumerCreatedAt?: number;
}

export function parseKinesisArn(arn: string): ParsedArn | undefined {
  const m = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})(?:\/consumer\/([a-zA-Z0-9_.-]{1,128}):(\d+))?$/.exec(arn);
  if (!m) return undefined;
  return {
    region: m[1],
    account: m[2],
    stream: m[3],
    ...(m[4] !== undefined ? { consumer: m[4], consumerCreatedAt: Number(m[5]) } : {}),
  };
}
