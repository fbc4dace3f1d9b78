import { CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, GetTopicAttributesCommand, ListTopicsCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, ListStreamsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  CreateBrokerCommand,
  CreateConfigurationCommand,
  DeleteBrokerCommand,
  DescribeBrokerCommand,
  DescribeConfigurationCommand,
  ListBrokersCommand,
  ListConfigurationsCommand,
  MqClient,
} from '@aws-sdk/client-mq';
import { uniqueId } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, send, signRequest, startServices, type Key, type Services } from './sigv4-support';

// Two access keys of two accounts (WHARF_CREDENTIALS="AKID:SECRET:ACCOUNT,…"), SigV4 on: each account sees
// only its own queues, topics, streams and brokers, on every service, as AWS does.

let s: Services;
beforeAll(async () => {
  s = await startServices();
}, 400_000);
afterAll(async () => s?.stop());

const cfg = (url: string, key: Key) => ({ endpoint: url, region: 'us-east-1', credentials: key, maxAttempts: 1 });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ name: 'resolved', status: 0, message: '' }),
    (e: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, status: e.$metadata?.httpStatusCode ?? 0, message: e.message }),
  );

describe('accounts are isolated', () => {
  it('SQS: another account\'s queue is neither listed, found by name, nor reachable by URL', async () => {
    const alice = new SQSClient(cfg(s.sqs.url, ALICE));
    const bob = new SQSClient(cfg(s.sqs.url, BOB));
    const name = uniqueId('acct');
    const { QueueUrl: aliceUrl } = await alice.send(new CreateQueueCommand({ QueueName: name }));
    expect(aliceUrl).toContain(`/${ALICE.accountId}/${name}`);
    expect((await bob.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls ?? []).toEqual([]);
    expect(await failure(bob.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: ALICE.accountId })))).toMatchObject({ name: 'QueueDoesNotExist', status: 400 });
    expect(await failure(bob.send(new SendMessageCommand({ QueueUrl: aliceUrl, MessageBody: 'x' })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: `Access to the resource ${aliceUrl} is denied.`,
    });
    // the same name in Bob's account is Bob's own queue
    const { QueueUrl: bobUrl } = await bob.send(new CreateQueueCommand({ QueueName: name }));
    expect(bobUrl).toContain(`/${BOB.accountId}/${name}`);
    await bob.send(new SendMessageCommand({ QueueUrl: bobUrl, MessageBody: 'bob' }));
    expect((await alice.send(new ReceiveMessageCommand({ QueueUrl: aliceUrl, WaitTimeSeconds: 0 }))).Messages ?? []).toEqual([]);
    alice.destroy();
    bob.destroy();
  });

  it('SNS: another account\'s topic is not listed and every call naming it is AuthorizationError', async () => {
    const alice = new SNSClient(cfg(s.sns.url, ALICE));
    const bob = new SNSClient(cfg(s.sns.url, BOB));
    const { TopicArn } = await alice.send(new CreateTopicCommand({ Name: uniqueId('acct') }));
    expect(TopicArn).toContain(`:${ALICE.accountId}:`);
    const listed = (await bob.send(new ListTopicsCommand({}))).Topics ?? [];
    expect(listed.map((t) => t.TopicArn)).not.toContain(TopicArn);
    for (const call of [
      bob.send(new PublishCommand({ TopicArn, Message: 'x' })),
      bob.send(new GetTopicAttributesCommand({ TopicArn })),
      bob.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: `arn:aws:sqs:us-east-1:${BOB.accountId}:q` })),
    ]) {
      expect(await failure(call)).toMatchObject({ name: 'AuthorizationErrorException', status: 403 });
    }
    // A topic that does not exist gets the same answer: nothing tells Bob whether Alice has it.
    expect(await failure(bob.send(new GetTopicAttributesCommand({ TopicArn: `arn:aws:sns:us-east-1:${ALICE.accountId}:none-${uniqueId('x')}` })))).toMatchObject({ name: 'AuthorizationErrorException' });
    alice.destroy();
    bob.destroy();
  });

  it('SNS → SQS in an account other than the first listed: delivery signs as the queue\'s account', async () => {
    const sns = new SNSClient(cfg(s.sns.url, BOB));
    const sqs = new SQSClient(cfg(s.sqs.url, BOB));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueId('bobq') }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueId('bobt') }));
    const queueArn = `arn:aws:sqs:us-east-1:${BOB.accountId}:${(QueueUrl as string).split('/').pop()}`;
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'to bob' }));
    let body: string | undefined;
    for (let i = 0; i < 20 && body === undefined; i++) body = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }))).Messages?.[0]?.Body;
    expect(body).toBe('to bob');
    sns.destroy();
    sqs.destroy();
  });

  it('Kinesis: another account\'s stream is not listed, not found by name, and refused by ARN', async () => {
    const alice = new KinesisClient(cfg(s.kinesis.url, ALICE));
    const bob = new KinesisClient(cfg(s.kinesis.url, BOB));
    const name = uniqueId('acct');
    await alice.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const arn = `arn:aws:kinesis:us-east-1:${ALICE.accountId}:stream/${name}`;
    expect((await bob.send(new ListStreamsCommand({}))).StreamNames ?? []).not.toContain(name);
    expect(await failure(bob.send(new DescribeStreamSummaryCommand({ StreamName: name })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Stream ${name} under account ${BOB.accountId} not found.`,
    });
    expect(await failure(bob.send(new DescribeStreamSummaryCommand({ StreamARN: arn })))).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(await failure(bob.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: 'k', Data: new Uint8Array([1]) })))).toMatchObject({ name: 'AccessDeniedException' });
    await expect(alice.send(new DescribeStreamSummaryCommand({ StreamARN: arn }))).resolves.toMatchObject({ StreamDescriptionSummary: { StreamName: name } });
    alice.destroy();
    bob.destroy();
  });

  it('MQ: another account\'s brokers and configurations are neither listed nor found', async () => {
    const alice = new MqClient(cfg(s.mq.url, ALICE));
    const bob = new MqClient(cfg(s.mq.url, BOB));
    const config = await alice.send(new CreateConfigurationCommand({ EngineType: 'ACTIVEMQ', Name: uniqueId('acct') }));
    expect(config.Arn).toContain(`:${ALICE.accountId}:`);
    expect(((await bob.send(new ListConfigurationsCommand({}))).Configurations ?? []).map((c) => c.Id)).not.toContain(config.Id);
    expect(await failure(bob.send(new DescribeConfigurationCommand({ ConfigurationId: config.Id })))).toMatchObject({ name: 'NotFoundException', status: 404 });
    const id = uniqueId('acct');
    const broker = await alice.send(
      new CreateBrokerCommand({
        BrokerName: `acct-${id}`,
        EngineType: 'RABBITMQ',
        DeploymentMode: 'SINGLE_INSTANCE',
        HostInstanceType: 'mq.t3.micro',
        PubliclyAccessible: false,
        Users: [{ Username: `u${id}`.replace(/[^A-Za-z0-9]/g, ''), Password: 'a-long-password-1' }],
      }),
    );
    expect(broker.BrokerArn).toContain(`:${ALICE.accountId}:`);
    expect(((await bob.send(new ListBrokersCommand({}))).BrokerSummaries ?? []).map((b) => b.BrokerId)).not.toContain(broker.BrokerId);
    expect(await failure(bob.send(new DescribeBrokerCommand({ BrokerId: broker.BrokerId })))).toMatchObject({ name: 'NotFoundException', status: 404 });
    expect(await failure(bob.send(new DeleteBrokerCommand({ BrokerId: broker.BrokerId })))).toMatchObject({ name: 'NotFoundException' });
    // Wharf's own broker routes answer for the signer's account only.
    const instances = `/_wharf/mq/brokers/${broker.BrokerId}/instances`;
    expect((await send(await signRequest(s.mq.url, { service: 'mq', method: 'GET', path: instances, key: BOB }))).status).toBe(404);
    expect((await send(await signRequest(s.mq.url, { service: 'mq', method: 'GET', path: instances, key: ALICE }))).status).toBe(200);
    expect(((await alice.send(new ListBrokersCommand({}))).BrokerSummaries ?? []).map((b) => b.BrokerId)).toContain(broker.BrokerId);
    for (let i = 0; i < 60; i++) {
      const state = (await alice.send(new DescribeBrokerCommand({ BrokerId: broker.BrokerId }))).BrokerState;
      if (state !== 'CREATION_IN_PROGRESS') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await alice.send(new DeleteBrokerCommand({ BrokerId: broker.BrokerId }));
    alice.destroy();
    bob.destroy();
  }, 120_000);
});
