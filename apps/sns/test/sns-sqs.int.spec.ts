/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  PublishBatchCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  type MessageAttributeValue,
} from '@aws-sdk/client-sns';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, httpSubscriber, receive, sleep, startStack, unique, until, verifyAsSubscriber, type Stack } from './harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function topic(name = unique('t'), attributes?: Record<string, string>) {
  return (await stack.snsClient.send(new CreateTopicCommand({ Name: name, Attributes: attributes }))).TopicArn!;
}
async function queueSubscribed(topicArn: string, attributes?: Record<string, string>, queueAttributes?: Record<string, string>, fifo = false) {
  const q = await createQueue(stack.sqsClient, unique('q') + (fifo ? '.fifo' : ''), { ...(fifo ? { FifoQueue: 'true' } : {}), ...queueAttributes });
  const { SubscriptionArn } = await stack.snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: attributes }));
  return { ...q, subscriptionArn: SubscriptionArn! };
}

describe('SNS → SQS through the SQS API', () => {
  it('fans out to three queues; every copy is a correct envelope whose signature verifies against the served certificate', async () => {
    const arn = await topic();
    const queues = [await queueSubscribed(arn), await queueSubscribed(arn), await queueSubscribed(arn)];
    for (const q of queues) expect(q.subscriptionArn).toMatch(new RegExp(`^${arn}:[0-9a-f-]{36}$`));
    const attrs: Record<string, MessageAttributeValue> = {
      store: { DataType: 'String', StringValue: 'example_corp' },
      price: { DataType: 'Number', StringValue: '210.75' },
    };
    const { MessageId } = await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'order 42 "shipped"\nline 2', Subject: 'Order', MessageAttributes: attrs }));
    for (const q of queues) {
      const [m] = await receive(stack.sqsClient, q.url, 1);
      const env = JSON.parse(m.Body!);
      expect(env).toMatchObject({
        Type: 'Notification',
        MessageId,
        TopicArn: arn,
        Subject: 'Order',
        Message: 'order 42 "shipped"\nline 2',
        SignatureVersion: '1',
        MessageAttributes: { store: { Type: 'String', Value: 'example_corp' }, price: { Type: 'Number', Value: '210.75' } },
      });
      expect(env.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(env.SigningCertURL).toMatch(new RegExp(`^${stack.sns.url}/SimpleNotificationService-[0-9a-f]+\\.pem$`));
      expect(env.UnsubscribeURL).toBe(`${stack.sns.url}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(q.subscriptionArn)}`);
      expect(await verifyAsSubscriber(env)).toBe(true);
      expect(await verifyAsSubscriber({ ...env, Message: 'forged' })).toBe(false);
      expect(m.MessageAttributes).toBeUndefined(); // not raw: attributes travel in the envelope only
    }
  });

  it('SignatureVersion 2 signs with SHA256withRSA', async () => {
    const arn = await topic();
    await stack.snsClient.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
    const q = await queueSubscribed(arn);
    await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'v2' }));
    const env = JSON.parse((await receive(stack.sqsClient, q.url, 1))[0].Body!);
    expect(env.SignatureVersion).toBe('2');
    expect(await verifyAsSubscriber(env)).toBe(true);
    expect(await verifyAsSubscriber({ ...env, SignatureVersion: '1' })).toBe(false);
  });

  it('raw delivery: the body as published, SNS attributes as SQS attributes', async () => {
    const arn = await topic();
    const q = await queueSubscribed(arn, { RawMessageDelivery: 'true' });
    await stack.snsClient.send(
      new PublishCommand({
        TopicArn: arn,
        Message: '{"raw":true}',
        MessageAttributes: {
          color: { DataType: 'String', StringValue: 'red' },
          n: { DataType: 'Number', StringValue: '7' },
          bin: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
          tags: { DataType: 'String.Array', StringValue: '["a","b"]' },
        },
      }),
    );
    const [m] = await receive(stack.sqsClient, q.url, 1);
    expect(m.Body).toBe('{"raw":true}');
    expect(m.MessageAttributes?.color).toMatchObject({ DataType: 'String', StringValue: 'red' });
    expect(m.MessageAttributes?.n).toMatchObject({ DataType: 'Number', StringValue: '7' });
    expect(Buffer.from(m.MessageAttributes!.bin.BinaryValue!)).toEqual(Buffer.from([1, 2, 3]));
    expect(m.MessageAttributes?.tags).toMatchObject({ DataType: 'String.Array', StringValue: '["a","b"]' });
  });

  it('PublishBatch of 10 reaches the queue, each with its MessageId', async () => {
    const arn = await topic();
    const q = await queueSubscribed(arn, { RawMessageDelivery: 'true' });
    const r = await stack.snsClient.send(
      new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, Message: `batch-${i}` })) }),
    );
    expect(r.Successful).toHaveLength(10);
    expect(r.Failed ?? []).toHaveLength(0);
    const got = await receive(stack.sqsClient, q.url, 10, 15_000, 300);
    expect(got.map((m) => m.Body).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `batch-${i}`).sort());
  });

  it('MessageStructure=json sends the sqs text to SQS subscribers', async () => {
    const arn = await topic();
    const q = await queueSubscribed(arn);
    await stack.snsClient.send(new PublishCommand({ TopicArn: arn, MessageStructure: 'json', Message: JSON.stringify({ default: 'plain', sqs: 'for queues' }) }));
    expect(JSON.parse((await receive(stack.sqsClient, q.url, 1))[0].Body!).Message).toBe('for queues');
  });
});

