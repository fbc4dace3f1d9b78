/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import {
  CreateStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  SubscribeToShardCommand,
  type _Record,
  type KinesisClient,
  type StartingPosition,
  type SubscribeToShardEvent,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShard, sleep, startKinesis, waitActive, type KinesisUnderTest } from './support';

/** Enhanced fan-out through the SDK: an HTTP/2 event stream (initial-response, then SubscribeToShardEvent frames). */
describe('SubscribeToShard (SDK over HTTP/2, real Kafka)', () => {
  let k: KinesisUnderTest;
  let client: KinesisClient;
  const stream = 'fanout';
  let consumerARN: string;

  beforeAll(async () => {
    // A 2 s request timeout: an 8 s subscription is an answer being written, which it must not cut.
    k = await startKinesis({ KINESIS_SUBSCRIPTION_MS: '8000', KINESIS_ENFORCE_LIMITS: 'false', WHARF_REQUEST_TIMEOUT_MS: '2000' });
    client = k.client();
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }));
    await waitActive(client, stream);
    const streamARN = (await client.send(new DescribeStreamCommand({ StreamName: stream }))).StreamDescription!.StreamARN!;
    const reg = await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamARN, ConsumerName: 'dashboard' }));
    consumerARN = reg.Consumer!.ConsumerARN!;
    expect(consumerARN).toMatch(/^arn:aws:kinesis:us-east-1:000000000000:stream\/fanout\/consumer\/dashboard:\d+$/);
    const d = await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerARN }));
    expect(d.ConsumerDescription!.ConsumerStatus).toBe('ACTIVE');
  });
  afterAll(async () => k?.stop());

  async function put(n: number, tag: string) {
    await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: n }, (_, i) => ({ PartitionKey: `key-${i % 10}`, ExplicitHashKey: '0', Data: Buffer.from(`${tag}-${i}`) })),
      }),
    );
  }

  /** Subscribes and collects events until `enough` (then leaves the stream) or the stream ends by itself. */
  async function subscribe(shardId: string, position: StartingPosition, enough: (records: _Record[]) => boolean) {
    const out = await client.send(new SubscribeToShardCommand({ ConsumerARN: consumerARN, ShardId: shardId, StartingPosition: position }));
    const records: _Record[] = [];
    const events: SubscribeToShardEvent[] = [];
    let ended = true;
    for await (const e of out.EventStream!) {
      if (e.SubscribeToShardEvent) {
        events.push(e.SubscribeToShardEvent);
        records.push(...(e.SubscribeToShardEvent.Records ?? []));
        if (enough(records)) {
          ended = false;
          break;
        }
      }
    }
    return { records, events, ended };
  }

  it('delivers what GetRecords returns, refuses a second subscription within 5 s, resumes from ContinuationSequenceNumber', async () => {
    await put(200, 'a');
    const polled = await readShard(client, stream, 'shardId-000000000000', { done: (rs) => rs.length >= 200 });
    const first = await subscribe('shardId-000000000000', { Type: 'TRIM_HORIZON' }, (rs) => rs.length >= 200);
    expect(first.records.map((r) => [r.SequenceNumber, Buffer.from(r.Data!).toString(), r.PartitionKey, r.ApproximateArrivalTimestamp?.getTime()])).toEqual(
      polled.records.map((r) => [r.SequenceNumber, Buffer.from(r.Data!).toString(), r.PartitionKey, r.ApproximateArrivalTimestamp?.getTime()]),
    );

    await expect(
      client.send(new SubscribeToShardCommand({ ConsumerARN: consumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } })),
    ).rejects.toMatchObject({ name: 'ResourceInUseException' });

    const continuation = first.events[first.events.length - 1].ContinuationSequenceNumber!;
    expect(continuation).toBe(polled.records[199].SequenceNumber);
    await sleep(5_100);
    await put(50, 'b');
    const resumed = await subscribe('shardId-000000000000', { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: continuation }, (rs) => rs.length >= 50);
    expect(resumed.records.map((r) => Buffer.from(r.Data!).toString())).toEqual(Array.from({ length: 50 }, (_, i) => `b-${i}`));
  });

  it('sends empty events while idle and ends the subscription after its lifetime', async () => {
    const started = Date.now();
    const idle = await subscribe('shardId-000000000001', { Type: 'LATEST' }, () => false);
    expect(idle.ended).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(7_500);
    expect(idle.events.length).toBeGreaterThanOrEqual(5);
    expect(idle.records).toEqual([]);
    for (const e of idle.events) expect(e.MillisBehindLatest).toBe(0);
  });

  it('ends with ChildShards once the subscribed shard is split and read to its end', async () => {
    await sleep(5_100); // the shard-1 subscription above ended; a new one may start
    const s1 = (await client.send(new DescribeStreamCommand({ StreamName: stream }))).StreamDescription!.Shards![1];
    const mid = (BigInt(s1.HashKeyRange!.StartingHashKey!) + BigInt(s1.HashKeyRange!.EndingHashKey!)) / 2n;
    const sub = subscribe('shardId-000000000001', { Type: 'TRIM_HORIZON' }, () => false);
    await sleep(300);
    await client.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000001', NewStartingHashKey: String(mid) }));
    const done = await sub;
    expect(done.ended).toBe(true);
    const last = done.events[done.events.length - 1];
    expect(last.ChildShards!.map((c) => c.ShardId)).toEqual(['shardId-000000000002', 'shardId-000000000003']);
    expect(last.ChildShards![0].ParentShards).toEqual(['shardId-000000000001']);
  });
});
