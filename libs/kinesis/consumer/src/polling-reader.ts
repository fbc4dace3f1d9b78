import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, type StartingPosition } from '@aws-sdk/client-kinesis';
import type { Clock } from './clock';
import { withTimeout, type ShardBatch, type ShardReader } from './reader';

export interface PollingOptions {
  /** Records per GetRecords call (Kinesis allows up to 10,000). */
  maxRecords: number;
  /** Wait before the next call after an empty read at the tip of the shard. */
  idleDelayMs: number;
  /** Least time between two calls on one shard: Kinesis allows 5 GetRecords per second per shard. */
  minCallIntervalMs: number;
  /** First wait after ProvisionedThroughputExceeded; doubles per repeat, up to `maxBackoffMs`. */
  throttleBackoffMs: number;
  maxBackoffMs: number;
  /** A call not answered within this long is abandoned and retried. */
  requestTimeoutMs: number;
}

export const DEFAULT_POLLING: PollingOptions = { maxRecords: 10_000, idleDelayMs: 1000, minCallIntervalMs: 200, throttleBackoffMs: 250, maxBackoffMs: 5000, requestTimeoutMs: 10_000 };

/** GetRecords in a loop, one call at a time, within the shard's call rate. */
export class PollingReader implements ShardReader {
  private iterator?: string;
  private lastCall = -Infinity;
  private wait = 0;
  private throttled = 0;
  /** Last sequence number returned, so an expired iterator resumes right after it. */
  private last?: string;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly shardId: string,
    private readonly start: StartingPosition,
    private readonly clock: Clock,
    private readonly options: PollingOptions,
  ) {}

  async next(signal: AbortSignal): Promise<ShardBatch> {
    const gap = Math.max(this.wait, this.lastCall + this.options.minCallIntervalMs - this.clock.now());
    if (gap > 0) await this.clock.sleep(gap, signal);
    if (signal.aborted) return { records: [], end: false };
    this.iterator ??= await this.getIterator(signal);
    this.lastCall = this.clock.now();
    try {
      const out = await withTimeout(this.clock, this.options.requestTimeoutMs, signal, (abortSignal) =>
        this.client.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: this.options.maxRecords }), { abortSignal }),
      );
      this.throttled = 0;
      const records = out.Records ?? [];
      if (records.length) this.last = records[records.length - 1].SequenceNumber;
      this.iterator = out.NextShardIterator;
      this.wait = records.length === 0 && out.MillisBehindLatest === 0 ? this.options.idleDelayMs : 0;
      return { records, millisBehindLatest: out.MillisBehindLatest, end: !out.NextShardIterator, childShards: out.ChildShards };
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'ProvisionedThroughputExceededException') {
        this.wait = Math.min(this.options.maxBackoffMs, this.options.throttleBackoffMs * 2 ** this.throttled++);
        return { records: [], end: false };
      }
      if (name === 'ExpiredIteratorException') {
        this.iterator = undefined;
        return { records: [], end: false };
      }
      throw err;
    }
  }

  /** Iterators hold nothing on the server: forgetting it is enough. */
  close(): void {
    this.iterator = undefined;
  }

  private async getIterator(signal: AbortSignal): Promise<string | undefined> {
    const from: StartingPosition = this.last ? { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: this.last } : this.start;
    const out = await withTimeout(this.clock, this.options.requestTimeoutMs, signal, (abortSignal) =>
      this.client.send(
        new GetShardIteratorCommand({
          StreamName: this.streamName,
          ShardId: this.shardId,
          ShardIteratorType: from.Type,
          StartingSequenceNumber: from.SequenceNumber,
          Timestamp: from.Timestamp,
        }),
        { abortSignal },
      ),
    );
    return out.ShardIterator;
  }
}
