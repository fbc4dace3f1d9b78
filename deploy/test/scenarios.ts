// The seed's scenarios, run against one AWS endpoint (the composed stack's edge). Each returns what it
// observed, and throws with the reason when the service misbehaves.
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishBatchCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';

export const TRUCKS = 100;
export const ROUNDS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function clients(endpoint: string) {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 5 };
  return { kinesis: new KinesisClient(config), sqs: new SQSClient(config), sns: new SNSClient(config), config };
}
export type Clients = ReturnType<typeof clients>;

// ------------------------------------------------------------------ Kinesis: 100 trucks on 5 shards
export async function createTruckStream(c: Clients, name: string): Promise<void> {
  await c.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 5 }));
  const deadline = Date.now() + 60_000;
  while ((await c.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') {
    if (Date.now() > deadline) throw new Error(`stream ${name} not ACTIVE within 60 s`);
    await sleep(250);
  }
}

export async function putTruckPositions(c: Clients, name: string): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const res = await c.kinesis.send(new PutRecordsCommand({
      StreamName: name,
      Records: Array.from({ length: TRUCKS }, (_, t) => ({ PartitionKey: `truck-${t}`, Data: Buffer.from(JSON.stringify({ truck: t, round })) })),
    }));
    if (res.FailedRecordCount) throw new Error(`PutRecords round ${round}: ${res.FailedRecordCount} failed`);
  }
}

/** Every record of the stream from TRIM_HORIZON: per truck, the rounds in read order, and the shards it was on. */
export async function readTruckStream(c: Clients, name: string): Promise<{ rounds: Map<number, number[]>; shards: Map<number, Set<string>>; shardCount: number }> {
  const { Shards = [] } = await c.kinesis.send(new ListShardsCommand({ StreamName: name }));
  const rounds = new Map<number, number[]>();
  const shards = new Map<number, Set<string>>();
  for (const shard of Shards) {
    let iterator = (await c.kinesis.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (let empty = 0; iterator && empty < 2;) {
      const page = await c.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const r of page.Records ?? []) {
        const { truck, round } = JSON.parse(Buffer.from(r.Data ?? []).toString()) as { truck: number; round: number };
        rounds.set(truck, [...(rounds.get(truck) ?? []), round]);
        shards.set(truck, (shards.get(truck) ?? new Set()).add(shard.ShardId ?? ''));
      }
      empty = page.Records?.length ? 0 : empty + 1;
      iterator = page.NextShardIterator;
    }
  }
  return { rounds, shards, shardCount: Shards.length };
}

// ------------------------------------------------------------------ SQS FIFO: 100 groups, several consumers
export async function createQueue(c: Clients, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const fifo = name.endsWith('.fifo') ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {};
  const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { ...fifo, ...attributes } }));
  const { Attributes } = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl ?? '', arn: Attributes?.QueueArn ?? '' };
}

export async function sendTruckMessages(c: Clients, url: string): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    for (let first = 0; first < TRUCKS; first += 10) {
      const res = await c.sqs.send(new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: Array.from({ length: 10 }, (_, i) => ({
          Id: `m${i}`, MessageBody: JSON.stringify({ truck: first + i, round }), MessageGroupId: `truck-${first + i}`, MessageDeduplicationId: `${first + i}-${round}`,
        })),
      }));
      if (res.Failed?.length) throw new Error(`SendMessageBatch: ${JSON.stringify(res.Failed)}`);
    }
  }
}

/**
 * `consumers` loops receive until every message arrived. A group may be held by one consumer at a time: a
 * consumer releases its hold just BEFORE it deletes, so a hold seen by another consumer is a real overlap.
 */
export async function consumeFifo(c: Clients, url: string, consumers: number, expected: number, timeoutMs = 180_000) {
  const order = new Map<string, number[]>();
  const holder = new Map<string, { consumer: number; count: number }>();
  const overlaps: string[] = [];
  let received = 0;
  const deadline = Date.now() + timeoutMs;
  await Promise.all(Array.from({ length: consumers }, async (_, me) => {
    while (received < expected && Date.now() < deadline) {
      const { Messages = [] } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60, MessageSystemAttributeNames: ['MessageGroupId'] }));
      for (const m of Messages) {
        const group = m.Attributes?.MessageGroupId ?? '?';
        const h = holder.get(group);
        if (h && h.consumer !== me) overlaps.push(`${group} held by consumer ${h.consumer} and handed to ${me}`);
        holder.set(group, { consumer: me, count: (h && h.consumer === me ? h.count : 0) + 1 });
        order.set(group, [...(order.get(group) ?? []), (JSON.parse(m.Body ?? '{}') as { round: number }).round]);
        received++;
      }
      if (Messages.length === 0) continue;
      await sleep(5); // "work"
      for (const m of Messages) release(holder, m);
      const res = await c.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
      if (res.Failed?.length) throw new Error(`DeleteMessageBatch: ${JSON.stringify(res.Failed)}`);
    }
  }));
  return { order, overlaps, received };
}

function release(holder: Map<string, { consumer: number; count: number }>, m: Message): void {
  const group = m.Attributes?.MessageGroupId ?? '?';
  const h = holder.get(group);
  if (!h) return;
  if (--h.count === 0) holder.delete(group);
}

/** Receives (and deletes) until `expected` bodies arrived or nothing more comes for a few seconds. */
export async function drain(c: Clients, url: string, expected: number, timeoutMs = 60_000): Promise<string[]> {
  const bodies: string[] = [];
  const deadline = Date.now() + timeoutMs;
  let idle = 0;
  while (bodies.length < expected && Date.now() < deadline && idle < 5) {
    const { Messages = [] } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    idle = Messages.length ? 0 : idle + 1;
    for (const m of Messages) bodies.push(m.Body ?? '');
    if (Messages.length) await c.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
  }
  return bodies;
}

// ------------------------------------------------------------------ SNS fan-out
export async function createTopic(c: Clients, name: string): Promise<string> {
  const fifo = name.endsWith('.fifo') ? { FifoTopic: 'true', ContentBasedDeduplication: 'true' } : undefined;
  return (await c.sns.send(new CreateTopicCommand({ Name: name, Attributes: fifo }))).TopicArn ?? '';
}

export async function subscribeQueue(c: Clients, topicArn: string, queueArn: string): Promise<string> {
  return (await c.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }))).SubscriptionArn ?? '';
}

export async function publish(c: Clients, topicArn: string, bodies: string[], groupId?: string): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const res = await c.sns.send(new PublishBatchCommand({
      TopicArn: topicArn,
      PublishBatchRequestEntries: bodies.slice(i, i + 10).map((Message, j) => ({ Id: `p${j}`, Message, ...(groupId ? { MessageGroupId: groupId } : {}) })),
    }));
    if (res.Failed?.length) throw new Error(`PublishBatch: ${JSON.stringify(res.Failed)}`);
  }
}
