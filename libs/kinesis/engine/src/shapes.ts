import type { ChildShard, Shard, StreamDescriptionSummary } from '@aws-sdk/client-kinesis';
import { isOpen, shardId, type ShardMeta, type StreamMeta } from './model';
import { encodeSequenceNumber, streamEpochOf } from './sequence-numbers';

/** Metadata → the SDK's output shapes. */

export function sequenceNumber(meta: StreamMeta, shard: number, offset: number): string {
  return encodeSequenceNumber({ streamEpoch: streamEpochOf(meta.createdAt), shardIndex: shard, offset });
}

export function toShard(meta: StreamMeta, s: ShardMeta): Shard {
  return {
    ShardId: shardId(s.index),
    ...(s.parent !== undefined ? { ParentShardId: shardId(s.parent) } : {}),
    ...(s.adjacentParent !== undefined ? { AdjacentParentShardId: shardId(s.adjacentParent) } : {}),
    HashKeyRange: { StartingHashKey: s.startingHashKey, EndingHashKey: s.endingHashKey },
    SequenceNumberRange: {
      StartingSequenceNumber: sequenceNumber(meta, s.index, -1),
      ...(s.endOffset !== undefined ? { EndingSequenceNumber: sequenceNumber(meta, s.index, s.endOffset - 1) } : {}),
    },
  };
}

/** Shards still within retention: open ones, and closed ones whose close is younger than the retention period. */
export function visibleShards(meta: StreamMeta, now: number): ShardMeta[] {
  const horizon = now - meta.retentionHours * 3_600_000;
  return meta.shards.filter((s) => isOpen(s) || (s.closedAt as number) >= horizon);
}

export function childShards(meta: StreamMeta, parent: number): ChildShard[] {
  return meta.shards
    .filter((s) => s.parent === parent || s.adjacentParent === parent)
    .map((s) => ({
      ShardId: shardId(s.index),
      ParentShards: [s.parent, s.adjacentParent].filter((p): p is number => p !== undefined).map(shardId),
      HashKeyRange: { StartingHashKey: s.startingHashKey, EndingHashKey: s.endingHashKey },
    }));
}

export function enhancedMonitoring(meta: StreamMeta) {
  return [{ ShardLevelMetrics: [...meta.enhancedMetrics] as never[] }];
}

export function summary(meta: StreamMeta): StreamDescriptionSummary {
  return {
    StreamName: meta.name,
    StreamARN: meta.arn,
    StreamStatus: meta.status,
    StreamModeDetails: { StreamMode: meta.mode },
    RetentionPeriodHours: meta.retentionHours,
    StreamCreationTimestamp: new Date(meta.createdAt),
    EnhancedMonitoring: enhancedMonitoring(meta),
    EncryptionType: meta.encryptionType,
    ...(meta.keyId ? { KeyId: meta.keyId } : {}),
    OpenShardCount: meta.shards.filter(isOpen).length,
    ConsumerCount: meta.consumers.length,
    MaxRecordSizeInKiB: meta.maxRecordSizeKiB,
    ...(meta.mode === 'ON_DEMAND'
      ? { WarmThroughput: { TargetMiBps: meta.warmThroughputMiBps ?? 0, CurrentMiBps: meta.warmThroughputMiBps ?? 0 } }
      : {}),
    ...(meta.recordDistributionStrategy ? { RecordDistributionStrategy: meta.recordDistributionStrategy } : {}),
  };
}

/** Opaque, expiring pagination tokens (ListShards, ListStreams, ListStreamConsumers). */
export interface PageToken {
  /** What is paged: stream key or list name. */
  scope: string;
  /** Last item returned. */
  after: string;
  issuedAt: number;
  /** Extra state (e.g. a ListShards filter). */
  extra?: unknown;
}

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64');
}

export function decodePageToken(value: string): PageToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as PageToken;
    if (typeof parsed.scope !== 'string' || typeof parsed.after !== 'string' || typeof parsed.issuedAt !== 'number') return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}
