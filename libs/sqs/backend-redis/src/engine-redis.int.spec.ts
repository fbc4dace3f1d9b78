/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsError } from '@wharf/aws-protocol';
import { systemClock } from '@wharf/engine-kit';
import type { ManualClock } from '@wharf/engine-kit/testing';
import { md5Hex } from '@wharf/sqs-engine';
import { engineHarness } from './testing';

// The engine over the real Redis and its Lua scripts, with a manual clock: every script is exercised
// here (send, receive, delete, change_visibility, create_queue, set_attributes, set_tags, counts,
// purge, delete_queue, move_messages, move_task). One file past 300 lines on purpose: it is the one
// place that shows which case covers which script.

type H = ReturnType<typeof engineHarness>;
let h: H;
beforeEach(() => {
  h = engineHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const clock = () => h.clock as ManualClock;

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(AwsError);
  expect((err as AwsError).code).toBe(code);
  if (message) expect((err as AwsError).message).toMatch(message);
}

async function queue(name: string, Attributes: Record<string, string> = {}) {
  const { QueueUrl } = await h.sqs.CreateQueue({ QueueName: name, Attributes });
  return QueueUrl!;
}

describe('queues (create_queue, set_attributes, set_tags, delete_queue)', () => {
  it('creates, finds, lists with prefix and pages, and deletes', async () => {
    const url = await queue('alpha');
    expect(url).toBe('http://localhost:9324/000000000000/alpha');
    await queue('alpine');
    await queue('beta');
    expect((await h.sqs.GetQueueUrl({ QueueName: 'beta' })).QueueUrl).toMatch(/\/beta$/);
    expect((await h.sqs.ListQueues({ QueueNamePrefix: 'al' })).QueueUrls).toHaveLength(2);
    const p1 = await h.sqs.ListQueues({ MaxResults: 2 });
    expect(p1.QueueUrls).toHaveLength(2);
    expect(p1.NextToken).toBeDefined();
    const p2 = await h.sqs.ListQueues({ MaxResults: 2, NextToken: p1.NextToken });
    expect(p2.QueueUrls).toEqual(['http://localhost:9324/000000000000/beta']);
    expect(p2.NextToken).toBeUndefined();
    await h.sqs.DeleteQueue({ QueueUrl: url });
    await expectCode(h.sqs.GetQueueUrl({ QueueName: 'alpha' }), 'QueueDoesNotExist');
    await expectCode(queue('alpha'), 'QueueDeletedRecently');
  });

  it('same name: same attributes give the URL, different ones QueueNameExists', async () => {
    await queue('same', { VisibilityTimeout: '40' });
    await expect(queue('same', { VisibilityTimeout: '40' })).resolves.toMatch(/same$/);
    await expect(queue('same')).resolves.toMatch(/same$/);
    await expectCode(queue('same', { VisibilityTimeout: '41' }), 'QueueNameExists');
  });

  it('reports attributes and counts, and changes them', async () => {
    const url = await queue('attrs', { DelaySeconds: '5' });
    const { Attributes: a } = await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['All'] });
    expect(a).toMatchObject({
      DelaySeconds: '5',
      VisibilityTimeout: '30',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:attrs',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
      SqsManagedSseEnabled: 'true',
    });
    expect(a!.FifoQueue).toBeUndefined();
    await h.sqs.SetQueueAttributes({ QueueUrl: url, Attributes: { VisibilityTimeout: '60' } });
    const { Attributes: b } = await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] });
    expect(b).toEqual({ VisibilityTimeout: '60' });
    await expectCode(h.sqs.SetQueueAttributes({ QueueUrl: url, Attributes: { VisibilityTimeout: '43201' } }), 'InvalidAttributeValue');
    await expectCode(h.sqs.SetQueueAttributes({ QueueUrl: url, Attributes: { Bogus: '1' } as never }), 'InvalidAttributeName');
    await expectCode(h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['Bogus' as never] }), 'InvalidAttributeName');
  });

  it('tags and permissions are stored', async () => {
    const url = await queue('tagged');
    await h.sqs.TagQueue({ QueueUrl: url, Tags: { team: 'a', env: 'dev' } });
    await h.sqs.UntagQueue({ QueueUrl: url, TagKeys: ['env'] });
    expect((await h.sqs.ListQueueTags({ QueueUrl: url })).Tags).toEqual({ team: 'a' });
    await h.sqs.AddPermission({ QueueUrl: url, Label: 'p1', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] });
    await expectCode(
      h.sqs.AddPermission({ QueueUrl: url, Label: 'p1', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] }),
      'InvalidParameterValue',
    );
    const { Attributes } = await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['Policy'] });
    expect(JSON.parse(Attributes!.Policy!).Statement[0]).toMatchObject({ Sid: 'p1', Action: ['SQS:SendMessage'] });
    await h.sqs.RemovePermission({ QueueUrl: url, Label: 'p1' });
    expect((await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['Policy'] })).Attributes).toEqual({});
  });
});

