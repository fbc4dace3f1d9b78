import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AwsError } from '@wharf/aws-protocol';
import { memorySns } from '@wharf/sns-engine/testing';
import { CreateTopic, DeleteTopic, GetTopicAttributes, ListTopics, SetTopicAttributes } from './topics';
import { ConfirmSubscription, GetSubscriptionAttributes, ListSubscriptionsByTopic, SetSubscriptionAttributes, Subscribe, Unsubscribe } from './subscriptions';
import { Publish, PublishBatch } from './publish';
import { ListTagsForResource, TagResource, UntagResource } from './tags';
import { AddPermission, RemovePermission } from './permissions';

async function error(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return e instanceof AwsError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'ok';
}

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:q1';

describe('topics', () => {
  it('CreateTopic is idempotent; a different attribute set is an error; names are checked', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 'orders', Attributes: { DisplayName: 'Orders' } }, caller);
    expect(TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:orders');
    expect(bus.topics.has(TopicArn as string)).toBe(true);
    expect((await CreateTopic(ctx, { Name: 'orders' }, caller)).TopicArn).toBe(TopicArn);
    expect(await error(CreateTopic(ctx, { Name: 'orders', Attributes: { DisplayName: 'Other' } }, caller))).toMatch(/already exists with different attributes/);
    expect(await error(CreateTopic(ctx, { Name: 'bad name' }, caller))).toBe('InvalidParameter: Invalid parameter: Topic Name');
    expect(await error(CreateTopic(ctx, { Name: 'x'.repeat(257) }, caller))).toBe('InvalidParameter: Invalid parameter: Topic Name');
    expect(await error(CreateTopic(ctx, { Name: 'a.fifo' }, caller))).toMatch(/Fifo Topic names must end with .fifo/);
    expect(await error(CreateTopic(ctx, { Name: 'a', Attributes: { FifoTopic: 'true' } }, caller))).toMatch(/Fifo Topic names/);
    expect(await error(CreateTopic(ctx, { Name: 'a', Attributes: { Bogus: '1' } }, caller))).toMatch(/Attributes Reason: Unknown attribute Bogus/);
    expect(await error(CreateTopic(ctx, { Name: 'a', Attributes: { SignatureVersion: '3' } }, caller))).toMatch(/SignatureVersion/);
    expect(await error(CreateTopic(ctx, { Name: 'a', Attributes: { ContentBasedDeduplication: 'true' } }, caller))).toMatch(/only be set for FIFO topics/);
  });

  it('Get/SetTopicAttributes, ListTopics paging, DeleteTopic removes subscriptions and is idempotent', async () => {
    const { ctx, caller, bus } = memorySns();
    const arns: string[] = [];
    for (let i = 0; i < 105; i++) arns.push((await CreateTopic(ctx, { Name: `t${String(i).padStart(3, '0')}` }, caller)).TopicArn as string);
    const first = await ListTopics(ctx, {}, caller);
    expect(first.Topics).toHaveLength(100);
    const second = await ListTopics(ctx, { NextToken: first.NextToken }, caller);
    expect(second.Topics).toHaveLength(5);
    expect(second.NextToken).toBeUndefined();
    expect(await error(ListTopics(ctx, { NextToken: 'garbage!' }, caller))).toMatch(/NextToken/);

    const arn = arns[0];
    await SetTopicAttributes(ctx, { TopicArn: arn, AttributeName: 'SignatureVersion', AttributeValue: '2' });
    const attrs = attrsOf(await GetTopicAttributes(ctx, { TopicArn: arn }));
    expect(attrs.SignatureVersion).toBe('2');
    expect(attrs.Owner).toBe('000000000000');
    expect(JSON.parse(attrs.Policy).Statement[0].Resource).toBe(arn);
    expect(JSON.parse(attrs.EffectiveDeliveryPolicy).http.defaultHealthyRetryPolicy.numRetries).toBe(3);
    expect(await error(SetTopicAttributes(ctx, { TopicArn: arn, AttributeName: 'FifoTopic', AttributeValue: 'true' }))).toBe('InvalidParameter: Invalid parameter: AttributeName');

    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn: arn, Protocol: 'sqs', Endpoint: QUEUE }, caller);
    expect(attrsOf(await GetTopicAttributes(ctx, { TopicArn: arn })).SubscriptionsConfirmed).toBe('1');
    await DeleteTopic(ctx, { TopicArn: arn });
    expect(bus.queues.has(SubscriptionArn as string)).toBe(false);
    expect(await error(GetTopicAttributes(ctx, { TopicArn: arn }))).toBe('NotFound: Topic does not exist');
    await DeleteTopic(ctx, { TopicArn: arn }); // again: no error
    expect(await error(GetTopicAttributes(ctx, { TopicArn: 'not-an-arn' }))).toBe('InvalidParameter: Invalid parameter: TopicArn');
  });

  it('tags and permissions are stored', async () => {
    const { ctx, caller } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't', Tags: [{ Key: 'env', Value: 'dev' }] }, caller);
    await TagResource(ctx, { ResourceArn: TopicArn, Tags: [{ Key: 'team', Value: 'a' }] });
    await UntagResource(ctx, { ResourceArn: TopicArn, TagKeys: ['env'] });
    expect((await ListTagsForResource(ctx, { ResourceArn: TopicArn })).Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    expect(await error(ListTagsForResource(ctx, { ResourceArn: `${TopicArn}x` }))).toBe('ResourceNotFound: Resource does not exist');
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(await error(TagResource(ctx, { ResourceArn: TopicArn, Tags: many }))).toMatch(/^TagLimitExceeded/);

    await AddPermission(ctx, { TopicArn, Label: 'p1', AWSAccountId: ['111122223333'], ActionName: ['Publish'] });
    expect(await error(AddPermission(ctx, { TopicArn, Label: 'p1', AWSAccountId: ['1'], ActionName: ['Publish'] }))).toMatch(/Statement already exists/);
    const policy = JSON.parse(attrsOf(await GetTopicAttributes(ctx, { TopicArn })).Policy);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['__default_statement_ID', 'p1']);
    await RemovePermission(ctx, { TopicArn, Label: 'p1' });
    expect(JSON.parse(attrsOf(await GetTopicAttributes(ctx, { TopicArn })).Policy).Statement).toHaveLength(1);
  });
});

