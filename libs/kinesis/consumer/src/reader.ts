import type { _Record, ChildShard, StartingPosition } from '@aws-sdk/client-kinesis';
import type { Clock } from './clock';

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

/**
 * Runs `call` with a signal that aborts when `outer` does or after `ms`: a request the server never answers
 * would otherwise hold its shard forever while the lease is still renewed.
 */
export async function withTimeout<T>(clock: Clock, ms: number, outer: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const inner = new AbortController();
  const timer = new AbortController();
  const onAbort = () => inner.abort();
  outer.addEventListener('abort', onAbort, { once: true });
  void clock.sleep(ms, timer.signal).then(() => {
    if (!timer.signal.aborted) inner.abort(Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError' }));
  });
  try {
    return await call(inner.signal);
  } finally {
    timer.abort();
    outer.removeEventListener('abort', onAbort);
  }
}
