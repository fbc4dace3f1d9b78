import { describe, expect, it } from 'vitest';
import { attrsOf, errorOf, memorySns } from '@wharf/sns-engine/testing';
import { CreateTopic, DeleteTopic, GetTopicAttributes, ListTopics, SetTopicAttributes } from './topics';
import { Subscribe } from './subscriptions';
import { ListTagsForResource, TagResource, UntagResource } from './tags';
import { AddPermission, RemovePermission } from './permissions';

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:q1';

describe('topics', () => {
  it('CreateTopic is idempotent; a different attribute set is an error; names are checked', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 'orders', Attributes: { DisplayName: 'Orders' } }, caller);
    expect(TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:orders');
    expect(bus.topics.has(TopicArn as string)).toBe(true);
    expect((await CreateTopic(ctx, { Name: 'orders' }, caller)).TopicArn).toBe(TopicArn);
    expect(await errorOf(CreateTopic(ctx, { Name: 'orders', Attributes: { DisplayName: 'Other' } }, caller))).toMatch(/already exists with different attributes/);
    expect(await errorOf(CreateTopic(ctx, { Name: 'bad name' }, caller))).toBe('InvalidParameter: Invalid parameter: Topic Name');
    expect(await errorOf(CreateTopic(ctx, { Name: 'x'.repeat(257) }, caller))).toBe('InvalidParameter: Invalid parameter: Topic Name');
    expect(await errorOf(CreateTopic(ctx, { Name: 'a.fifo' }, caller))).toMatch(/Fifo Topic names must end with .fifo/);
    expect(await errorOf(CreateTopic(ctx, { Name: 'a', Attributes: { FifoTopic: 'true' } }, caller))).toMatch(/Fifo Topic names/);
    expect(await errorOf(CreateTopic(ctx, { Name: 'a', Attributes: { Bogus: '1' } }, caller))).toMatch(/Attributes Reason: Unknown attribute Bogus/);
    expect(await errorOf(CreateTopic(ctx, { Name: 'a', Attributes: { SignatureVersion: '3' } }, caller))).toMatch(/SignatureVersion/);
    expect(await errorOf(CreateTopic(ctx, { Name: 'a', Attributes: { ContentBasedDeduplication: 'true' } }, caller))).toMatch(/only be set for FIFO topics/);
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
    expect(await errorOf(ListTopics(ctx, { NextToken: 'garbage!' }, caller))).toMatch(/NextToken/);

    const arn = arns[0];
    await SetTopicAttributes(ctx, { TopicArn: arn, AttributeName: 'SignatureVersion', AttributeValue: '2' });
    const attrs = attrsOf(await GetTopicAttributes(ctx, { TopicArn: arn }));
    expect(attrs.SignatureVersion).toBe('2');
    expect(attrs.Owner).toBe('000000000000');
    expect(JSON.parse(attrs.Policy).Statement[0].Resource).toBe(arn);
    expect(JSON.parse(attrs.EffectiveDeliveryPolicy).http.defaultHealthyRetryPolicy.numRetries).toBe(3);
    expect(await errorOf(SetTopicAttributes(ctx, { TopicArn: arn, AttributeName: 'FifoTopic', AttributeValue: 'true' }))).toBe('InvalidParameter: Invalid parameter: AttributeName');

    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn: arn, Protocol: 'sqs', Endpoint: QUEUE }, caller);
    expect(attrsOf(await GetTopicAttributes(ctx, { TopicArn: arn })).SubscriptionsConfirmed).toBe('1');
    await DeleteTopic(ctx, { TopicArn: arn });
    expect(bus.queues.has(SubscriptionArn as string)).toBe(false);
    expect(await errorOf(GetTopicAttributes(ctx, { TopicArn: arn }))).toBe('NotFound: Topic does not exist');
    await DeleteTopic(ctx, { TopicArn: arn }); // again: no error
    expect(await errorOf(GetTopicAttributes(ctx, { TopicArn: 'not-an-arn' }))).toBe('InvalidParameter: Invalid parameter: TopicArn');
  });

  it('tags and permissions are stored', async () => {
    const { ctx, caller } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't', Tags: [{ Key: 'env', Value: 'dev' }] }, caller);
    await TagResource(ctx, { ResourceArn: TopicArn, Tags: [{ Key: 'team', Value: 'a' }] });
    await UntagResource(ctx, { ResourceArn: TopicArn, TagKeys: ['env'] });
    expect((await ListTagsForResource(ctx, { ResourceArn: TopicArn })).Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    expect(await errorOf(ListTagsForResource(ctx, { ResourceArn: `${TopicArn}x` }))).toBe('ResourceNotFound: Resource does not exist');
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(await errorOf(TagResource(ctx, { ResourceArn: TopicArn, Tags: many }))).toMatch(/^TagLimitExceeded/);

    await AddPermission(ctx, { TopicArn, Label: 'p1', AWSAccountId: ['111122223333'], ActionName: ['Publish'] });
    expect(await errorOf(AddPermission(ctx, { TopicArn, Label: 'p1', AWSAccountId: ['1'], ActionName: ['Publish'] }))).toMatch(/Statement already exists/);
    const policy = JSON.parse(attrsOf(await GetTopicAttributes(ctx, { TopicArn })).Policy);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['__default_statement_ID', 'p1']);
    await RemovePermission(ctx, { TopicArn, Label: 'p1' });
    expect(JSON.parse(attrsOf(await GetTopicAttributes(ctx, { TopicArn })).Policy).Statement).toHaveLength(1);
  });
});
