/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSubscriber, sleep, snsClient, startStack, unique, until, verifyAsSubscriber, type HttpSubscriber, type Stack } from './harness';

let stack: Stack;
const endpoints: HttpSubscriber[] = [];
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  for (const e of endpoints) await e.close();
  await stack?.stop();
});

async function topic() {
  return (await stack.snsClient.send(new CreateTopicCommand({ Name: unique('h') }))).TopicArn!;
}

/** An endpoint that confirms by visiting SubscribeURL, as a typical subscriber does. */
async function confirmingEndpoint(notify: (index: number) => number = () => 200): Promise<HttpSubscriber> {
  const endpoint = await httpSubscriber();
  endpoints.push(endpoint);
  let notifications = 0;
  endpoint.respond = async (req) => {
    if (req.json?.Type === 'SubscriptionConfirmation') {
      if (!(await verifyAsSubscriber(req.json))) return 400;
      const res = await fetch(req.json.SubscribeURL);
      return res.status === 200 ? 200 : 500;
    }
    if (req.json?.Type === 'UnsubscribeConfirmation') return 200;
    return notify(notifications++);
  };
  return endpoint;
}

async function subscribeHttp(arn: string, endpoint: HttpSubscriber, attributes?: Record<string, string>): Promise<string> {
  const r = await stack.snsClient.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: endpoint.url, Attributes: attributes }));
  expect(r.SubscriptionArn).toBe('pending confirmation');
  return until(async () => {
    const list = await stack.snsClient.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
    const s = list.Subscriptions?.find((x) => x.Endpoint === endpoint.url && x.SubscriptionArn !== 'PendingConfirmation');
    return s?.SubscriptionArn;
  }, 10_000, 'confirmed subscription');
}

const notificationsOf = (e: HttpSubscriber) => e.requests.filter((r) => r.headers['x-amz-sns-message-type'] === 'Notification');

