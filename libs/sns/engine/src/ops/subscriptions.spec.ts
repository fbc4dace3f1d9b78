import { describe, expect, it } from 'vitest';
import { attrsOf, errorOf, memorySns } from '@wharf/sns-engine/testing';
import { CreateTopic, GetTopicAttributes } from './topics';
import { ConfirmSubscription, GetSubscriptionAttributes, ListSubscriptionsByTopic, SetSubscriptionAttributes, Subscribe, Unsubscribe } from './subscriptions';

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:q1';

describe('subscriptions', () => {
  it('SQS in the same account is confirmed at once and bound; same triple returns the same ARN', async () => {
    const { ctx, caller, bus } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE }, caller);
    expect(SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    expect(bus.queues.get(SubscriptionArn as string)?.bound).toBe(true);
    expect((await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE }, caller)).SubscriptionArn).toBe(SubscriptionArn);
    expect(await errorOf(Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE, Attributes: { RawMessageDelivery: 'true' } }, caller))).toMatch(
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
    expect(await errorOf(ConfirmSubscription(ctx, { TopicArn, Token: 'nope' }, caller))).toBe('InvalidParameter: Invalid parameter: Token');
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
    const sub = (Protocol: string, Endpoint: string, arn = TopicArn) => errorOf(Subscribe(ctx, { TopicArn: arn, Protocol, Endpoint }, caller));
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

  it('refuses the cloud metadata service and link-local endpoints even where loopback and private ranges are allowed', async () => {
    const { ctx, caller } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    for (const Endpoint of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://[fd00:ec2::254]/', 'http://169.254.10.1/', 'http://[fe80::1]/']) {
      expect([Endpoint, await errorOf(Subscribe(ctx, { TopicArn, Protocol: 'http', Endpoint }, caller))]).toEqual([Endpoint, expect.stringMatching(/outside the addresses/)]);
    }
  });

  it('validates subscription attributes at Subscribe and SetSubscriptionAttributes', async () => {
    const { ctx, caller } = memorySns();
    const { TopicArn } = await CreateTopic(ctx, { Name: 't' }, caller);
    const bad = (Attributes: Record<string, string>) => errorOf(Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: QUEUE, Attributes }, caller));
    expect(await bad({ FilterPolicy: '{"a":"x"}' })).toBe('InvalidParameter: Invalid parameter: Attributes Reason: FilterPolicy: "a" must be an object or an array');
    expect(await bad({ FilterPolicy: '{"a":{"b":["x"]}}' })).toMatch(/does not support nested filter policy/);
    expect(await bad({ FilterPolicy: '{"a":{"b":["x"]}}', FilterPolicyScope: 'MessageBody' })).toBe('ok');
    expect(await bad({ RawMessageDelivery: 'yes' })).toMatch(/RawMessageDelivery: Invalid value \[yes\]/);
    expect(await bad({ DeliveryPolicy: '{}' })).toMatch(/does not support delivery policies/);
    expect(await bad({ RedrivePolicy: '{"deadLetterTargetArn":"nope"}' })).toMatch(/deadLetterTargetArn is an invalid arn/);
    expect(await bad({ RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:d.fifo"}' })).toMatch(/standard queue as DLQ/);
    expect(await bad({ Nope: '1' })).toMatch(/Unknown attribute Nope/);

    const { SubscriptionArn } = await Subscribe(ctx, { TopicArn, Protocol: 'sqs', Endpoint: `${QUEUE}-2` }, caller);
    const set = (AttributeName: string, AttributeValue: string) => errorOf(SetSubscriptionAttributes(ctx, { SubscriptionArn, AttributeName, AttributeValue }));
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
    expect(await errorOf(GetSubscriptionAttributes(ctx, { SubscriptionArn }))).toBe('NotFound: Subscription does not exist');
    expect(await errorOf(Unsubscribe(ctx, { SubscriptionArn: 'x' }, caller))).toBe('InvalidParameter: Invalid parameter: SubscriptionArn');
    expect(attrsOf(await GetTopicAttributes(ctx, { TopicArn })).SubscriptionsDeleted).toBe('1');
  });
});
