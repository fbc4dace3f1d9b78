// The bounded load of each service's scenario for the kill -9 matrix (kill-matrix.int.spec.ts), and the
// tally of what came out: acknowledged, delivered, lost, duplicates, order per key/group.
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { CreateTopicCommand, PublishBatchCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { subscriptionQueue } from '@wharf/sns-backend-rabbitmq';
import { parseSubscriptionArn } from '@wharf/sns-engine';
import { uniqueId } from '@wharf/testing';
import { connect as amqpConnect } from 'amqplib';
import { StompTcp } from '../../apps/mq/test/stomp-tcp';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sdk = (endpoint: string) => ({
  endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
  // a request the service never answers counts as not acknowledged (and is retried), instead of hanging the producer
  requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000, throwOnRequestTimeout: true },
});

export interface Tally { acknowledged: number; delivered: number; lost: number; duplicates: number; unackedDelivered: number; orderKept: boolean }

/**
 * One stream of keyed messages. FIFO parts must come out without duplicates; ordered parts (FIFO, Kinesis per
 * partition key, one STOMP producer's queue) in send order per key. Standard SQS/SNS promise neither, as on AWS.
 */
export interface LoadPart {
  name: string; fifo: boolean; ordered: boolean; load: KeyedLoad; collect(): Promise<string[]>;
  /** Where owed messages that did not come out could still be (broker-side counts): printed when a row fails. */
  inspect?(): Promise<string>;
}

/**
 * Producers, one per key, each sending `<key>:<seq>` in order and retrying a failed send with the SAME body until
 * it is acknowledged — what a careful client does. Only acknowledged sends count as owed.
 */
export class KeyedLoad {
  readonly acked = new Map<string, number[]>();
  /** When each acknowledgement came (ms since the epoch, every key): a kill that stops the load shows as a gap. */
  readonly ackedAt: number[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];
  constructor(private readonly keys: string[], private readonly send: (key: string, body: string) => Promise<void>) {}
  start(): void {
    this.loops = this.keys.map(async (key) => {
      this.acked.set(key, []);
      for (let seq = 0; !this.stopped;) {
        try {
          await this.send(key, `${key}:${seq}`);
          this.acked.get(key)?.push(seq++);
          this.ackedAt.push(Date.now());
          await sleep(25);
        } catch { await sleep(250); }
      }
    });
  }
  get count(): number { return [...this.acked.values()].reduce((n, s) => n + s.length, 0); }
  async stop(): Promise<void> { this.stopped = true; await Promise.all(this.loops); }
  owed(): Set<string> { return new Set([...this.acked].flatMap(([k, seqs]) => seqs.map((s) => `${k}:${s}`))); }
  tally(received: string[]): Tally {
    const owed = this.owed();
    const unique = new Set(received);
    const last = new Map<string, number>();
    let orderKept = true;
    for (const body of received) {
      const at = body.lastIndexOf(':');
      const key = body.slice(0, at), seq = Number(body.slice(at + 1));
      if (seq < (last.get(key) ?? -1)) orderKept = false; // a repeat of the previous one is a duplicate, not disorder
      last.set(key, Math.max(seq, last.get(key) ?? -1));
    }
    return {
      acknowledged: owed.size, delivered: [...owed].filter((b) => unique.has(b)).length, lost: [...owed].filter((b) => !unique.has(b)).length,
      duplicates: received.length - unique.size, unackedDelivered: [...unique].filter((b) => !owed.has(b)).length, orderKept,
    };
  }
}

/** The longest time between two acknowledgements (or a bound and the nearest one) within [from, to]. */
export function longestGap(ackedAt: readonly number[], from: number, to: number): number {
  const inside = ackedAt.filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  const points = [from, ...inside, to];
  let gap = 0;
  for (let i = 1; i < points.length; i++) gap = Math.max(gap, points[i] - points[i - 1]);
  return gap;
}

/** Receives until every owed body came, or nothing new came for idleMs (bounded by maxMs). */
async function until(owed: () => Set<string>, next: () => Promise<string[]>, idleMs = 15_000, maxMs = 120_000): Promise<string[]> {
  const got: string[] = [];
  const start = Date.now();
  let lastNew = Date.now();
  while (Date.now() - start < maxMs && Date.now() - lastNew < idleMs) {
    const batch = await next().catch(() => [] as string[]);
    if (batch.length) { got.push(...batch); lastNew = Date.now(); }
    const seen = new Set(got);
    if ([...owed()].every((b) => seen.has(b)) && !batch.length) break;
  }
  return got;
}