describe('standard messages (send, receive, delete, change_visibility, counts)', () => {
  it('sends with MD5s, receives with system attributes, deletes', async () => {
    const url = await queue('std');
    const sent = await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'hello', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } });
    expect(sent.MD5OfMessageBody).toBe(md5Hex('hello'));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    clock().advance(10);
    const r = await h.sqs.ReceiveMessage({ QueueUrl: url, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] });
    const m = r.Messages![0];
    expect(m).toMatchObject({ MessageId: sent.MessageId, Body: 'hello', MD5OfBody: md5Hex('hello') });
    expect(m.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(m.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000' });
    expect(Number(m.Attributes!.ApproximateFirstReceiveTimestamp)).toBe(Number(m.Attributes!.SentTimestamp) + 10);
    expect(await h.sqs.ReceiveMessage({ QueueUrl: url })).toEqual({});
    await h.sqs.DeleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
    expect(await h.store.counts({ account: '000000000000', name: 'std' }, clock().now())).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });

  it('redelivers after the visibility timeout; an old receipt handle deletes nothing', async () => {
    const url = await queue('vis', { VisibilityTimeout: '10' });
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'x' });
    const first = (await h.sqs.ReceiveMessage({ QueueUrl: url })).Messages![0];
    clock().advance(9_999);
    expect(await h.sqs.ReceiveMessage({ QueueUrl: url })).toEqual({});
    clock().advance(1);
    const second = (await h.sqs.ReceiveMessage({ QueueUrl: url, AttributeNames: ['ApproximateReceiveCount'] })).Messages![0];
    expect(second.Attributes).toEqual({ ApproximateReceiveCount: '2' });
    expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);
    await h.sqs.DeleteMessage({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle });
    const c = await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] });
    expect(c.Attributes).toEqual({ ApproximateNumberOfMessagesNotVisible: '1' });
    await h.sqs.DeleteMessage({ QueueUrl: url, ReceiptHandle: second.ReceiptHandle });
    expect((await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] })).Attributes)
      .toEqual({ ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('ChangeMessageVisibility extends, releases at 0, refuses after expiry and past 12 h', async () => {
    const url = await queue('cmv', { VisibilityTimeout: '10' });
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'x' });
    let m = (await h.sqs.ReceiveMessage({ QueueUrl: url })).Messages![0];
    await h.sqs.ChangeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 100 });
    clock().advance(50_000);
    expect(await h.sqs.ReceiveMessage({ QueueUrl: url })).toEqual({});
    await h.sqs.ChangeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
    m = (await h.sqs.ReceiveMessage({ QueueUrl: url })).Messages![0];
    expect(m).toBeDefined();
    clock().advance(1_000);
    await expectCode(
      h.sqs.ChangeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 43_200 }),
      'InvalidParameterValue',
      /43200 seconds/,
    );
    await h.sqs.ChangeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 43_199 });
    clock().advance(43_199_000);
    await expectCode(
      h.sqs.ChangeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 5 }),
      'InvalidParameterValue',
      /not available for visibility timeout change/,
    );
    const batch = await h.sqs.ChangeMessageVisibilityBatch({ QueueUrl: url, Entries: [{ Id: 'a', ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 5 }, { Id: 'b', ReceiptHandle: 'bogus', VisibilityTimeout: 5 }] });
    expect(batch.Successful).toEqual([]);
    expect(batch.Failed!.map((f) => f.Code).sort()).toEqual(['InvalidParameterValue', 'ReceiptHandleIsInvalid']);
  });

  it('delays per queue and per message; counts them as delayed', async () => {
    const url = await queue('delay', { DelaySeconds: '30' });
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'queue-delay' });
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'own-delay', DelaySeconds: 5 });
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'now', DelaySeconds: 0 });
    const counts = await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['All'] });
    expect(counts.Attributes).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesDelayed: '2' });
    const bodies = async () => ((await h.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages ?? []).map((m) => m.Body);
    const first = await h.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 });
    expect(first.Messages!.map((m) => m.Body)).toEqual(['now']);
    await h.sqs.DeleteMessage({ QueueUrl: url, ReceiptHandle: first.Messages![0].ReceiptHandle });
    clock().advance(5_000);
    expect(await bodies()).toEqual(['own-delay']);
    clock().advance(25_000);
    expect(await bodies()).toEqual(['queue-delay']);
  });

  it('drops messages past the retention period', async () => {
    const url = await queue('ret', { MessageRetentionPeriod: '60' });
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'old' });
    clock().advance(60_001);
    expect(await h.sqs.ReceiveMessage({ QueueUrl: url })).toEqual({});
  });

  it('purges everything once a minute', async () => {
    const url = await queue('purge');
    await h.sqs.SendMessageBatch({ QueueUrl: url, Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `b${i}` })) });
    await h.sqs.ReceiveMessage({ QueueUrl: url });
    await h.sqs.PurgeQueue({ QueueUrl: url });
    expect((await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['All'] })).Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    await expectCode(h.sqs.PurgeQueue({ QueueUrl: url }), 'PurgeQueueInProgress');
  });

  it('batches: partial failures in Failed[], shape errors thrown', async () => {
    const url = await queue('batch', { MaximumMessageSize: '1024' });
    const r = await h.sqs.SendMessageBatch({
      QueueUrl: url,
      Entries: [
        { Id: 'ok', MessageBody: 'fine' },
        { Id: 'big', MessageBody: 'x'.repeat(1025) },
        { Id: 'bad', MessageBody: 'a\u0000b' },
      ],
    });
    expect(r.Successful!.map((s) => s.Id)).toEqual(['ok']);
    expect(r.Failed).toEqual([
      expect.objectContaining({ Id: 'big', Code: 'InvalidParameterValue', SenderFault: true }),
      expect.objectContaining({ Id: 'bad', Code: 'InvalidMessageContents', SenderFault: true }),
    ]);
    await expectCode(
      h.sqs.SendMessageBatch({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, MessageBody: 'x' })) }),
      'TooManyEntriesInBatchRequest',
    );
    await expectCode(h.sqs.SendMessageBatch({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }] }), 'BatchEntryIdsNotDistinct');
    await expectCode(h.sqs.SendMessageBatch({ QueueUrl: url, Entries: [] }), 'EmptyBatchRequest');
    await expectCode(h.sqs.SendMessageBatch({ QueueUrl: url, Entries: [{ Id: 'a b', MessageBody: 'x' }] }), 'InvalidBatchEntryId');
  });

  it('refuses receives past the in-flight limit with OverLimit', async () => {
    const small = engineHarness({ inflightLimitStandard: 2 });
    try {
      const { QueueUrl } = await small.sqs.CreateQueue({ QueueName: 'limit' });
      await small.sqs.SendMessageBatch({ QueueUrl, Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: 'x' })) });
      await small.sqs.ReceiveMessage({ QueueUrl, MaxNumberOfMessages: 2 });
      await expectCode(small.sqs.ReceiveMessage({ QueueUrl }), 'OverLimit');
    } finally {
      await small.cleanup();
    }
  });
});

