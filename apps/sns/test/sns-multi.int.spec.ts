/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { CreateTopicCommand, ListTopicsCommand, PublishCommand, SetSubscriptionAttributesCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, receive, snsClient, startStack, unique, verifyAsSubscriber, type Stack } from './harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('several sns processes serve the same topics', () => {
  it('share topics, subscriptions, the signing key and filter changes', async () => {
    const b = await stack.startSns();
    const [clientA, clientB] = [stack.snsClient, snsClient(b.url)];
    const topicArn = (await clientA.send(new CreateTopicCommand({ Name: unique('multi') }))).TopicArn!;
    expect((await clientB.send(new ListTopicsCommand({}))).Topics?.map((t) => t.TopicArn)).toContain(topicArn);

    // Subscribed through B while A is already running: A learns of it from the change notice.
    const q = await createQueue(stack.sqsClient, unique('mq'));
    const { SubscriptionArn } = await clientB.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }));
    for (let i = 0; i < 20; i++) await (i % 2 ? clientA : clientB).send(new PublishCommand({ TopicArn: topicArn, Message: `n${i}` }));
    const got = await receive(stack.sqsClient, q.url, 20, 15_000, 300);
    expect(got.map((m) => JSON.parse(m.Body!).Message).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`).sort());

    // Whichever process delivered a copy, it was signed with the one key; both serve the same certificate.
    for (const m of got) expect(await verifyAsSubscriber(JSON.parse(m.Body!))).toBe(true);
    const certPath = new URL(JSON.parse(got[0].Body!).SigningCertURL).pathname;
    const [pemA, pemB] = await Promise.all([stack.sns.url, b.url].map(async (u) => (await fetch(u + certPath)).text()));
    expect(pemA).toBe(pemB);

    // A filter set through A applies to deliveries by either process at once.
    await clientA.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{"keep":["yes"]}' }));
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 10; i++) {
      await (i % 2 ? clientA : clientB).send(
        new PublishCommand({ TopicArn: topicArn, Message: `f${i}`, MessageAttributes: { keep: { DataType: 'String', StringValue: i < 5 ? 'yes' : 'no' } } }),
      );
    }
    const filtered = await receive(stack.sqsClient, q.url, 5, 10_000, 800);
    expect(filtered.map((m) => JSON.parse(m.Body!).Message).sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    await b.kill();
  });
});