function drainQueue(sqs: SQSClient, QueueUrl: string, owed: () => Set<string>): Promise<string[]> {
  return until(owed, async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 600 }));
    const msgs = r.Messages ?? [];
    if (msgs.length) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    return msgs.map((m) => m.Body as string);
  });
}

/** An SQS queue's counts, as GetQueueAttributes gives them. */
async function sqsQueueState(sqs: SQSClient, QueueUrl: string): Promise<string> {
  const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [...names] }))).Attributes ?? {};
  return `sqs queue ${QueueUrl.slice(QueueUrl.lastIndexOf('/') + 1)}: ${a[names[0]]} visible, ${a[names[1]]} in flight, ${a[names[2]]} delayed`;
}

/** A subscription's RabbitMQ queue: messages ready in it and its consumers. */
async function subscriptionQueueState(amqpUrl: string, subscriptionArn: string): Promise<string> {
  const queue = subscriptionQueue({ id: parseSubscriptionArn(subscriptionArn)?.id ?? subscriptionArn });
  const model = await amqpConnect(amqpUrl);
  try {
    const ch = await model.createChannel();
    const q = await ch.checkQueue(queue);
    return `rabbitmq queue ${queue}: ${q.messageCount} ready, ${q.consumerCount} consumers`;
  } catch (error) {
    return `rabbitmq queue ${queue}: ${(error as Error).message}`;
  } finally {
    await model.close().catch(() => undefined);
  }
}

const describeAll = (...states: (() => Promise<string>)[]) => async () =>
  (await Promise.all(states.map((state) => state().catch((error: Error) => `(${error.message})`)))).join('; ');

/** SQS: one FIFO queue with three message groups, one standard queue with one producer. */
export async function sqsScenario(url: string): Promise<LoadPart[]> {
  const sqs = new SQSClient(sdk(url));
  const id = uniqueId('k');
  const fifo = (await sqs.send(new CreateQueueCommand({ QueueName: `${id}.fifo`, Attributes: { FifoQueue: 'true' } }))).QueueUrl as string;
  const std = (await sqs.send(new CreateQueueCommand({ QueueName: `${id}-std` }))).QueueUrl as string;
  const fifoLoad = new KeyedLoad(['g1', 'g2', 'g3'], async (g, body) => void (await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: body, MessageGroupId: g, MessageDeduplicationId: body }))));
  const stdLoad = new KeyedLoad(['s'], async (_k, body) => void (await sqs.send(new SendMessageCommand({ QueueUrl: std, MessageBody: body }))));
  return [
    { name: 'sqs fifo', fifo: true, ordered: true, load: fifoLoad, collect: () => drainQueue(sqs, fifo, () => fifoLoad.owed()), inspect: describeAll(() => sqsQueueState(sqs, fifo)) },
    { name: 'sqs standard', fifo: false, ordered: false, load: stdLoad, collect: () => drainQueue(sqs, std, () => stdLoad.owed()), inspect: describeAll(() => sqsQueueState(sqs, std)) },
  ];
}

/**
 * SNS → SQS: a FIFO topic into a FIFO queue (two groups), a standard topic into a standard queue, and PublishBatch
 * to a standard topic into a queue of its own (one broker message a batch); raw delivery. A batch carries each
 * owed body with a companion (`<body>+`), and a body counts as delivered only with its companion.
 */