describe('FIFO (groups, dedup, sequence numbers, attempt ids)', () => {
  const fifo = (name: string, extra: Record<string, string> = {}) => queue(name, { FifoQueue: 'true', ...extra });

  it('keeps each group in order and hands a group to one consumer at a time', async () => {
    const url = await fifo('order.fifo', { ContentBasedDeduplication: 'true' });
    for (const [g, b] of [['g1', 'a1'], ['g2', 'b1'], ['g1', 'a2'], ['g1', 'a3'], ['g2', 'b2']]) {
      await h.sqs.SendMessage({ QueueUrl: url, MessageBody: b, MessageGroupId: g });
    }
    const r1 = (await h.sqs.ReceiveMessage({ QueueUrl: url })).Messages!;
    expect(r1.map((m) => m.Body)).toEqual(['a1']);
    const r2 = (await h.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages!;
    expect(r2.map((m) => m.Body)).toEqual(['b1', 'b2']);
    expect(await h.sqs.ReceiveMessage({ QueueUrl: url })).toEqual({});
    await h.sqs.DeleteMessage({ QueueUrl: url, ReceiptHandle: r1[0].ReceiptHandle });
    const r3 = (await h.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10, AttributeNames: ['All'] })).Messages!;
    expect(r3.map((m) => m.Body)).toEqual(['a2', 'a3']);
    expect(BigInt(r3[1].Attributes!.SequenceNumber!)).toBeGreaterThan(BigInt(r3[0].Attributes!.SequenceNumber!));
    expect(r3[0].Attributes).toMatchObject({ MessageGroupId: 'g1', MessageDeduplicationId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // visibility expiry of the whole in-flight run unlocks the group; the run comes back in order
    clock().advance(30_000);
    const r4 = (await h.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages!;
    expect(r4.map((m) => m.Body).sort()).toEqual(['a2', 'a3', 'b1', 'b2']);
    expect(r4.filter((m) => m.Body!.startsWith('a')).map((m) => m.Body)).toEqual(['a2', 'a3']);
    expect(r4.filter((m) => m.Body!.startsWith('b')).map((m) => m.Body)).toEqual(['b1', 'b2']);
  });

  it('deletes from anywhere in a group: its head at once, or messages behind ones still in flight', async () => {
    const url = await fifo('anywhere.fifo', { ContentBasedDeduplication: 'true' });
    for (const b of ['a1', 'a2', 'a3', 'a4', 'a5']) await h.sqs.SendMessage({ QueueUrl: url, MessageBody: b, MessageGroupId: 'g' });
    const got = (await h.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages!;
    expect(got.map((m) => m.Body)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    const handle = (body: string) => got.find((m) => m.Body === body)!.ReceiptHandle!;
    // behind the head: a2 and a4 go, a1, a3 and a5 stay in flight and keep the group locked
    const middle = await h.sqs.DeleteMessageBatch({ QueueUrl: url, Entries: ['a4', 'a2'].map((b) => ({ Id: b, ReceiptHandle: handle(b) })) });
    expect(middle.Successful!.map((e) => e.Id).sort()).toEqual(['a2', 'a4']);
    expect(await h.sqs.ReceiveMessage({ QueueUrl: url })).toEqual({});
    // the head, in another order than the list's: a3 and a1 go; a5 is still in flight
    await h.sqs.DeleteMessageBatch({ QueueUrl: url, Entries: ['a3', 'a1'].map((b) => ({ Id: b, ReceiptHandle: handle(b) })) });
    expect(await h.sqs.ReceiveMessage({ QueueUrl: url })).toEqual({});
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'a6', MessageGroupId: 'g' });
    // once a5's visibility ends, the group gives a5 then a6; no deleted message comes back
    clock().advance(30_000);
    const back = (await h.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages!;
    expect(back.map((m) => m.Body)).toEqual(['a5', 'a6']);
    await h.sqs.DeleteMessageBatch({ QueueUrl: url, Entries: back.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) });
    expect(await h.sqs.ReceiveMessage({ QueueUrl: url })).toEqual({});
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'a7', MessageGroupId: 'g' });
    expect((await h.sqs.ReceiveMessage({ QueueUrl: url })).Messages!.map((m) => m.Body)).toEqual(['a7']);
  });

  it('deduplicates by id or content for five minutes, per queue or per group', async () => {
    const url = await fifo('dedup.fifo', { ContentBasedDeduplication: 'true' });
    const a = await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'g' });
    const b = await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'other' });
    expect(b.MessageId).toBe(a.MessageId);
    expect(b.SequenceNumber).toBe(a.SequenceNumber);
    const c = await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    const d = await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'y', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    expect(d.MessageId).toBe(c.MessageId);
    clock().advance(300_000);
    const e = await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'g' });
    expect(e.MessageId).not.toBe(a.MessageId);
    const counts = await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] });
    expect(counts.Attributes).toEqual({ ApproximateNumberOfMessages: '3' });

    const ht = await fifo('ht.fifo', { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    const x = await h.sqs.SendMessage({ QueueUrl: ht, MessageBody: '1', MessageGroupId: 'g1', MessageDeduplicationId: 'd' });
    const y = await h.sqs.SendMessage({ QueueUrl: ht, MessageBody: '2', MessageGroupId: 'g2', MessageDeduplicationId: 'd' });
    expect(y.MessageId).not.toBe(x.MessageId);
  });

  it('one batch: sequence numbers rise in entry order, a repeated deduplication id answers the earlier entry', async () => {
    const url = await fifo('batch.fifo');
    const rows = [['a1', 'g1', 'd1'], ['b1', 'g2', 'd2'], ['a2', 'g1', 'd3'], ['dup', 'g2', 'd1'], ['b2', 'g2', 'd4'], ['a3', 'g1', 'd5']];
    const sent = await h.sqs.SendMessageBatch({
      QueueUrl: url,
      Entries: rows.map(([MessageBody, MessageGroupId, MessageDeduplicationId], i) => ({ Id: `e${i}`, MessageBody, MessageGroupId, MessageDeduplicationId })),
    });
    const byId = Object.fromEntries(sent.Successful!.map((e) => [e.Id!, e]));
    expect(byId.e3).toMatchObject({ MessageId: byId.e0.MessageId, SequenceNumber: byId.e0.SequenceNumber });
    const seqs = ['e0', 'e1', 'e2', 'e4', 'e5'].map((id) => BigInt(byId[id].SequenceNumber!));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    // a later batch repeating d2 gets b1 back; its new entry follows on
    const next = await h.sqs.SendMessageBatch({
      QueueUrl: url,
      Entries: [
        { Id: 'x', MessageBody: 'again', MessageGroupId: 'g2', MessageDeduplicationId: 'd2' },
        { Id: 'y', MessageBody: 'a4', MessageGroupId: 'g1', MessageDeduplicationId: 'd6' },
      ],
    });
    const [x, y] = ['x', 'y'].map((id) => next.Successful!.find((e) => e.Id === id)!);
    expect(x).toMatchObject({ MessageId: byId.e1.MessageId, SequenceNumber: byId.e1.SequenceNumber });
    expect(BigInt(y.SequenceNumber!)).toBeGreaterThan(seqs[4]);

    // one receive takes each group's run in order (g1's head was sent first)
    const got = (await h.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages!;
    expect(got.map((m) => m.Body)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2']);
    // a handle named twice in one delete batch deletes once
    const del = await h.sqs.DeleteMessageBatch({
      QueueUrl: url,
      Entries: [...got, got[0]].map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
    });
    expect(del.Successful).toHaveLength(7);
    const { Attributes } = await h.sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] });
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    // the groups are unlocked and empty: a new message of each comes straight back
    await h.sqs.SendMessageBatch({
      QueueUrl: url,
      Entries: [
        { Id: 'p', MessageBody: 'a5', MessageGroupId: 'g1', MessageDeduplicationId: 'd7' },
        { Id: 'q', MessageBody: 'b3', MessageGroupId: 'g2', MessageDeduplicationId: 'd8' },
      ],
    });
    expect((await h.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages!.map((m) => m.Body)).toEqual(['a5', 'b3']);
  });

  it('validates FIFO sends', async () => {
    const url = await fifo('val.fifo');
    await expectCode(h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' }), 'InvalidParameterValue', /ContentBasedDeduplication/);
    await expectCode(h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' }), 'MissingParameter', /MessageGroupId/);
    await expectCode(
      h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 5 }),
      'InvalidParameterValue',
    );
    await expectCode(queue('nofifo', { FifoQueue: 'true' }), 'InvalidParameterValue');
    await expectCode(queue('nofifo.fifo'), 'InvalidParameterValue');
    await expectCode(queue('std-with-cbd', { ContentBasedDeduplication: 'true' }), 'InvalidAttributeName');
  });

  it('a retried ReceiveRequestAttemptId returns the same messages and handles', async () => {
    const url = await fifo('attempt.fifo', { ContentBasedDeduplication: 'true' });
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'a', MessageGroupId: 'g' });
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'b', MessageGroupId: 'h' });
    const first = await h.sqs.ReceiveMessage({ QueueUrl: url, ReceiveRequestAttemptId: 'try-1' });
    const again = await h.sqs.ReceiveMessage({ QueueUrl: url, ReceiveRequestAttemptId: 'try-1' });
    expect(again.Messages![0].ReceiptHandle).toBe(first.Messages![0].ReceiptHandle);
    const other = await h.sqs.ReceiveMessage({ QueueUrl: url, ReceiveRequestAttemptId: 'try-2' });
    expect(other.Messages![0].Body).toBe('b');
  });
});

