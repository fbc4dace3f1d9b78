import type { _Record, KinesisClient } from '@aws-sdk/client-kinesis';

interface FakeShard {
  id: string;
  parents: string[];
  records: _Record[];
  closed: boolean;
  children: string[];
}

/**
 * Just enough of Kinesis for unit tests: ListShards, GetShardIterator and GetRecords over in-memory shards,
 * iterators as `<shard>:<index>`, sequence numbers as zero-padded counters so they compare as numbers.
 */
export class FakeKinesis {
  readonly shards = new Map<string, FakeShard>();
  readonly calls: string[] = [];
  /** GetRecords calls to refuse with ProvisionedThroughputExceeded before answering again. */
  throttleNext = 0;
  /** GetRecords calls to leave unanswered (until the caller aborts) before answering again. */
  hangNext = 0;
  /** Times (by `now`) of each GetRecords call. */
  readonly getRecordsAt: number[] = [];
  now: () => number = () => 0;
  private seq = 1000;

  addShard(id: string, parents: string[] = []): void {
    this.shards.set(id, { id, parents, records: [], closed: false, children: [] });
  }

  put(shardId: string, data: string): string {
    const sequence = String(this.seq++);
    this.shard(shardId).records.push({ SequenceNumber: sequence, PartitionKey: data, Data: Buffer.from(data), ApproximateArrivalTimestamp: new Date(0) });
    return sequence;
  }

  /** Closes `parent` and opens `child` after it. */
  split(parent: string, child: string): void {
    this.shard(parent).closed = true;
    this.shard(parent).children.push(child);
    this.addShard(child, [parent]);
  }

  get client(): KinesisClient {
    return {
      send: (command: { constructor: { name: string }; input: Record<string, unknown> }, options?: { abortSignal?: AbortSignal }) => this.send(command, options?.abortSignal),
    } as unknown as KinesisClient;
  }

  private shard(id: string): FakeShard {
    const s = this.shards.get(id);
    if (!s) throw Object.assign(new Error(`no shard ${id}`), { name: 'ResourceNotFoundException' });
    return s;
  }

  private async send(command: { constructor: { name: string }; input: Record<string, unknown> }, signal?: AbortSignal): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    this.calls.push(name);
    if (name === 'ListShards') {
      return { Shards: [...this.shards.values()].map((s) => ({ ShardId: s.id, ParentShardId: s.parents[0], AdjacentParentShardId: s.parents[1], SequenceNumberRange: { StartingSequenceNumber: '0', EndingSequenceNumber: s.closed ? '9' : undefined } })) };
    }
    if (name === 'GetShardIterator') {
      const s = this.shard(input.ShardId as string);
      const after = input.StartingSequenceNumber as string | undefined;
      let index = 0;
      if (input.ShardIteratorType === 'LATEST') index = s.records.length;
      else if (after) index = s.records.findIndex((r) => BigInt(r.SequenceNumber as string) > BigInt(after)) + (input.ShardIteratorType === 'AT_SEQUENCE_NUMBER' ? -1 : 0);
      if (index < 0) index = s.records.length;
      return { ShardIterator: `${s.id}:${index}` };
    }
    if (name === 'GetRecords') {
      this.getRecordsAt.push(this.now());
      if (this.hangNext > 0) {
        this.hangNext--;
        return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
      }
      if (this.throttleNext > 0) {
        this.throttleNext--;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
      }
      const [id, at] = (input.ShardIterator as string).split(':');
      const s = this.shard(id);
      const records = s.records.slice(Number(at), Number(at) + ((input.Limit as number) ?? 10_000));
      const next = Number(at) + records.length;
      const atEnd = next >= s.records.length;
      if (s.closed && atEnd) return { Records: records, MillisBehindLatest: 0, ChildShards: s.children.map((c) => ({ ShardId: c, ParentShards: this.shard(c).parents })) };
      return { Records: records, NextShardIterator: `${id}:${next}`, MillisBehindLatest: atEnd ? 0 : 1000 };
    }
    throw new Error(`FakeKinesis: ${name} not supported`);
  }
}