export async function snsScenario(snsUrl: string, sqsUrl: string, amqpUrl: string): Promise<LoadPart[]> {
  const sns = new SNSClient(sdk(snsUrl));
  const sqs = new SQSClient(sdk(sqsUrl));
  const id = uniqueId('k');
  const pair = async (fifo: boolean, tag = '') => {
    const suffix = fifo ? '.fifo' : '';
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${id}-q${tag}${suffix}`, Attributes: fifo ? { FifoQueue: 'true' } : {} }))).QueueUrl as string;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    const TopicArn = (await sns.send(new CreateTopicCommand({ Name: `${id}-t${tag}${suffix}`, Attributes: fifo ? { FifoTopic: 'true' } : {} }))).TopicArn;
    const { SubscriptionArn = '' } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: arn, Attributes: { RawMessageDelivery: 'true' } }));
    return { QueueUrl, TopicArn, inspect: describeAll(() => subscriptionQueueState(amqpUrl, SubscriptionArn), () => sqsQueueState(sqs, QueueUrl)) };
  };
  const f = await pair(true);
  const s = await pair(false);
  const b = await pair(false, 'b');
  const batchLoad = new KeyedLoad(['b'], async (_k, body) => {
    const r = await sns.send(new PublishBatchCommand({ TopicArn: b.TopicArn, PublishBatchRequestEntries: [{ Id: 'm', Message: body }, { Id: 'c', Message: `${body}+` }] }));
    if (r.Failed?.length) throw new Error(`PublishBatch: ${r.Failed[0].Code}`); // not acknowledged: sent again whole
  });
  const batches = async () => {
    const got = await drainQueue(sqs, b.QueueUrl, () => new Set([...batchLoad.owed()].flatMap((body) => [body, `${body}+`])));
    const all = new Set(got);
    return got.filter((body) => !body.endsWith('+') && all.has(`${body}+`));
  };
  const fifoLoad = new KeyedLoad(['g1', 'g2'], async (g, body) => void (await sns.send(new PublishCommand({ TopicArn: f.TopicArn, Message: body, MessageGroupId: g, MessageDeduplicationId: body }))));
  const stdLoad = new KeyedLoad(['s'], async (_k, body) => void (await sns.send(new PublishCommand({ TopicArn: s.TopicArn, Message: body }))));
  return [
    { name: 'sns fifo → sqs fifo', fifo: true, ordered: true, load: fifoLoad, collect: () => drainQueue(sqs, f.QueueUrl, () => fifoLoad.owed()), inspect: f.inspect },
    { name: 'sns → sqs', fifo: false, ordered: false, load: stdLoad, collect: () => drainQueue(sqs, s.QueueUrl, () => stdLoad.owed()), inspect: s.inspect },
    { name: 'sns PublishBatch → sqs', fifo: false, ordered: false, load: batchLoad, collect: batches, inspect: b.inspect },
  ];
}

/** Kinesis: three trucks (partition keys) on a stream of two shards; read back from TRIM_HORIZON. */
export async function kinesisScenario(url: string): Promise<LoadPart[]> {
  const kinesis = new KinesisClient(sdk(url));
  const StreamName = uniqueId('k');
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
  for (let i = 0; i < 100; i++) {
    const s = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
    await sleep(300);
  }
  const load = new KeyedLoad(['truck-1', 'truck-2', 'truck-3'], async (key, body) => void (await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: key, Data: Buffer.from(body) }))));
  const collect = async () => {
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName }))).Shards ?? [];
    const out: string[] = [];
    for (const shard of shards) {
      let it = (await kinesis.send(new GetShardIteratorCommand({ StreamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      for (let empty = 0; it && empty < 2;) {
        const r = await kinesis.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1000 }));
        const records = r.Records ?? [];
        out.push(...records.map((rec) => Buffer.from(rec.Data as Uint8Array).toString()));
        empty = records.length === 0 && r.MillisBehindLatest === 0 ? empty + 1 : 0;
        it = r.NextShardIterator;
      }
    }
    return out;
  };
  return [{ name: 'kinesis', fifo: false, ordered: true, load, collect }];
}

/** Amazon MQ's ActiveMQ pair: persistent STOMP messages with receipts; a producer reconnects to whichever instance serves. */
export function stompScenario(active: () => Promise<{ port: number }>, login: { user: string; password: string }): LoadPart[] {
  const destination = `/queue/kill.${uniqueId('k')}`;
  let producer: StompTcp | undefined;
  const connect = async () => { const { port } = await active(); return StompTcp.open('127.0.0.1', port, login.user, login.password, 10_000); };
  const load = new KeyedLoad(['p'], async (_k, body) => {
    if (!producer || producer.closed) { producer?.destroy(); producer = undefined; producer = await connect(); }
    await Promise.race([producer.send(destination, body, { persistent: 'true' }), sleep(10_000).then(() => { producer?.destroy(); throw new Error('no receipt'); })]);
  });
  const collect = async () => {
    producer?.destroy();
    const consumer = await connect();
    const got: string[] = [];
    consumer.onMessage = (f) => got.push(f.body);
    consumer.subscribe(destination, 's');
    const out = await until(() => load.owed(), async () => { await sleep(500); return got.splice(0); }, 8_000);
    consumer.destroy();
    return out;
  };
  return [{ name: 'activemq persistent', fifo: false, ordered: true, load, collect }]; // a send retried after a lost receipt may be stored twice
}