describe('dead-letter queues and move tasks (move_messages, move_task)', () => {
  it('moves a message to the DLQ after maxReceiveCount receives, and a move task brings it back', async () => {
    const dlq = await queue('dlq');
    const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:dlq';
    const src = await queue('src', { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    await h.sqs.SendMessage({ QueueUrl: src, MessageBody: 'poison' });
    for (let i = 0; i < 2; i++) {
      expect((await h.sqs.ReceiveMessage({ QueueUrl: src })).Messages).toHaveLength(1);
      clock().advance(1_000);
    }
    expect(await h.sqs.ReceiveMessage({ QueueUrl: src })).toEqual({});
    const dead = (await h.sqs.ReceiveMessage({ QueueUrl: dlq, VisibilityTimeout: 0, AttributeNames: ['All'] })).Messages![0];
    expect(dead.Body).toBe('poison');
    expect(dead.Attributes!.DeadLetterQueueSourceArn).toBe('arn:aws:sqs:us-east-1:000000000000:src');
    expect((await h.sqs.ListDeadLetterSourceQueues({ QueueUrl: dlq })).queueUrls).toEqual([src]);

    await expectCode(h.sqs.StartMessageMoveTask({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:src' }), 'InvalidParameterValue');
    const { TaskHandle } = await h.sqs.StartMessageMoveTask({ SourceArn: dlqArn });
    expect(TaskHandle).toBeDefined();
    await expectCode(h.sqs.StartMessageMoveTask({ SourceArn: dlqArn }), 'UnsupportedOperation');
    await h.ctx.mover.tick();
    const back = (await h.sqs.ReceiveMessage({ QueueUrl: src, AttributeNames: ['All'] })).Messages![0];
    expect(back.Body).toBe('poison');
    expect(back.Attributes!.ApproximateReceiveCount).toBe('1');
    const tasks = await h.sqs.ListMessageMoveTasks({ SourceArn: dlqArn, MaxResults: 10 });
    expect(tasks.Results![0]).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 1, ApproximateNumberOfMessagesToMove: 1 });
    await expectCode(h.sqs.CancelMessageMoveTask({ TaskHandle }), 'UnsupportedOperation');
  });

  it('FIFO: dead-letters keep their group, and a redrive brings each group back in order', async () => {
    const dlq = await queue('fdlq.fifo', { FifoQueue: 'true' });
    const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:fdlq.fifo';
    const src = await queue('fsrc.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
    });
    for (const [g, b] of [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['b', 'b2']]) {
      await h.sqs.SendMessage({ QueueUrl: src, MessageBody: b, MessageGroupId: g });
    }
    // receive everything once, let it expire, and the next receive dead-letters it all
    expect((await h.sqs.ReceiveMessage({ QueueUrl: src, MaxNumberOfMessages: 10 })).Messages).toHaveLength(4);
    clock().advance(1_000);
    expect(await h.sqs.ReceiveMessage({ QueueUrl: src, MaxNumberOfMessages: 10 })).toEqual({});
    const counts = await h.sqs.GetQueueAttributes({ QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] });
    expect(counts.Attributes).toEqual({ ApproximateNumberOfMessages: '4' });
    await h.sqs.StartMessageMoveTask({ SourceArn: dlqArn });
    await h.ctx.mover.tick();
    const back = (await h.sqs.ReceiveMessage({ QueueUrl: src, MaxNumberOfMessages: 10, AttributeNames: ['All'] })).Messages!;
    expect(back.filter((m) => m.Attributes!.MessageGroupId === 'a').map((m) => m.Body)).toEqual(['a1', 'a2']);
    expect(back.filter((m) => m.Attributes!.MessageGroupId === 'b').map((m) => m.Body)).toEqual(['b1', 'b2']);
  });

  it('refuses a RedrivePolicy to a missing queue or a queue of the other type', async () => {
    await queue('f.fifo', { FifoQueue: 'true' });
    await expectCode(
      queue('s1', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:nope', maxReceiveCount: 1 }) }),
      'InvalidParameterValue',
      /does not exist/,
    );
    await expectCode(
      queue('s2', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:f.fifo', maxReceiveCount: 1 }) }),
      'InvalidParameterValue',
      /same type/,
    );
  });
});

describe('long polling (real clock)', () => {
  it('wakes within 100 ms of a send and returns at WaitTimeSeconds otherwise', async () => {
    const real = engineHarness({ clock: systemClock as never });
    try {
      const { QueueUrl } = await real.sqs.CreateQueue({ QueueName: 'lp' });
      const t0 = Date.now();
      let answeredAt = 0;
      const waiting = real.sqs.ReceiveMessage({ QueueUrl, WaitTimeSeconds: 5 }).then((r) => { answeredAt = Date.now(); return r; });
      await new Promise((r) => setTimeout(r, 300));
      const sentAt = Date.now();
      await real.sqs.SendMessage({ QueueUrl, MessageBody: 'wake' });
      // From the send's acknowledgement to the poll's answer (negative: the poll answered first).
      const acknowledgedAt = Date.now();
      const r = await waiting;
      expect(r.Messages![0].Body).toBe('wake');
      expect(answeredAt - acknowledgedAt).toBeLessThan(100);
      expect(sentAt - t0).toBeGreaterThanOrEqual(290);
      const t1 = Date.now();
      expect(await real.sqs.ReceiveMessage({ QueueUrl, WaitTimeSeconds: 1 })).toEqual({});
      expect(Date.now() - t1).toBeGreaterThanOrEqual(990);
      // a delayed message wakes the poll by timer, not by polling
      await real.sqs.SendMessage({ QueueUrl, MessageBody: 'later', DelaySeconds: 1 });
      const t2 = Date.now();
      const late = await real.sqs.ReceiveMessage({ QueueUrl, WaitTimeSeconds: 5 });
      expect(late.Messages![0].Body).toBe('later');
      // Woken by the delay's end (1 s), not by the end of the 5 s wait.
      expect(Date.now() - t2).toBeLessThan(3_000);
    } finally {
      await real.cleanup();
    }
  });
});

describe('retention on a queue nobody reads', () => {
  it('a send collects messages older than the retention period', async () => {
    const url = await queue('unread', { MessageRetentionPeriod: '60' });
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'old' });
    clock().advance(61_000);
    await h.sqs.SendMessage({ QueueUrl: url, MessageBody: 'new' });
    expect(await h.store.redis.hlen(`${h.store.base({ account: '000000000000', name: 'unread' })}m`)).toBe(1);
  });
});
