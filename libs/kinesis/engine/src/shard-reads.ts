import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisContext } from './context';
import { KinesisErrors } from './errors';
import { parseShardId, shardId, type ShardMeta, type StreamMeta } from './model';
import type { StoredRecord, StreamKey } from './ports';
import { decodeSequenceNumber, streamEpochOf } from './sequence-numbers';
import { sequenceNumber, visibleShards } from './shapes';

/**
 * Reading a shard, shared by GetShardIterator/GetRecords (pull) and SubscribeToShard (push): where a starting
 * position points in the shard's Kafka partition, and reads that never pass a closed shard's end.
 */
export interface StartingPositionSpec {
  type: string | undefined;
  sequenceNumber?: string;
  timestamp?: Date;
}

/** The shard a call names, if it exists and is still within retention. */
export function findShard(ctx: KinesisContext, meta: StreamMeta, id: string): ShardMeta {
  const index = parseShardId(id);
  const shard = index === undefined ? undefined : visibleShards(meta, ctx.clock.now()).find((s) => s.index === index);
  if (!shard) throw KinesisErrors.shardDoesNotExist(id, meta.name, meta.account);
  return shard;
}

/** Resolves a starting position (iterator type + number or time) to the Kafka offset to read next. */
export async function resolveStart(ctx: KinesisContext, meta: StreamMeta, shard: ShardMeta, spec: StartingPositionSpec, op: string): Promise<number> {
  const id = shardId(shard.index);
  const bySequence = spec.type === 'AT_SEQUENCE_NUMBER' || spec.type === 'AFTER_SEQUENCE_NUMBER';
  if (bySequence && spec.sequenceNumber === undefined) {
    throw KinesisErrors.invalidArgument(
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
        `Request specified ${spec.type} and no StartingSequenceNumber.`,
    );
  }
  if (!bySequence && spec.type !== 'AT_TIMESTAMP' && spec.sequenceNumber !== undefined) {
    throw KinesisErrors.invalidArgument(
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
        `Request specified ${spec.type} and also a StartingSequenceNumber.`,
    );
  }
  switch (spec.type) {
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER': {
      const seq = spec.sequenceNumber as string;
      const position = decodeSequenceNumber(seq);
      if (!position) {
        throw KinesisErrors.invalidArgument(`StartingSequenceNumber ${seq} used in ${op} on shard ${id} in stream ${meta.name} under account ${meta.account} is invalid.`);
      }
      if (position.streamEpoch !== streamEpochOf(meta.createdAt)) {
        throw KinesisErrors.invalidArgument(
          `StartingSequenceNumber ${seq} used in ${op} on shard ${id} in stream ${meta.name} under account ${meta.account} is invalid because it did not come from this stream.`,
        );
      }
      if (position.shardIndex !== shard.index) {
        throw KinesisErrors.invalidArgument(`Invalid StartingSequenceNumber. It encodes ${shardId(position.shardIndex)}, while it was used in a call to a shard with ${id}`);
      }
      return Math.max(0, spec.type === 'AT_SEQUENCE_NUMBER' ? position.offset : position.offset + 1);
    }
    case 'TRIM_HORIZON':
      return (await ctx.log.watermarks(meta.topic, shard.index)).low;
    case 'LATEST':
      return shard.endOffset ?? (await ctx.log.watermarks(meta.topic, shard.index)).high;
    case 'AT_TIMESTAMP': {
      if (spec.timestamp === undefined) {
        throw KinesisErrors.invalidArgument('Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.');
      }
      const ms = spec.timestamp.getTime();
      const now = ctx.clock.now();
      if (ms > now) {
        throw KinesisErrors.invalidArgument(
          `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${ms}, currentTimestampInMillis: ${now}`,
        );
      }
      return ctx.log.offsetForTimestamp(meta.topic, shard.index, ms);
    }
    default:
      throw KinesisErrors.invalidArgument(`Invalid ShardIteratorType ${spec.type}.`);
  }
}

export interface ShardRead {
  records: StoredRecord[];
  /** Offset to read next. */
  next: number;
  highWatermark: number;
  /** The shard is closed and `next` is at its end: no more records will come; follow the children. */
  finished: boolean;
  meta: StreamMeta;
}

/**
 * Reads one shard from `offset`, never past a closed shard's end. When caught up on a shard this process
 * still sees open (or closing), the metadata is reloaded so a final close is noticed at once.
 */
export async function readShard(
  ctx: KinesisContext,
  key: StreamKey,
  meta: StreamMeta,
  shardIndex: number,
  offset: number,
  options: { maxRecords: number; maxBytes: number; maxWaitMs: number },
): Promise<ShardRead> {
  let shard = meta.shards[shardIndex];
  let result;
  try {
    result = await ctx.log.read(meta.topic, shardIndex, offset, options);
  } catch (error) {
    // Deleted (or deleted and re-created) meanwhile: say so, rather than an internal failure.
    const now = await ctx.store.get(key);
    if (!now || now.createdAt !== meta.createdAt) {
      ctx.forget(key);
      throw KinesisErrors.shardDoesNotExist(shardIndex, key.name, key.account);
    }
    throw error;
  }
  if (shard.endOffset === undefined && (result.records.length === 0 || result.records[result.records.length - 1].offset + 1 >= result.highWatermark)) {
    const fresh = await ctx.refresh(key, meta);
    if (fresh && fresh !== meta && fresh.createdAt === meta.createdAt && fresh.shards[shardIndex]) {
      meta = fresh;
      shard = fresh.shards[shardIndex];
    }
  }
  const end = shard.endOffset;
  const records = end === undefined ? result.records : result.records.filter((r) => r.offset < end);
  const next = records.length > 0 ? records[records.length - 1].offset + 1 : Math.max(offset, result.logStartOffset);
  return { records, next, highWatermark: result.highWatermark, finished: end !== undefined && next >= end, meta };
}

export function toSdkRecord(meta: StreamMeta, shard: number, r: StoredRecord): _Record {
  return {
    SequenceNumber: sequenceNumber(meta, shard, r.offset),
    ApproximateArrivalTimestamp: new Date(r.timestamp),
    Data: r.data,
    PartitionKey: r.partitionKey,
    ...(meta.encryptionType === 'KMS' ? { EncryptionType: 'KMS' as const } : {}),
  };
}

export function millisBehind(ctx: KinesisContext, read: ShardRead): number {
  if (read.next >= read.highWatermark || read.finished || read.records.length === 0) return 0;
  return Math.max(0, ctx.clock.now() - read.records[read.records.length - 1].timestamp);
}

