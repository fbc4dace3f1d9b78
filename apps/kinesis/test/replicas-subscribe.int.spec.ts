/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  type _Record,
  type KinesisClient,
  type StartingPosition,
} from '@aws-sdk/client-kinesis';
import { expect, it } from 'vitest';
import { sleep, text, twoKinesisProcesses, waitActive } from './support';

// Issue 14: two kinesis replicas behind one edge. A consumer's subscription to a shard is one across both
// (the claim lives in Redis), and a subscription moved to the other replica resumes where the first left off.
const both = twoKinesisProcesses();

async function collect(client: KinesisClient, consumerARN: string, position: StartingPosition, count: number): Promise<{ records: _Record[]; continuation?: string }> {
  const out = await client.send(new SubscribeToShardCommand({ ConsumerARN: consumerARN, ShardId: 'shardId-000000000000', StartingPosition: position }));
  const records: _Record[] = [];
  let continuation: string | undefined;
  for await (const e of out.EventStream!) {
    if (!e.SubscribeToShardEvent) continue;
    records.push(...(e.SubscribeToShardEvent.Records ?? []));
    continuation = e.SubscribeToShardEvent.ContinuationSequenceNumber;
    if (records.length >= count) break;
  }
  return { records, continuation };
}

it('SubscribeToShard: one subscription per consumer and shard across replicas; moved to the other, it resumes after the last record sent', async () => {
  const { a, b } = both();
  const ca = a.client();
  const cb = b.client();
  await ca.send(new CreateStreamCommand({ StreamName: 'fan', ShardCount: 1 }));
  await waitActive(ca, 'fan');
  const streamARN = (await ca.send(new DescribeStreamSummaryCommand({ StreamName: 'fan' }))).StreamDescriptionSummary!.StreamARN!;
  const consumerARN = (await ca.send(new RegisterStreamConsumerCommand({ StreamARN: streamARN, ConsumerName: 'dashboard' }))).Consumer!.ConsumerARN!;
  const put = (from: number, n: number) =>
    ca.send(new PutRecordsCommand({ StreamName: 'fan', Records: Array.from({ length: n }, (_, i) => ({ PartitionKey: 'k', Data: Buffer.from(`r${from + i}`) })) }));
  await put(0, 100);

  const first = await collect(ca, consumerARN, { Type: 'TRIM_HORIZON' }, 100);
  expect(first.records.map(text)).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
  // The claim is shared: replica b refuses a second subscription while a's is recent (AWS: 5 s).
  await expect(cb.send(new SubscribeToShardCommand({ ConsumerARN: consumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }))).rejects.toMatchObject({
    name: 'ResourceInUseException',
  });
  await put(100, 50);
  await sleep(5_100);
  // Through replica b, from the ContinuationSequenceNumber a sent last: the next records, none again.
  const second = await collect(cb, consumerARN, { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: first.continuation! }, 50);
  expect(second.records.map(text)).toEqual(Array.from({ length: 50 }, (_, i) => `r${100 + i}`));
}, 60_000);