describe('HTTP subscribers', () => {
  it('get a signed SubscriptionConfirmation, confirm via SubscribeURL, then receive signed notifications', async () => {
    const arn = await topic();
    const endpoint = await confirmingEndpoint();
    const subArn = await subscribeHttp(arn, endpoint);
    const confirmation = endpoint.requests[0];
    expect(confirmation.headers).toMatchObject({
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
      'x-amz-sns-topic-arn': arn,
      'content-type': 'text/plain; charset=UTF-8',
    });
    expect(confirmation.headers['x-amz-sns-message-id']).toBe(confirmation.json!.MessageId);
    expect(confirmation.json).toMatchObject({ Type: 'SubscriptionConfirmation', TopicArn: arn });
    expect(confirmation.json!.Token).toMatch(/^[0-9a-f]{128}$/);
    expect(confirmation.json!.SubscribeURL).toContain('Action=ConfirmSubscription');

    const attrs = (await stack.snsClient.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subArn }))).Attributes!;
    expect(attrs).toMatchObject({ PendingConfirmation: 'false', ConfirmationWasAuthenticated: 'false', Protocol: 'http', Endpoint: endpoint.url });
    expect(JSON.parse(attrs.EffectiveDeliveryPolicy).healthyRetryPolicy).toMatchObject({ numRetries: 3, minDelayTarget: 20, maxDelayTarget: 20 });

    const { MessageId } = await stack.snsClient.send(
      new PublishCommand({ TopicArn: arn, Message: 'hello http', Subject: 'Hi', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }),
    );
    const [n] = await until(() => notificationsOf(endpoint).length === 1 && notificationsOf(endpoint), 10_000, 'notification');
    expect(n.headers).toMatchObject({
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': MessageId,
      'x-amz-sns-topic-arn': arn,
      'x-amz-sns-subscription-arn': subArn,
      'user-agent': 'Amazon Simple Notification Service Agent',
    });
    expect(n.headers['x-amz-sns-rawdelivery']).toBeUndefined();
    expect(n.json).toMatchObject({ Type: 'Notification', MessageId, Message: 'hello http', Subject: 'Hi', MessageAttributes: { k: { Type: 'String', Value: 'v' } } });
    expect(await verifyAsSubscriber(n.json!)).toBe(true);
  });

  it('ConfirmSubscription through the signed API marks the confirmation authenticated', async () => {
    const arn = await topic();
    const endpoint = await httpSubscriber();
    endpoints.push(endpoint);
    await stack.snsClient.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: endpoint.url }));
    const confirmation = await until(() => endpoint.requests[0], 10_000, 'confirmation');
    const { SubscriptionArn } = await stack.snsClient.send(new ConfirmSubscriptionCommand({ TopicArn: arn, Token: confirmation.json!.Token }));
    const attrs = (await stack.snsClient.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
    expect(attrs.ConfirmationWasAuthenticated).toBe('true');
  });

  it('raw delivery posts the body as is with x-amz-sns-rawdelivery: true', async () => {
    const arn = await topic();
    const endpoint = await confirmingEndpoint();
    await subscribeHttp(arn, endpoint, { RawMessageDelivery: 'true' });
    await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: '{"raw":1}' }));
    const [n] = await until(() => notificationsOf(endpoint).length === 1 && notificationsOf(endpoint), 10_000, 'raw notification');
    expect(n.body).toBe('{"raw":1}');
    expect(n.headers['x-amz-sns-rawdelivery']).toBe('true');
  });

  it('a flaky endpoint gets its retries: 500, 500, then 200 — three attempts, ≈20 policy-seconds apart', async () => {
    const arn = await topic();
    const endpoint = await confirmingEndpoint((i) => (i < 2 ? 500 : 200));
    await subscribeHttp(arn, endpoint);
    await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'retry me' }));
    const got = await until(() => notificationsOf(endpoint).length >= 3 && notificationsOf(endpoint), 10_000, 'three attempts');
    await sleep(600);
    expect(notificationsOf(endpoint)).toHaveLength(3);
    expect(new Set(got.map((g) => g.json!.MessageId)).size).toBe(1);
    for (let i = 1; i < 3; i++) expect(got[i].at - got[i - 1].at).toBeGreaterThanOrEqual(180);
  });

  it('a subscription DeliveryPolicy replaces the default (1 retry), then the message is held', async () => {
    const arn = await topic();
    const endpoint = await confirmingEndpoint(() => 503);
    const subArn = await subscribeHttp(arn, endpoint, {
      DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { numRetries: 1, minDelayTarget: 5, maxDelayTarget: 5 } }),
    });
    await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'once more only' }));
    await until(() => notificationsOf(endpoint).length === 2, 10_000, 'two attempts');
    const held = await until(async () => {
      const r = (await (await fetch(`${stack.sns.url}/_wharf/sns/held`)).json()) as { subscriptions: { subscriptionArn: string; held: number }[] };
      return r.subscriptions.find((s) => s.subscriptionArn === subArn);
    }, 10_000, 'held');
    expect(held.held).toBe(1);
    expect(notificationsOf(endpoint)).toHaveLength(2);
  });

  it('throttlePolicy.maxReceivesPerSecond spaces the deliveries to an endpoint', async () => {
    const arn = await topic();
    const endpoint = await confirmingEndpoint();
    await subscribeHttp(arn, endpoint, { DeliveryPolicy: JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 5 } }) });
    await Promise.all(Array.from({ length: 6 }, (_, i) => stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: `t${i}` }))));
    const got = await until(() => notificationsOf(endpoint).length === 6 && notificationsOf(endpoint), 15_000, 'six notifications');
    // Five gaps of ≥ 200 ms (minus timer slack) between the first and the last.
    expect(got[5].at - got[0].at).toBeGreaterThanOrEqual(950);
  });

  it('UnsubscribeURL removes the subscription and the endpoint gets an UnsubscribeConfirmation', async () => {
    const arn = await topic();
    const endpoint = await confirmingEndpoint();
    const subArn = await subscribeHttp(arn, endpoint);
    await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'before' }));
    const [n] = await until(() => notificationsOf(endpoint).length === 1 && notificationsOf(endpoint), 10_000, 'notification');
    const res = await fetch(n.json!.UnsubscribeURL);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<UnsubscribeResponse');
    await until(() => endpoint.requests.some((r) => r.headers['x-amz-sns-message-type'] === 'UnsubscribeConfirmation'), 10_000, 'UnsubscribeConfirmation');
    const unsub = endpoint.requests.find((r) => r.headers['x-amz-sns-message-type'] === 'UnsubscribeConfirmation')!;
    expect(unsub.headers['x-amz-sns-subscription-arn']).toBe(subArn);
    expect(await verifyAsSubscriber(unsub.json!)).toBe(true);
    await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'after' }));
    await sleep(500);
    expect(notificationsOf(endpoint)).toHaveLength(1);
    await expect(stack.snsClient.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subArn }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('endpoints outside the allowed ranges are refused at Subscribe (InvalidParameter)', async () => {
    const arn = await topic();
    await expect(
      stack.snsClient.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: 'http://8.8.8.8/hook' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
    // A production-like allow-list without loopback refuses 127.0.0.1 as well.
    const narrow = await stack.startSns({ SNS_HTTP_ALLOWED_CIDRS: '10.0.0.0/8' });
    const client = snsClient(narrow.url);
    const err = await client.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: 'http://127.0.0.1:9/x' })).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'InvalidParameterException' });
    expect((err as Error).message).toMatch(/outside the addresses/);
    await narrow.kill();
  });
});