// Filter policies: each case is its own topic + queue; every message says whether it should arrive.
type Attrs = Record<string, MessageAttributeValue>;
const S = (v: string): MessageAttributeValue => ({ DataType: 'String', StringValue: v });
const N = (v: number): MessageAttributeValue => ({ DataType: 'Number', StringValue: String(v) });
const A = (v: unknown[]): MessageAttributeValue => ({ DataType: 'String.Array', StringValue: JSON.stringify(v) });
interface Case {
  name: string;
  scope: 'MessageAttributes' | 'MessageBody';
  policy: object;
  messages: { attrs?: Attrs; body?: object | string; match: boolean }[];
}
const cases: Case[] = [
  { name: 'exact string', scope: 'MessageAttributes', policy: { store: ['acme', 'globex'] }, messages: [{ attrs: { store: S('acme') }, match: true }, { attrs: { store: S('Acme') }, match: false }, { attrs: { other: S('acme') }, match: false }] },
  { name: 'exact number + String.Array', scope: 'MessageAttributes', policy: { size: [42], tags: ['x'] }, messages: [{ attrs: { size: N(42), tags: A(['y', 'x']) }, match: true }, { attrs: { size: N(43), tags: A(['x']) }, match: false }] },
  { name: 'prefix', scope: 'MessageAttributes', policy: { event: [{ prefix: 'order_' }] }, messages: [{ attrs: { event: S('order_placed') }, match: true }, { attrs: { event: S('refund') }, match: false }] },
  { name: 'suffix', scope: 'MessageAttributes', policy: { file: [{ suffix: '.png' }] }, messages: [{ attrs: { file: S('a.png') }, match: true }, { attrs: { file: S('a.gif') }, match: false }] },
  { name: 'anything-but value', scope: 'MessageAttributes', policy: { sport: [{ 'anything-but': 'rugby' }] }, messages: [{ attrs: { sport: S('golf') }, match: true }, { attrs: { sport: S('rugby') }, match: false }] },
  { name: 'anything-but list', scope: 'MessageAttributes', policy: { code: [{ 'anything-but': [100, 200] }] }, messages: [{ attrs: { code: N(150) }, match: true }, { attrs: { code: N(200) }, match: false }] },
  { name: 'anything-but prefix', scope: 'MessageAttributes', policy: { id: [{ 'anything-but': { prefix: 'tmp-' } }] }, messages: [{ attrs: { id: S('job-1') }, match: true }, { attrs: { id: S('tmp-1') }, match: false }] },
  { name: 'anything-but suffix', scope: 'MessageAttributes', policy: { id: [{ 'anything-but': { suffix: '.bak' } }] }, messages: [{ attrs: { id: S('a.txt') }, match: true }, { attrs: { id: S('a.bak') }, match: false }] },
  { name: 'equals-ignore-case', scope: 'MessageAttributes', policy: { city: [{ 'equals-ignore-case': 'PARIS' }] }, messages: [{ attrs: { city: S('paris') }, match: true }, { attrs: { city: S('parisx') }, match: false }] },
  { name: 'numeric =, <, <=', scope: 'MessageAttributes', policy: { a: [{ numeric: ['=', 5] }], b: [{ numeric: ['<', 0] }], c: [{ numeric: ['<=', 10] }] }, messages: [{ attrs: { a: N(5), b: N(-1), c: N(10) }, match: true }, { attrs: { a: N(5), b: N(0), c: N(10) }, match: false }] },
  { name: 'numeric range >, >=', scope: 'MessageAttributes', policy: { price: [{ numeric: ['>', 0, '<=', 150] }], qty: [{ numeric: ['>=', 1] }] }, messages: [{ attrs: { price: N(150), qty: N(1) }, match: true }, { attrs: { price: N(150.5), qty: N(1) }, match: false }, { attrs: { price: N(10), qty: N(0) }, match: false }] },
  { name: 'exists true / false', scope: 'MessageAttributes', policy: { must: [{ exists: true }], never: [{ exists: false }] }, messages: [{ attrs: { must: S('x') }, match: true }, { attrs: { must: S('x'), never: S('y') }, match: false }, { attrs: { other: S('x') }, match: false }] },
  { name: 'cidr', scope: 'MessageAttributes', policy: { ip: [{ cidr: '10.0.0.0/24' }] }, messages: [{ attrs: { ip: S('10.0.0.7') }, match: true }, { attrs: { ip: S('10.0.1.7') }, match: false }] },
  { name: '$or', scope: 'MessageAttributes', policy: { source: ['cw'], $or: [{ metric: ['CPU'] }, { ns: ['EC2'] }] }, messages: [{ attrs: { source: S('cw'), ns: S('EC2') }, match: true }, { attrs: { source: S('cw'), ns: S('S3') }, match: false }] },
  { name: 'body exact + nesting', scope: 'MessageBody', policy: { order: { status: ['shipped'], item: { sku: ['A1'] } } }, messages: [{ body: { order: { status: 'shipped', item: { sku: 'A1' } } }, match: true }, { body: { order: { status: 'shipped', item: [{ sku: 'B' }, { sku: 'A1' }] } }, match: true }, { body: { order: { status: 'pending', item: { sku: 'A1' } } }, match: false }] },
  { name: 'body prefix / suffix / ignore-case', scope: 'MessageBody', policy: { a: [{ prefix: 'ab' }], b: [{ suffix: 'yz' }], c: [{ 'equals-ignore-case': 'Q' }] }, messages: [{ body: { a: 'abc', b: 'xyz', c: 'q' }, match: true }, { body: { a: 'abc', b: 'xyz', c: 'r' }, match: false }] },
  { name: 'body anything-but + numeric', scope: 'MessageBody', policy: { kind: [{ 'anything-but': ['test'] }], total: [{ numeric: ['>=', 100, '<', 200] }] }, messages: [{ body: { kind: 'prod', total: 100 }, match: true }, { body: { kind: 'test', total: 150 }, match: false }, { body: { kind: 'prod', total: 200 }, match: false }] },
  { name: 'body exists / cidr / booleans / null', scope: 'MessageBody', policy: { meta: { id: [{ exists: true }], debug: [{ exists: false }] }, ip: [{ cidr: '192.168.0.0/16' }], flag: [true], gone: [null] }, messages: [{ body: { meta: { id: 1 }, ip: '192.168.9.9', flag: true, gone: null }, match: true }, { body: { meta: { id: 1, debug: 1 }, ip: '192.168.9.9', flag: true, gone: null }, match: false }, { body: { meta: { id: 1 }, ip: '10.1.1.1', flag: true, gone: null }, match: false }] },
  { name: 'body $or nested', scope: 'MessageBody', policy: { detail: { $or: [{ state: ['on'] }, { level: [{ numeric: ['>', 3] }] }] } }, messages: [{ body: { detail: { level: 4 } }, match: true }, { body: { detail: { state: 'off', level: 1 } }, match: false }, { body: 'not json', match: false }] },
];

