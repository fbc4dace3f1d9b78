/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, httpSubscriber, receive, sleep, snsClient, startStack, unique, until, type HttpSubscriber, type Stack } from './harness';

// kill -9 the sns process while deliveries lag behind acknowledged publishes; start a new one on the same
// port: every acknowledged message reaches every subscriber (at least once; FIFO exactly once, in order,
// because SNS passes the dedup id on and SQS FIFO drops the redelivered copy).

let stack: Stack;
let endpoint: HttpSubscriber;
beforeAll(async () => {
  // The first process delivers with a prefetch of 1, so a backlog builds up behind the publishes.
  stack = await startStack({ SNS_DELIVERY_PREFETCH: '1', SNS_FIFO_PREFETCH: '1' });
  endpoint = await httpSubscriber();
});
afterAll(async () => {
  await endpoint?.close();
  await stack?.stop();
});

describe('kill -9 sns between publish and delivery', () => {
  it('after a restart every acknowledged message is delivered', async () => {
    const sns = snsClient(stack.sns.url);
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: unique('crash') }))).TopicArn!;
    const fifoArn = (await sns.send(new CreateTopicCommand({ Name: `${unique('crash')}.fifo`, Attributes: { FifoTopic: 'true' } }))).TopicArn!;
    const queue = await createQueue(stack.sqsClient, unique('cq'));
    const fifoQueue = await createQueue(stack.sqsClient, `${unique('cq')}.fifo`, { FifoQueue: 'true' });
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' } }));
    await sns.send(new SubscribeCommand({ TopicArn: fifoArn, Protocol: 'sqs', Endpoint: fifoQueue.arn, Attributes: { RawMessageDelivery: 'true' } }));

    // A slow HTTP subscriber keeps a backlog in the subscription queue.
    const httpGot = new Set<string>();
    endpoint.respond = async (req) => {
      if (req.json?.Type === 'SubscriptionConfirmation') {
        await fetch(req.json.SubscribeURL);
        return 200;
      }
      await sleep(150);
      httpGot.add(req.body);
      return 200;
    };
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: endpoint.url, Attributes: { RawMessageDelivery: 'true' } }));
    await until(() => endpoint.requests.length > 0, 10_000, 'confirmation');
    await sleep(300);

    const acked = new Set<string>();
    const fifoAcked = new Map<string, number[]>();
    let killed = false;
    let n = 0;
    const producer = async () => {
      while (!killed) {
        const body = `m-${n++}`;
        try {
          await sns.send(new PublishCommand({ TopicArn: topicArn, Message: body }));
          acked.add(body);
        } catch {
          return;
        }
      }
    };
    const fifoProducer = async (group: string) => {
      for (let i = 0; !killed; i++) {
        try {
          await sns.send(new PublishCommand({ TopicArn: fifoArn, Message: `${group}:${i}`, MessageGroupId: group, MessageDeduplicationId: `${group}-${i}` }));
          fifoAcked.set(group, [...(fifoAcked.get(group) ?? []), i]);
        } catch {
          return;
        }
      }
    };
    const producers = [...Array.from({ length: 16 }, producer), ...['g1', 'g2', 'g3'].map(fifoProducer)];
    await until(() => acked.size >= 1500, 60_000, '1500 acknowledged publishes');
    await stack.sns.kill();
    killed = true;
    await Promise.all(producers);
    const { Attributes } = await stack.sqsClient.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages'] }));
    const inQueueAtKill = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    const httpAtKill = httpGot.size;
    // The kill really came between publish and delivery: acknowledged messages were still undelivered.
    expect(httpAtKill).toBeLessThan(acked.size);
    expect(inQueueAtKill).toBeLessThan(acked.size);

    const restarted = await stack.startSns({ SNS_DELIVERY_PREFETCH: '512', SNS_FIFO_PREFETCH: '100' }, stack.sns.port);
    const got = await receive(stack.sqsClient, queue.url, acked.size, 90_000, 1000);
    const bodies = new Set(got.map((m) => m.Body!));
    const missing = [...acked].filter((b) => !bodies.has(b));
    expect(missing).toEqual([]);
    await until(() => [...acked].every((b) => httpGot.has(b)), 90_000, 'HTTP subscriber to get every acknowledged message');

    const fifoTotal = [...fifoAcked.values()].reduce((s, l) => s + l.length, 0);
    const fifoGot = await receive(stack.sqsClient, fifoQueue.url, fifoTotal, 60_000, 1000);
    for (const [group, sent] of fifoAcked) {
      const order = fifoGot.map((m) => m.Body!).filter((b) => b.startsWith(`${group}:`)).map((b) => Number(b.split(':')[1]));
      // Everything acknowledged arrives once, in order; a publish cut off by the kill may have arrived as well.
      expect(order.slice(0, sent.length)).toEqual(sent);
      expect(order.length - sent.length).toBeLessThanOrEqual(1);
    }
    console.log(
      `crash: ${acked.size} acked standard publishes; at kill ${inQueueAtKill} in the SQS queue, ${httpAtKill} at the HTTP endpoint; ` +
        `after restart all delivered (${got.length - bodies.size} duplicate SQS copies); FIFO ${fifoTotal} acked, in order`,
    );
    await restarted.kill();
  }, 240_000);
});
