import { SubscribeToShardCommand, type KinesisClient, type StartingPosition, type SubscribeToShardEventStream } from '@aws-sdk/client-kinesis';
import type { Clock } from './clock';
import { compareSequence, type ShardBatch, type ShardReader } from './reader';

export interface FanOutOptions {
  /** A subscription lasts 5 minutes on Kinesis; resubscribe from ContinuationSequenceNumber after this long. */
  subscriptionMs: number;
  /** Wait before retrying a subscription refused as ResourceInUse (the previous one of this consumer is still open). */
  retryDelayMs: number;
  /** A subscription silent this long (Kinesis sends an event at least every few seconds) is dropped and renewed. */
  eventTimeoutMs: number;
}

export const DEFAULT_FAN_OUT: FanOutOptions = { subscriptionMs: 5 * 60_000, retryDelayMs: 1000, eventTimeoutMs: 30_000 };

/**
 * Enhanced fan-out: SubscribeToShard events, one at a time (the next event is pulled only when the batch is
 * processed, so HTTP/2 flow control holds the server back), resubscribing from ContinuationSequenceNumber.
 */
export class FanOutReader implements ShardReader {
  private events?: AsyncIterator<SubscribeToShardEventStream>;
  private subscription?: AbortController;
  private detach?: () => void;
  private since = 0;
  /** Where the next subscription starts: the continuation of the last event, else the lease's position. */
  private continuation?: string;
  private last?: string;

  constructor(
    private readonly client: KinesisClient,
    private readonly consumerARN: string,
    private readonly shardId: string,
    private readonly start: StartingPosition,
    private readonly clock: Clock,
    private readonly options: FanOutOptions,
  ) {}

  async next(signal: AbortSignal): Promise<ShardBatch> {
    if (this.events && this.clock.now() - this.since >= this.options.subscriptionMs) this.close();
    if (!this.events) {
      if (!(await this.subscribe(signal))) return { records: [], end: false };
    }
    const silence = new AbortController();
    const subscription = this.subscription;
    void this.clock.sleep(this.options.eventTimeoutMs, silence.signal).then(() => {
      if (!silence.signal.aborted) subscription?.abort(); // ends the pending next() with an error
    });
    const step = await (this.events as AsyncIterator<SubscribeToShardEventStream>)
      .next()
      .catch((err: Error) => {
        this.close();
        throw err;
      })
      .finally(() => silence.abort());
    if (step.done) {
      this.close(); // the server ended the subscription (its 5 minutes): resubscribe on the next call
      return { records: [], end: false };
    }
    const event = step.value.SubscribeToShardEvent;
    if (!event) return { records: [], end: false };
    this.continuation = event.ContinuationSequenceNumber;
    // A resubscription may repeat what an earlier one delivered: keep order strict.
    const records = (event.Records ?? []).filter((r) => !this.last || compareSequence(r.SequenceNumber as string, this.last) > 0);
    if (records.length) this.last = records[records.length - 1].SequenceNumber;
    const end = (event.ChildShards?.length ?? 0) > 0; // as the KCL reads it: children mean the shard is read to its end
    if (end) this.close();
    return { records, millisBehindLatest: event.MillisBehindLatest, end, childShards: end ? event.ChildShards : undefined };
  }

  close(): void {
    this.subscription?.abort();
    this.detach?.();
    this.subscription = this.detach = this.events = undefined;
  }

  private async subscribe(signal: AbortSignal): Promise<boolean> {
    const after = this.continuation ?? this.last;
    const position: StartingPosition = after ? { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : this.start;
    const subscription = new AbortController();
    const onAbort = () => subscription.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const detach = () => signal.removeEventListener('abort', onAbort);
    try {
      const out = await this.client.send(
        new SubscribeToShardCommand({ ConsumerARN: this.consumerARN, ShardId: this.shardId, StartingPosition: position }),
        { abortSignal: subscription.signal },
      );
      this.subscription = subscription;
      this.detach = detach;
      this.events = (out.EventStream as AsyncIterable<SubscribeToShardEventStream>)[Symbol.asyncIterator]();
      this.since = this.clock.now();
      return true;
    } catch (err) {
      detach();
      if ((err as Error).name !== 'ResourceInUseException') throw err;
      await this.clock.sleep(this.options.retryDelayMs, signal);
      return false;
    }
  }
}