describe('filter policies for every operator, both scopes', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const arn = await topic();
    const q = await queueSubscribed(arn, { FilterPolicy: JSON.stringify(c.policy), FilterPolicyScope: c.scope, RawMessageDelivery: 'true' });
    const attrs = await stack.snsClient.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: q.subscriptionArn }));
    expect(attrs.Attributes?.FilterPolicyScope).toBe(c.scope);
    const expected: string[] = [];
    for (const [i, m] of c.messages.entries()) {
      const marker = `m${i}`;
      const body = c.scope === 'MessageBody' ? (typeof m.body === 'string' ? m.body : JSON.stringify({ ...(m.body as object), marker })) : marker;
      await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: body, MessageAttributes: m.attrs }));
      if (m.match) expected.push(body);
    }
    const got = await receive(stack.sqsClient, q.url, expected.length, 10_000, 600);
    expect(got.map((g) => g.Body).sort()).toEqual(expected.sort());
  });
});

describe('FIFO topic into a FIFO queue', () => {
  it('keeps each truck\'s order across 3 groups × 50 and drops duplicates', async () => {
    const arn = await topic(`${unique('trucks')}.fifo`, { FifoTopic: 'true' });
    const q = await queueSubscribed(arn, { RawMessageDelivery: 'true' }, {}, true);
    const trucks = ['truck-1', 'truck-2', 'truck-3'];
    const sequence = new Map<string, bigint[]>();
    await Promise.all(
      trucks.map(async (truck) => {
        for (let i = 0; i < 50; i++) {
          const r = await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: `${truck}:${i}`, MessageGroupId: truck, MessageDeduplicationId: `${truck}-${i}` }));
          expect(r.SequenceNumber).toMatch(/^\d{20}$/);
          sequence.set(truck, [...(sequence.get(truck) ?? []), BigInt(r.SequenceNumber!)]);
          if (i % 10 === 0) {
            // A retry of the same publish (same dedup id) is accepted but not delivered again.
            const dup = await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: `${truck}:${i}`, MessageGroupId: truck, MessageDeduplicationId: `${truck}-${i}` }));
            expect(dup.MessageId).toBe(r.MessageId);
          }
        }
      }),
    );
    for (const seqs of sequence.values()) expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    const got = await receive(stack.sqsClient, q.url, 150, 60_000, 1000);
    expect(got).toHaveLength(150);
    for (const truck of trucks) {
      const positions = got.map((m) => m.Body!).filter((b) => b.startsWith(`${truck}:`)).map((b) => Number(b.split(':')[1]));
      expect(positions).toEqual(Array.from({ length: 50 }, (_, i) => i));
    }
    expect(got[0].Attributes?.MessageGroupId).toMatch(/^truck-/);
  }, 120_000);

  it('envelopes carry the SequenceNumber; content-based dedup drops identical bodies', async () => {
    const arn = await topic(`${unique('cbd')}.fifo`, { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    const q = await queueSubscribed(arn, {}, {}, true);
    const a = await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'same', MessageGroupId: 'g' }));
    const b = await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'same', MessageGroupId: 'g' }));
    expect(b.MessageId).toBe(a.MessageId);
    const got = await receive(stack.sqsClient, q.url, 1, 10_000, 500);
    expect(got).toHaveLength(1);
    const env = JSON.parse(got[0].Body!);
    expect(env.SequenceNumber).toBe(a.SequenceNumber);
    expect(await verifyAsSubscriber(env)).toBe(true);
  });
});

