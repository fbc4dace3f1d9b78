import type { _Record, ChildShard, StartingPosition } from '@aws-sdk/client-kinesis';

/** What one read of a shard gives: records (maybe none), the lag, and at the shard's end its children. */
export interface ShardBatch {
  records: _Record[];
  millisBehindLatest?: number;
  /** True once the shard is closed and read to its end; `childShards` then lists its children. */
  end: boolean;
  childShards?: ChildShard[];
}

/** Reads one shard in order; `next` waits as the read mode requires (throughput limits, idle backoff). */
export interface ShardReader {
  next(signal: AbortSignal): Promise<ShardBatch>;
  close(): void;
}

export type InitialPosition = { type: 'TRIM_HORIZON' } | { type: 'LATEST' } | { type: 'AT_TIMESTAMP'; timestamp: Date };

/** Where a shard resumes: after its checkpoint (at it, for a partly processed aggregated record), else the initial position. */
export function startingPosition(initial: InitialPosition, checkpoint?: string, subSequence?: number): StartingPosition {
  if (checkpoint) return { Type: subSequence === undefined ? 'AFTER_SEQUENCE_NUMBER' : 'AT_SEQUENCE_NUMBER', SequenceNumber: checkpoint };
  return initial.type === 'AT_TIMESTAMP' ? { Type: 'AT_TIMESTAMP', Timestamp: initial.timestamp } : { Type: initial.type };
}

/** Compares two sequence numbers (decimal strings of up to 128 bits). */
export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
