/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSubscriber, sleep, snsClient, startStack, unique, until, type HttpSubscriber, type Stack } from './harness';

/**
 * The address is checked where the connection is made, at every delivery: a name that passed at Subscribe
 * (DNS may answer differently later, or the allow-list changed) is refused when it now points where this
 * Wharf does not deliver. Process A allows loopback and takes the subscriptions; process B, which does not,
 * delivers afterwards.
 */
describe('SNS HTTP delivery checks the address it connects to', () => {
  let stack: Stack;
  const endpoints: HttpSubscriber[] = [];
  beforeAll(async () => void (stack = await startStack()));
  afterAll(async () => {
    await Promise.all(endpoints.map((e) => e.close()));
    await stack?.stop();
  });

  async function confirmedEndpoint(arn: string, host: string): Promise<HttpSubscriber> {
    const endpoint = await httpSubscriber();
    endpoints.push(endpoint);
    endpoint.respond = async (req) => (req.json?.Type === 'SubscriptionConfirmation' ? (await fetch(req.json.SubscribeURL)).status : 200);
    const url = endpoint.url.replace('127.0.0.1', host);
    await stack.snsClient.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: url }));
    await until(async () => {
      const list = await stack.snsClient.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
      return list.Subscriptions?.some((s) => s.Endpoint === url && s.SubscriptionArn !== 'PendingConfirmation');
    }, 10_000, `confirmed ${url}`);
    return endpoint;
  }
  const notifications = (e: HttpSubscriber) => e.requests.filter((r) => r.headers['x-amz-sns-message-type'] === 'Notification').length;

  it('a host name (localhost) and an IP literal that passed at Subscribe are refused at delivery once loopback is not allowed', async () => {
    const arn = (await stack.snsClient.send(new CreateTopicCommand({ Name: unique('ssrf') }))).TopicArn!;
    const byName = await confirmedEndpoint(arn, 'localhost');
    const byLiteral = await confirmedEndpoint(arn, '127.0.0.1');
    await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'while allowed' }));
    await until(() => notifications(byName) === 1 && notifications(byLiteral) === 1, 10_000, 'deliveries while loopback is allowed');

    const b = await stack.startSns({ SNS_HTTP_ALLOWED_CIDRS: '10.0.0.0/8' });
    await stack.sns.kill();
    await snsClient(b.url).send(new PublishCommand({ TopicArn: arn, Message: 'after the change' }));
    await until(() => (b.output().match(/HTTP delivery refused/g)?.length ?? 0) >= 2, 15_000, 'both deliveries refused in B');
    expect(b.output()).toMatch(/localhost is at (127\.0\.0\.1|::1), outside the addresses/);
    expect(b.output()).toMatch(/127\.0\.0\.1 is at 127\.0\.0\.1, outside the addresses/);
    await sleep(500);
    expect([notifications(byName), notifications(byLiteral)]).toEqual([1, 1]);
  });
});