describe('dead-letter queues', () => {
  it('a dead HTTP endpoint: 1 try + 3 retries (AWS default, scaled), then the message lands in the subscription DLQ', async () => {
    const arn = await topic();
    const dlq = await createQueue(stack.sqsClient, unique('dlq'));
    const endpoint = await httpSubscriber();
    endpoint.respond = async (req) => {
      if (req.json?.Type === 'SubscriptionConfirmation') {
        await fetch(req.json.SubscribeURL);
        return 200;
      }
      return 500;
    };
    await stack.snsClient.send(
      new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: endpoint.url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) } }),
    );
    await until(() => endpoint.requests.some((r) => r.json?.Type === 'SubscriptionConfirmation'), 10_000, 'confirmation');
    await sleep(300);
    const { MessageId } = await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'will fail' }));
    const [dead] = await receive(stack.sqsClient, dlq.url, 1, 20_000);
    const env = JSON.parse(dead.Body!);
    expect(env).toMatchObject({ Type: 'Notification', MessageId, Message: 'will fail' });
    const notifications = endpoint.requests.filter((r) => r.json?.Type === 'Notification');
    expect(notifications).toHaveLength(4);
    // 20 s policy delay × SNS_RETRY_SECOND_MS=10 → ≈200 ms between attempts.
    for (let i = 1; i < 4; i++) expect(notifications[i].at - notifications[i - 1].at).toBeGreaterThanOrEqual(180);
    await endpoint.close();
  });

  it('a deleted queue (client-side error) goes straight to the DLQ; without a DLQ it is held and reported', async () => {
    const arn = await topic();
    const dlq = await createQueue(stack.sqsClient, unique('dlq'));
    const gone = await queueSubscribed(arn, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }), RawMessageDelivery: 'true' });
    const goneNoDlq = await queueSubscribed(arn);
    await stack.sqsClient.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
    await stack.sqsClient.send(new DeleteQueueCommand({ QueueUrl: goneNoDlq.url }));
    await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'to nowhere' }));
    const [dead] = await receive(stack.sqsClient, dlq.url, 1, 10_000);
    expect(dead.Body).toBe('to nowhere');
    const report = await until(async () => {
      const r = (await (await fetch(`${stack.sns.url}/_wharf/sns/held`)).json()) as { subscriptions: { subscriptionArn: string; held: number }[] };
      return r.subscriptions.find((s) => s.subscriptionArn === goneNoDlq.subscriptionArn);
    }, 10_000, 'held report');
    expect(report.held).toBe(1);
  });
});
