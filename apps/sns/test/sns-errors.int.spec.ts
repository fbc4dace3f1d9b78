/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import {
  CreatePlatformApplicationCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  PublishBatchCommand,
  PublishCommand,
  SetSMSAttributesCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  type SNSServiceException,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, startStack, unique, type Stack } from './harness';

let stack: Stack;
let topicArn: string;
beforeAll(async () => {
  stack = await startStack();
  topicArn = (await stack.snsClient.send(new CreateTopicCommand({ Name: unique('e') }))).TopicArn!;
});
afterAll(async () => {
  await stack?.stop();
});

async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string; code?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as SNSServiceException & { Code?: string };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message, code: err.Code };
  }
  throw new Error('expected an error');
}

describe('bad input answers AWS\'s error each time (through @aws-sdk/client-sns)', () => {
  it('unknown topic: NotFound, 404', async () => {
    const missing = `${topicArn}-missing`;
    expect(await failure(stack.snsClient.send(new PublishCommand({ TopicArn: missing, Message: 'm' })))).toMatchObject({
      name: 'NotFoundException',
      status: 404,
      message: 'Topic does not exist',
    });
    expect(await failure(stack.snsClient.send(new GetTopicAttributesCommand({ TopicArn: missing })))).toMatchObject({ name: 'NotFoundException', status: 404 });
    // Deleting a topic that does not exist is not an error.
    await stack.snsClient.send(new DeleteTopicCommand({ TopicArn: missing }));
  });

  it('message over 256 KiB: InvalidParameter', async () => {
    await stack.snsClient.send(new PublishCommand({ TopicArn: topicArn, Message: 'x'.repeat(262_144) }));
    expect(await failure(stack.snsClient.send(new PublishCommand({ TopicArn: topicArn, Message: 'x'.repeat(262_145) })))).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Invalid parameter: Message too long',
    });
  });

  it('11 batch entries: TooManyEntriesInBatchRequest; also empty, duplicate ids, too long', async () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, Message: 'm' }));
    expect(await failure(stack.snsClient.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries(11) })))).toMatchObject({
      name: 'TooManyEntriesInBatchRequestException',
      status: 400,
    });
    expect(await failure(stack.snsClient.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [] })))).toMatchObject({ name: 'EmptyBatchRequestException' });
    expect(
      await failure(stack.snsClient.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x' }, { Id: 'a', Message: 'y' }] }))),
    ).toMatchObject({ name: 'BatchEntryIdsNotDistinctException' });
    expect(
      await failure(
        stack.snsClient.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x'.repeat(200_000) }, { Id: 'b', Message: 'x'.repeat(70_000) }] })),
      ),
    ).toMatchObject({ name: 'BatchRequestTooLongException' });
  });

  it('invalid filter policy: InvalidParameter at Subscribe and SetSubscriptionAttributes', async () => {
    const q = await createQueue(stack.sqsClient, unique('q'));
    expect(
      await failure(stack.snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { FilterPolicy: '{"price":[{"numeric":[">",10,"<",5]}]}' } }))),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400, message: 'Invalid parameter: Attributes Reason: FilterPolicy: Bottom must be less than top' });
    const { SubscriptionArn } = await stack.snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }));
    const many = JSON.stringify({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] });
    expect(await failure(stack.snsClient.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: many })))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys',
    });
    const complex = JSON.stringify({ a: Array.from({ length: 151 }, (_, i) => String(i)) });
    expect(await failure(stack.snsClient.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: complex })))).toMatchObject({
      message: 'Invalid parameter: FilterPolicy: Filter policy is too complex',
    });
  });

  it('bad names: InvalidParameter', async () => {
    expect(await failure(stack.snsClient.send(new CreateTopicCommand({ Name: 'has spaces' })))).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Invalid parameter: Topic Name',
    });
    expect(await failure(stack.snsClient.send(new CreateTopicCommand({ Name: 'x'.repeat(257) })))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await failure(stack.snsClient.send(new CreateTopicCommand({ Name: 'nofifo', Attributes: { FifoTopic: 'true' } })))).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/Fifo Topic names must end with \.fifo/),
    });
    expect(await failure(stack.snsClient.send(new PublishCommand({ TopicArn: 'not:an:arn', Message: 'm' })))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: TopicArn',
    });
  });

  it('unsupported protocol: InvalidParameter naming what Wharf supports', async () => {
    const email = await failure(stack.snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'a@example.com' })));
    expect(email).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(email.message).toMatch(/does not support the email protocol.*sqs, http and https/);
    expect((await failure(stack.snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'carrier-pigeon', Endpoint: 'x' })))).message).toBe(
      'Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon',
    );
    expect((await failure(stack.snsClient.send(new CreatePlatformApplicationCommand({ Name: 'app', Platform: 'GCM', Attributes: {} })))).message).toMatch(/mobile push/);
    expect((await failure(stack.snsClient.send(new SetSMSAttributesCommand({ attributes: {} })))).message).toMatch(/does not support SMS/);
    expect((await failure(stack.snsClient.send(new PublishCommand({ PhoneNumber: '+15555550100', Message: 'm' })))).message).toMatch(/SMS/);
  });

  it('FIFO rules: group id required, dedup id or content-based dedup required', async () => {
    const fifo = (await stack.snsClient.send(new CreateTopicCommand({ Name: `${unique('f')}.fifo`, Attributes: { FifoTopic: 'true' } }))).TopicArn!;
    expect((await failure(stack.snsClient.send(new PublishCommand({ TopicArn: fifo, Message: 'm', MessageDeduplicationId: 'd' })))).message).toMatch(
      /MessageGroupId parameter is required/,
    );
    expect((await failure(stack.snsClient.send(new PublishCommand({ TopicArn: fifo, Message: 'm', MessageGroupId: 'g' })))).message).toMatch(/ContentBasedDeduplication/);
  });
});