function attrsOf(r: { Attributes?: Record<string, string> }) {
  return r.Attributes ?? {};
}

describe('subscriptions', () => {
  it('SQS in the same account is confirmed at once and bound; same triple returns the same ARN', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE }, caller);
    expect(SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    expect(bus.queues.get(SubscriptionArn as string)?.bound).toBe(true);
    expect((await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE }, caller)).SubscriptionArn).toBe(SubscriptionArn);
    expect(await error(Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE, Attributes: { RawMessageDelivery: 'true' } }, caller))).toMatch(
      /Subscription already exists with different attributes/,
    );
    const attrs = attrsOf(await GetSubscriptionAttributes(ctx, { SubscriptionArn }));
    expect(attrs).toMatchObject({ Protocol: 'sqs', Endpoint: QUEUE, PendingConfirmation: 'false', RawMessageDelivery: 'false', TopicArn });
  });

  it('HTTP: pending, confirmation queued with a token, confirmed by ConfirmSubscription, then bound', async () => {
    const { ctx, caller, bus, store } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    expect((await Subscribe(ctx, { TopicArn, Protocol: 'http', Endpoint: 'http://localhost:8080/hook' }, caller)).SubscriptionArn).toBe('pending confirmation');
    const sub = [...store.subscriptions.values()][0];
    expect(bus.queues.get(sub.arn)?.bound).toBe(false);
    const [confirmation] = bus.messagesOf(sub.arn);
    expect(confirmation).toMatchObject({ kind: 'confirmation', token: 'token-1', subscriptionArn: sub.arn });
    const listed = await ListSubscriptionsByTopic(ctx, { TopicArn });
    expect(listed.Subscriptions?.[0].SubscriptionArn).toBe('PendingConfirmation');
    expect(await error(ConfirmSubscription(ctx, { TopicArn, Token: 'nope' }, caller))).toBe('InvalidParameter: Invalid parameter: Token');
    const confirmed = await ConfirmSubscription(ctx, { TopicArn, Token: 'token-1' }, { ...caller, accessKeyId: undefined });
    expect(confirmed.SubscriptionArn).toBe(sub.arn);
    expect(bus.queues.get(sub.arn)?.bound).toBe(true);
    const attrs = attrsOf(await GetSubscriptionAttributes(ctx, { SubscriptionArn: sub.arn }));
    expect(attrs.PendingConfirmation).toBe('false');
    expect(attrs.ConfirmationWasAuthenticated).toBe('false');
    expect(JSON.parse(attrs.EffectiveDeliveryPolicy).healthyRetryPolicy.numRetries).toBe(3);
  });

  it('ReturnSubscriptionArn returns the ARN while pending', async () => {
    const { ctx, caller } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const r = await Subscribe(ctx, { TopicArn, Protocol: 'https', Endpoint: 'https://localhost/x', ReturnSubscriptionArn: true }, caller);
    expect(r.SubscriptionArn).toMatch(/^arn:aws:sns:/);
  });

  it('refuses unsupported protocols, bad endpoints, disallowed addresses and FIFO mismatches', async () => {
    const { ctx, caller } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const { TopicArn: fifoArn } = await CreateTopic(ctx, { Name: 'f.fifo', Attributes: { FifoTopic: 'true' } }, caller);
    const sub = (Protocol: string, Endpoint: string, arn = TopicArn) => error(Subscribe(ctx, { TopicArn: arn, Protocol, Endpoint }, caller));
    expect(await sub('email', 'a@b.c')).toMatch(/^InvalidParameter: Invalid parameter: Wharf SNS does not support the email protocol.*Supported: .*sqs, http and https/);
    expect(await sub('sms', '+15555550100')).toMatch(/does not support the sms protocol \(SMS\)/);
    expect(await sub('application', 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/1')).toMatch(/mobile push/);
    expect(await sub('pigeon', 'x')).toBe('InvalidParameter: Invalid parameter: Amazon SNS does not support this protocol string: pigeon');
    expect(await sub('sqs', 'not-an-arn')).toBe('InvalidParameter: Invalid parameter: SQS endpoint ARN');
    expect(await sub('http', 'https://localhost/x')).toMatch(/Endpoint must match the specified protocol/);
    expect(await sub('http', 'http://public.example/x')).toMatch(/outside the addresses this Wharf delivers to/);
    expect(await sub('http', 'http://8.8.8.8/x')).toMatch(/outside the addresses/);
    expect(await sub('http', 'http://nowhere.invalid/x')).toMatch(/does not resolve/);
    expect(await sub('sqs', 'arn:aws:sqs:us-east-1:000000000000:q.fifo')).toMatch(/FIFO SQS Queues can not be subscribed to standard SNS topics/);
    expect(await sub('http', 'http://localhost/x', fifoArn)).toMatch(/FIFO topics support only sqs/);
    expect(await sub('sqs', QUEUE, `${TopicArn}-missing`)).toBe('NotFound: Topic does not exist');
  });

  it('validates subscription attributes at Subscribe and SetSubscriptionAttributes', async () => {
    const { ctx, caller } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const bad = (Attributes: Record<string, string>) => error(Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE, Attributes }, caller));
    expect(await bad({ FilterPolicy: '{"a":"x"}' })).toBe('InvalidParameter: Invalid parameter: Attributes Reason: FilterPolicy: "a" must be an object or an array');
    expect(await bad({ FilterPolicy: '{"a":{"b":["x"]}}' })).toMatch(/does not support nested filter policy/);
    expect(await bad({ FilterPolicy: '{"a":{"b":["x"]}}', FilterPolicyScope: 'MessageBody' })).toBe('ok');
    expect(await bad({ RawMessageDelivery: 'yes' })).toMatch(/RawMessageDelivery: Invalid value \[yes\]/);
    expect(await bad({ DeliveryPolicy: '{}' })).toMatch(/does not support delivery policies/);
    expect(await bad({ RedrivePolicy: '{"deadLetterTargetArn":"nope"}' })).toMatch(/deadLetterTargetArn is an invalid arn/);
    expect(await bad({ RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:d.fifo"}' })).toMatch(/standard queue as DLQ/);
    expect(await bad({ Nope: '1' })).toMatch(/Unknown attribute Nope/);

    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: `${QUEUE}-2` }, caller);
    const set = (AttributeName: string, AttributeValue: string) => error(SetSubscriptionAttributes(ctx, { SubscriptionArn, AttributeName, AttributeValue }));
    expect(await set('FilterPolicy', '{"a":[{"numeric":[">",5,"<",1]}]}')).toBe('InvalidParameter: Invalid parameter: FilterPolicy: Bottom must be less than top');
    expect(await set('FilterPolicy', '{"a":["x"]}')).toBe('ok');
    expect(await set('FilterPolicyScope', 'Body')).toMatch(/FilterPolicyScope/);
    expect(await set('Protocol', 'http')).toBe('InvalidParameter: Invalid parameter: AttributeName');
    expect(attrsOf(await GetSubscriptionAttributes(ctx, { SubscriptionArn })).FilterPolicyScope).toBe('MessageAttributes');
    expect(await set('FilterPolicy', '')).toBe('ok');
    expect(attrsOf(await GetSubscriptionAttributes(ctx, { SubscriptionArn })).FilterPolicy).toBeUndefined();
  });

  it('Unsubscribe deletes queue and record; unknown ARN is NotFound, bad ARN InvalidParameter', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE }, caller);
    await Unsubscribe(ctx, { SubscriptionArn }, caller);
    expect(bus.queues.size).toBe(0);
    expect(await error(GetSubscriptionAttributes(ctx, { SubscriptionArn }))).toBe('NotFound: Subscription does not exist');
    expect(await error(Unsubscribe(ctx, { SubscriptionArn: 'x' }, caller))).toBe('InvalidParameter: Invalid parameter: SubscriptionArn');
    expect(attrsOf(await GetTopicAttributes(ctx, { TopicArn })).SubscriptionsDeleted).toBe('1');
  });
});

