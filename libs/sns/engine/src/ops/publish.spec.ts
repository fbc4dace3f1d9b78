import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { errorOf, memorySns } from '@wharf/sns-engine/testing';
import { CreateTopic, SetTopicAttributes } from './topics';
import { Subscribe } from './subscriptions';
import { Publish, PublishBatch } from './publish';

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:q1';

describe('publish', () => {
  it('fans out to every bound subscription; checks topic, size, subject, structure', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const subs = [];
    for (const q of ['a', 'b', 'c']) subs.push((await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: `${QUEUE}${q}` }, caller)).SubscriptionArn as string);
    const { MessageId } = await Publish(ctx, { TopicArn, Message: 'hi', Subject: 'S' });
    for (const s of subs) expect(bus.messagesOf(s).map((m) => m.messageId)).toEqual([MessageId]);
    expect(bus.messagesOf(subs[0])[0]).toMatchObject({ message: 'hi', subject: 'S', timestamp: '2024-01-01T00:00:00.000Z' });

    expect(await errorOf(Publish(ctx, { TopicArn: `${TopicArn}x`, Message: 'm' }))).toBe('NotFound: Topic does not exist');
    expect(await errorOf(Publish(ctx, { TopicArn, Message: '' }))).toBe('InvalidParameter: Invalid parameter: Empty message');
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'x'.repeat(262_144) }))).toBe('ok');
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'x'.repeat(262_145) }))).toBe('InvalidParameter: Invalid parameter: Message too long');
    expect(
      await errorOf(Publish(ctx, { TopicArn, Message: 'x'.repeat(262_140), MessageAttributes: { ab: { DataType: 'String', StringValue: 'c' } } })),
    ).toBe('InvalidParameter: Invalid parameter: Message too long');
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'm', Subject: 'a\nb' }))).toBe('InvalidParameter: Invalid parameter: Subject');
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'm', Subject: 's'.repeat(100) }))).toBe('InvalidParameter: Invalid parameter: Subject');
    expect(await errorOf(Publish(ctx, { TopicArn, Message: '{}', MessageStructure: 'json' }))).toMatch(/No default entry/);
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'nope', MessageStructure: 'json' }))).toMatch(/failed to parse/);
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'm', MessageDeduplicationId: 'd' }))).toMatch(/not valid for this topic type/);
    expect(await errorOf(Publish(ctx, { PhoneNumber: '+15555550100', Message: 'm' }))).toMatch(/does not support SMS/);
    await SetTopicAttributes(ctx, { TopicArn, AttributeName: 'MaximumMessageSize', AttributeValue: '1048576' });
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'x'.repeat(500_000) }))).toBe('ok');
  });

  it('MessageStructure=json keeps per-protocol texts', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE }, caller);
    await Publish(ctx, { TopicArn, MessageStructure: 'json', Message: JSON.stringify({ default: 'd', sqs: 'for sqs', email: 'ignored' }) });
    expect(bus.messagesOf(SubscriptionArn as string)[0]).toMatchObject({ message: 'd', messages: { sqs: 'for sqs' } });
  });

  it('a broker failure is an InternalError and stores nothing', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    bus.failNextPublish = new Error('connection lost');
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'm' }))).toMatch(/^InternalError: The message could not be stored: connection lost/);
  });
});

