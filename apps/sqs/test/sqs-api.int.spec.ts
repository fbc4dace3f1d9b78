/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueueTagsCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOLS, type SqsApp, cleanupPrefix, failure, sleep, sqsClient, startSqs } from './sqs-clients';

// Every scenario of the SQS API over both wire protocols, against the built app on real Redis.

let app: SqsApp;
beforeAll(async () => {
  app = await startSqs();
});
afterAll(async () => {
  await app?.stop();
  if (app) await cleanupPrefix(app.prefix);
});

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

describe.each(PROTOCOLS)('SQS over %s', (protocol) => {
  let sqs: SQSClient;
  const name = (base: string) => (base.endsWith('.fifo') ? `${base.slice(0, -5)}-${protocol}.fifo` : `${base}-${protocol}`);
  const create = async (base: string, Attributes?: Record<string, string>) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name(base), Attributes }))).QueueUrl!;
  const receive = (QueueUrl: string, extra: Record<string, unknown> = {}) =>
    sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...extra }));

  beforeAll(() => {
    sqs = sqsClient(app.url, protocol);
  });

  it('queue lifecycle: create, URL, list, attributes, tags, delete', async () => {
    const url = await create('life', { VisibilityTimeout: '45', DelaySeconds: '0' });
    expect(url).toBe(`${app.url}/000000000000/${name('life')}`);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name('life') }))).QueueUrl).toBe(url);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name('life') }))).QueueUrls).toEqual([url]);
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
    expect(attrs).toMatchObject({ VisibilityTimeout: '45', QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name('life')}` });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MessageRetentionPeriod: '120' } }));
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['MessageRetentionPeriod'] }))).Attributes).toEqual({
      MessageRetentionPeriod: '120',
    });
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { team: 'wharf', tmp: 'x' } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['tmp'] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toEqual({ team: 'wharf' });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    const err = await failure(sqs.send(new GetQueueUrlCommand({ QueueName: name('life') })));
    expect(err).toMatchObject({ name: 'QueueDoesNotExist', status: 400 });
  });

  it('send, receive, delete with attributes, MD5s and system attributes; batches', async () => {
    const url = await create('msgs');
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'hello wharf ✓',
        MessageAttributes: {
          s: { DataType: 'String', StringValue: 'v' },
          n: { DataType: 'Number', StringValue: '42' },
          b: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2]) },
        },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' } },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe(md5('hello wharf ✓'));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
    const batch = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: [1, 2, 3].map((i) => ({ Id: `e${i}`, MessageBody: `b${i}` })) }),
    );
    expect(batch.Successful!.map((s) => s.Id).sort()).toEqual(['e1', 'e2', 'e3']);
    const got = [];
    for (let i = 0; i < 5 && got.length < 4; i++) {
      got.push(...((await receive(url, { MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] })).Messages ?? []));
    }
    expect(got).toHaveLength(4);
    const first = got.find((m) => m.MessageId === sent.MessageId)!;
    expect(first.Body).toBe('hello wharf ✓');
    expect(first.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(Buffer.from(first.MessageAttributes!.b.BinaryValue!)).toEqual(Buffer.from([0, 1, 2]));
    expect(first.MessageAttributes!.n).toEqual({ DataType: 'Number', StringValue: '42' });
    expect(first.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793',
      SenderId: '000000000000',
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
    const del = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          ...got.filter((m) => m !== first).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
          { Id: 'bad', ReceiptHandle: 'not-a-handle' },
        ],
      }),
    );
    expect(del.Successful).toHaveLength(3);
    expect(del.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
    const counts = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes;
    expect(counts).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('visibility timeout expiry redelivers; ChangeMessageVisibility hides and releases', async () => {
    const url = await create('vis', { VisibilityTimeout: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const m1 = (await receive(url)).Messages![0];
    expect((await receive(url)).Messages).toBeUndefined();
    await sleep(1_100);
    const m2 = (await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] })).Messages![0];
    expect(m2.MessageId).toBe(m1.MessageId);
    expect(m2.Attributes).toEqual({ ApproximateReceiveCount: '2' });
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 30 }));
    await sleep(1_100);
    expect((await receive(url)).Messages).toBeUndefined();
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 0 }));
    const m3 = (await receive(url)).Messages![0];
    expect(m3.MessageId).toBe(m1.MessageId);
    await sleep(1_100);
    const stale = await failure(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m3.ReceiptHandle, VisibilityTimeout: 10 })));
    expect(stale).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
  });

  it('delays per message and per queue', async () => {
    const url = await create('delay', { DelaySeconds: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue-delayed' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'not-delayed', DelaySeconds: 0 }));
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }))).Attributes;
    expect(a).toEqual({ ApproximateNumberOfMessagesDelayed: '1' });
    expect((await receive(url)).Messages!.map((m) => m.Body)).toEqual(['not-delayed']);
    const t0 = Date.now();
    const late = await receive(url, { WaitTimeSeconds: 3 });
    expect(late.Messages!.map((m) => m.Body)).toEqual(['queue-delayed']);
    // Woken by the delay's end (1 s), not by the end of the 3 s wait.
    expect(Date.now() - t0).toBeLessThan(2_500);
  });

  it('FIFO: order per group, one consumer per group, dedup by id and content', async () => {
    const url = await create('order.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `g${i % 2}-${i}`, MessageGroupId: `g${i % 2}` }));
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    expect(sent.Successful!.every((s) => /^\d{20}$/.test(s.SequenceNumber!))).toBe(true);
    const dup = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'g0-0', MessageGroupId: 'g0' }));
    expect(dup.MessageId).toBe(sent.Successful![0].MessageId);
    const byId1 = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g2', MessageDeduplicationId: 'same' }));
    const byId2 = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'y', MessageGroupId: 'g2', MessageDeduplicationId: 'same' }));
    expect(byId2.MessageId).toBe(byId1.MessageId);
    const r1 = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 3 }))).Messages!;
    expect(r1.map((m) => m.Body)).toEqual(['g0-0', 'g0-2', 'g0-4']);
    const r2 = (await receive(url)).Messages!;
    expect(r2.map((m) => m.Body)).toEqual(['g1-1', 'g1-3', 'g1-5', 'g1-7', 'g1-9', 'x']);
    expect((await receive(url)).Messages).toBeUndefined();
    for (const m of r1) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    expect((await receive(url)).Messages!.map((m) => m.Body)).toEqual(['g0-6', 'g0-8']);
  });

  it('dead-letter queue after maxReceiveCount, then a move task brings messages back', async () => {
    const dlq = await create('dlq');
    const dlqArn = `arn:aws:sqs:us-east-1:000000000000:${name('dlq')}`;
    const src = await create('src', { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'poison' }));
    expect((await receive(src)).Messages).toHaveLength(1);
    expect((await receive(src)).Messages).toHaveLength(1);
    expect((await receive(src)).Messages).toBeUndefined();
    const dead = (await receive(dlq, { VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] })).Messages![0];
    expect(dead.Body).toBe('poison');
    expect(dead.Attributes!.DeadLetterQueueSourceArn).toBe(`arn:aws:sqs:us-east-1:000000000000:${name('src')}`);
    expect((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }))).queueUrls).toEqual([src]);
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(TaskHandle).toBeTruthy();
    let status = '';
    for (let i = 0; i < 40 && status !== 'COMPLETED'; i++) {
      await sleep(100);
      status = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.[0]?.Status ?? '';
    }
    expect(status).toBe('COMPLETED');
    const back = (await receive(src, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] })).Messages![0];
    expect(back).toMatchObject({ Body: 'poison', Attributes: { ApproximateReceiveCount: '1' } });
  });

  it('purge empties the queue; a second purge within 60 s is refused', async () => {
    const url = await create('purge');
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [1, 2].map((i) => ({ Id: `p${i}`, MessageBody: 'x' })) }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect((await receive(url)).Messages).toBeUndefined();
    expect(await failure(sqs.send(new PurgeQueueCommand({ QueueUrl: url })))).toMatchObject({ name: 'PurgeQueueInProgress', status: 403 });
  });

  it('long polling returns within 100 ms of a send, and at WaitTimeSeconds otherwise', async () => {
    const url = await create('poll');
    const other = sqsClient(app.url, protocol);
    let answeredAt = 0;
    const polling = receive(url, { WaitTimeSeconds: 10 }).then((r) => { answeredAt = Date.now(); return r; });
    await sleep(500);
    await other.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'ping' }));
    // From the send's acknowledgement to the poll's answer (negative: the poll answered first).
    const acknowledgedAt = Date.now();
    const got = await polling;
    const latency = answeredAt - acknowledgedAt;
    expect(got.Messages![0].Body).toBe('ping');
    expect(latency).toBeLessThan(100);
    const t0 = Date.now();
    expect((await receive(url, { WaitTimeSeconds: 1 })).Messages).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  describe('bad input gets AWS code and status', () => {
    let url: string;
    beforeAll(async () => {
      url = await create('bad');
    });
    const cases: [string, () => Promise<unknown>, string, number][] = [
      ['missing QueueUrl', () => sqs.send(new SendMessageCommand({ MessageBody: 'x' } as never)), 'MissingParameter', 400],
      ['invalid QueueUrl', () => sqs.send(new SendMessageCommand({ QueueUrl: `${app.url}/not-a-queue-url/a/b`, MessageBody: 'x' })), 'InvalidAddress', 404],
      ['nonexistent queue', () => sqs.send(new SendMessageCommand({ QueueUrl: `${app.url}/000000000000/nope-${protocol}`, MessageBody: 'x' })), 'QueueDoesNotExist', 400],
      ['invalid queue name', () => sqs.send(new CreateQueueCommand({ QueueName: 'bad name!' })), 'InvalidParameterValue', 400],
      ['81-character name', () => sqs.send(new CreateQueueCommand({ QueueName: 'a'.repeat(81) })), 'InvalidParameterValue', 400],
      ['1 MiB + 1 body', () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1_048_577) })), 'InvalidParameterValue', 400],
      ['invalid characters', () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bad\u0001char' })), 'InvalidMessageContents', 400],
      [
        '11 batch entries',
        () => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, MessageBody: 'x' })) })),
        'TooManyEntriesInBatchRequest',
        400,
      ],
      [
        'duplicate batch ids',
        () => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'same', MessageBody: 'a' }, { Id: 'same', MessageBody: 'b' }] })),
        'BatchEntryIdsNotDistinct',
        400,
      ],
      ['empty batch', () => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })), 'EmptyBatchRequest', 400],
      ['bad queue attribute value', () => sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '43201' } })), 'InvalidAttributeValue', 400],
      ['unknown queue attribute', () => sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Nope: '1' } as never })), 'InvalidAttributeName', 400],
      ['MaxNumberOfMessages 11', () => sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })), 'InvalidParameterValue', 400],
      ['WaitTimeSeconds 21', () => sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })), 'InvalidParameterValue', 400],
      ['DelaySeconds 901', () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })), 'InvalidParameterValue', 400],
      [
        'bad message attribute',
        () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: 'NaN-ish' } } })),
        'InvalidParameterValue',
        400,
      ],
      ['invalid receipt handle', () => sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })), 'ReceiptHandleIsInvalid', 404],
      ['existing name, other attributes', () => sqs.send(new CreateQueueCommand({ QueueName: name('bad'), Attributes: { DelaySeconds: '5' } })), 'QueueNameExists', 400],
    ];
    it.each(cases)('%s', async (_label, call, code, status) => {
      const err = await failure(call());
      expect(err.status).toBe(status);
      expect(err.name).toBe(code);
    });
  });
});