describe('publish', () => {
  it('fans out to every bound subscription; checks topic, size, subject, structure', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const subs = [];
    for (const q of ['a', 'b', 'c']) subs.push((await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: `${QUEUE}${q}` }, caller)).SubscriptionArn as string);
    const { MessageId } = await Publish(ctx, { TopicArn, Message: 'hi', Subject: 'S' });
    for (const s of subs) expect(bus.messagesOf(s).map((m) => m.messageId)).toEqual([MessageId]);
    expect(bus.messagesOf(subs[0])[0]).toMatchObject({ message: 'hi', subject: 'S', timestamp: '2024-01-01T00:00:00.000Z' });

    expect(await error(Publish(ctx, { TopicArn: `${TopicArn}x`, Message: 'm' }))).toBe('NotFound: Topic does not exist');
    expect(await error(Publish(ctx, { TopicArn, Message: '' }))).toBe('InvalidParameter: Invalid parameter: Empty message');
    expect(await error(Publish(ctx, { TopicArn, Message: 'x'.repeat(262_144) }))).toBe('ok');
    expect(await error(Publish(ctx, { TopicArn, Message: 'x'.repeat(262_145) }))).toBe('InvalidParameter: Invalid parameter: Message too long');
    expect(
      await error(Publish(ctx, { TopicArn, Message: 'x'.repeat(262_140), MessageAttributes: { ab: { DataType: 'String', StringValue: 'c' } } })),
    ).toBe('InvalidParameter: Invalid parameter: Message too long');
    expect(await error(Publish(ctx, { TopicArn, Message: 'm', Subject: 'a\nb' }))).toBe('InvalidParameter: Invalid parameter: Subject');
    expect(await error(Publish(ctx, { TopicArn, Message: 'm', Subject: 's'.repeat(100) }))).toBe('InvalidParameter: Invalid parameter: Subject');
    expect(await error(Publish(ctx, { TopicArn, Message: '{}', MessageStructure: 'json' }))).toMatch(/No default entry/);
    expect(await error(Publish(ctx, { TopicArn, Message: 'nope', MessageStructure: 'json' }))).toMatch(/failed to parse/);
    expect(await error(Publish(ctx, { TopicArn, Message: 'm', MessageDeduplicationId: 'd' }))).toMatch(/not valid for this topic type/);
    expect(await error(Publish(ctx, { PhoneNumber: '+15555550100', Message: 'm' }))).toMatch(/does not support SMS/);
    await SetTopicAttributes(ctx, { TopicArn, AttributeName: 'MaximumMessageSize', AttributeValue: '1048576' });
    expect(await error(Publish(ctx, { TopicArn, Message: 'x'.repeat(500_000) }))).toBe('ok');
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
    expect(await error(Publish(ctx, { TopicArn, Message: 'm' }))).toMatch(/^InternalError: The message could not be stored: connection lost/);
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
    expect(await error(Publish(ctx, { TopicArn, Message: 'm', MessageDeduplicationId: 'd' }))).toMatch(/MessageGroupId parameter is required for FIFO topics/);
    expect(await error(Publish(ctx, { TopicArn, Message: 'm', MessageGroupId: 'g' }))).toMatch(/ContentBasedDeduplication enabled or MessageDeduplicationId/);
    expect(await error(Publish(ctx, { TopicArn, Message: 'm', MessageGroupId: 'g\u00e9', MessageDeduplicationId: 'd' }))).toMatch(/MessageGroupId Reason/);
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
    expect(await error(Publish(ctx, { TopicArn, Message: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'd' }))).toMatch(/InternalError/);
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

    expect(await error(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [...entries, { Id: 'e10', Message: 'x' }] }))).toBe(
      'TooManyEntriesInBatchRequest: The batch request contains more entries than permissible.',
    );
    expect(await error(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [] }))).toMatch(/^EmptyBatchRequest/);
    expect(await error(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x' }, { Id: 'a', Message: 'y' }] }))).toMatch(/^BatchEntryIdsNotDistinct/);
    expect(await error(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [{ Id: 'a b', Message: 'x' }] }))).toMatch(/^InvalidBatchEntryId/);
    expect(
      await error(PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x'.repeat(200_000) }, { Id: 'b', Message: 'x'.repeat(70_000) }] })),
    ).toMatch(/^BatchRequestTooLong/);
    const mixed = await PublishBatch(ctx, { TopicArn, PublishBatchRequestEntries: [{ Id: 'good', Message: 'x' }, { Id: 'bad', Message: '' }] });
    expect(mixed.Successful?.map((s) => s.Id)).toEqual(['good']);
    expect(mixed.Failed).toEqual([{ Id: 'bad', Code: 'InvalidParameter', Message: 'Invalid parameter: Empty message', SenderFault: true }]);
  });
});