describe('FIFO topics', () => {
  async function fifoTopic(attrs: Record<string, string> = {}) {
    const env = memorySns();
    const { TopicArn } = await CreateTopic(env.ctx, { Name: 'trucks.fifo', Attributes: { FifoTopic: 'true', ...attrs } }, env.caller);
    const { SubscriptionArn } = await Subscribe(env.ctx, { TopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q.fifo' }, env.caller);
    return { ...env, TopicArn: TopicArn as string, sub: SubscriptionArn as string };
  }

  it('requires MessageGroupId and a dedup id (or content-based dedup)', async () => {
    const { ctx, TopicArn } = await fifoTopic();
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'm', MessageDeduplicationId: 'd' }))).toMatch(/MessageGroupId parameter is required for FIFO topics/);
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'm', MessageGroupId: 'g' }))).toMatch(/ContentBasedDeduplication enabled or MessageDeduplicationId/);
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'm', MessageGroupId: 'g\u00e9', MessageDeduplicationId: 'd' }))).toMatch(/MessageGroupId Reason/);
  });

  it('assigns increasing 20-digit sequence numbers and drops duplicates for five minutes', async () => {
    const { ctx, TopicArn, bus, sub, clock } = await fifoTopic();
    const a = await Publish(ctx, { TopicArn, Message: 'm1', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    const b = await Publish(ctx, { TopicArn, Message: 'm2', MessageGroupId: 'g', MessageDeduplicationId: 'd2' });
    expect(a.SequenceNumber).toMatch(/^\d{20}$/);
    expect(BigInt(b.SequenceNumber as string)).toBeGreaterThan(BigInt(a.SequenceNumber as string));
    const dup = await Publish(ctx, { TopicArn, Message: 'other text', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    expect(dup).toEqual(a);
    expect(bus.messagesOf(sub).map((m) => m.message)).toEqual(['m1', 'm2']);
    clock.advance(5 * 60 * 1000 + 1);
    await Publish(ctx, { TopicArn, Message: 'm1 again', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    expect(bus.messagesOf(sub)).toHaveLength(3);
    expect(bus.messagesOf(sub)[0]).toMatchObject({ groupId: 'g', dedupId: 'd1', sequenceNumber: a.SequenceNumber });
  });

  it('content-based dedup uses SHA-256 of the body; MessageGroup scope dedups per group', async () => {
    const { ctx, TopicArn, bus, sub } = await fifoTopic({ ContentBasedDeduplication: 'true', FifoThroughputScope: 'MessageGroup' });
    await Publish(ctx, { TopicArn, Message: 'same', MessageGroupId: 'g1' });
    await Publish(ctx, { TopicArn, Message: 'same', MessageGroupId: 'g1' });
    await Publish(ctx, { TopicArn, Message: 'same', MessageGroupId: 'g2' });
    const msgs = bus.messagesOf(sub);
    expect(msgs.map((m) => m.groupId)).toEqual(['g1', 'g2']);
    expect(msgs[0].dedupId).toBe(createHash('sha256').update('same').digest('hex'));
  });

  it('a failed broker publish releases the dedup reservation so the retry goes through', async () => {
    const { ctx, TopicArn, bus, sub } = await fifoTopic();
    bus.failNextPublish = new Error('down');
    expect(await errorOf(Publish(ctx, { TopicArn, Message: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'd' }))).toMatch(/InternalError/);
    await Publish(ctx, { TopicArn, Message: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
    expect(bus.messagesOf(sub)).toHaveLength(1);
  });

  it('a crashed publisher\'s reservation lapses: the retry waits, then publishes', async () => {
    const { ctx, TopicArn, bus, sub, fifo } = await fifoTopic();
    await fifo.reserve(`${TopicArn}|d`, { state: 'pending', messageId: 'lost', owner: 'dead-process' }, 15_000);
    const r = await Publish(ctx, { TopicArn, Message: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
    expect(r.MessageId).not.toBe('lost');
    expect(bus.messagesOf(sub)).toHaveLength(1);
  });
});

describe('PublishBatch', () => {
  it('publishes up to 10 entries, reports per-entry failures, checks the batch rules', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE }, caller);
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, Message: `m${i}` }));
    const ok = await PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: entries });
    expect(ok.Successful?.map((s) => s.Id)).toEqual(entries.map((e) => e.Id));
    expect(bus.messagesOf(SubscriptionArn as string)).toHaveLength(10);

    expect(await errorOf(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [...entries, { Id: 'e10', Message: 'x' }] }))).toBe(
      'TooManyEntriesInBatchRequest: The batch request contains more entries than permissible.',
    );
    expect(await errorOf(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [] }))).toMatch(/^EmptyBatchRequest/);
    expect(await errorOf(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x' }, { Id: 'a', Message: 'y' }] }))).toMatch(/^BatchEntryIdsNotDistinct/);
    expect(await errorOf(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [{ Id: 'a b', Message: 'x' }] }))).toMatch(/^InvalidBatchEntryId/);
    expect(
      await errorOf(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x'.repeat(200_000) }, { Id: 'b', Message: 'x'.repeat(70_000) }] })),
    ).toMatch(/^BatchRequestTooLong/);
    const mixed = await PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [{ Id: 'good', Message: 'x' }, { Id: 'bad', Message: '' }] });
    expect(mixed.Successful?.map((s) => s.Id)).toEqual(['good']);
    expect(mixed.Failed).toEqual([{ Id: 'bad', Code: 'InvalidParameter', Message: 'Invalid parameter: Empty message', SenderFault: true }]);
  });

  it('a standard topic gives the broker its valid entries as one batch: all published, or all failed retryably', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE }, caller);
    const entries = [{ Id: 'a', Message: 'x' }, { Id: 'bad', Message: '' }, { Id: 'b', Message: 'y' }];
    const ok = await PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: entries });
    expect(ok.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
    expect(bus.batches).toEqual([ok.Successful?.map((s) => s.MessageId)]);
    expect(bus.messagesOf(SubscriptionArn as string).map((m) => m.message)).toEqual(['x', 'y']);

    bus.failNextPublish = new Error('connection lost');
    const down = await PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: entries });
    expect(down.Successful).toEqual([]);
    expect(down.Failed?.map((f) => [f.Id, f.SenderFault])).toEqual([['bad', true], ['a', false], ['b', false]]);
    expect(bus.messagesOf(SubscriptionArn as string)).toHaveLength(2);
  });

  it('a FIFO topic publishes entry by entry, in order, each with its sequence number', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } }, caller);
    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: `${QUEUE}.fifo` }, caller);
    const entries = ['1', '2', '3'].map((m) => ({ Id: `e${m}`, Message: m, MessageGroupId: 'g' }));
    const ok = await PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: entries });
    expect(ok.Successful?.map((s) => s.Id)).toEqual(['e1', 'e2', 'e3']);
    expect(bus.batches).toEqual([]);
    expect(bus.messagesOf(SubscriptionArn as string).map((m) => m.message)).toEqual(['1', '2', '3']);
  });
});
