import { DescribeStreamSummaryCommand, CreateStreamCommand, DeleteStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBrokerCommand, DeleteBrokerCommand, DescribeBrokerCommand, MqClient, type DescribeBrokerResponse } from '@aws-sdk/client-mq';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureLocalCa } from '@wharf/service-kit';
import { startWharfStack, uniqueId, type AppProcess, type WharfStack } from '@wharf/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials } from './support';

/**
 * DESIGN's promise: `AWS_ENDPOINT_URL=http://edge` is all an application needs. Every SDK client below is
 * built with no endpoint of its own; the four BUILT services run behind the BUILT edge on real brokers.
 */
describe('AWS_ENDPOINT_URL alone reaches every service through the edge', () => {
  const id = uniqueId('ep');
  let stack: WharfStack;
  let edge: AppProcess;
  const savedEndpoint = process.env.AWS_ENDPOINT_URL;
  const config = { region: 'us-east-1', credentials };

  beforeAll(async () => {
    // MQ's TLS listeners on free ports: test files run side by side
    stack = await startWharfStack({ idPrefix: 'ep', env: { WHARF_MQ_RABBITMQ_TLS_PORTS: '0' } });
    edge = stack.edge;
    process.env.AWS_ENDPOINT_URL = edge.url;
  }, 180_000);

  afterAll(async () => {
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = savedEndpoint;
    await stack?.stop();
  });

  it('SNS fans out to SQS, with queue URLs that point back at the edge', async () => {
    const sqs = new SQSClient(config);
    const sns = new SNSClient(config);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `orders-${id}` }));
    expect(QueueUrl).toBe(`${edge.url}/000000000000/orders-${id}`);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `orders-${id}` }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'order 42 shipped' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(['order 42 shipped']);
    sqs.destroy();
    sns.destroy();
  });

  it('Kinesis (the SDK speaks HTTP/2 to the edge) creates and describes a stream', async () => {
    const kinesis = new KinesisClient(config);
    const StreamName = `trucks-${id}`;
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
    expect(StreamDescriptionSummary).toMatchObject({ StreamName, OpenShardCount: 2 });
    await kinesis.send(new DeleteStreamCommand({ StreamName }));
    kinesis.destroy();
  });

  it('Amazon MQ creates a RabbitMQ broker whose AMQPS endpoint takes its user', async () => {
    const mq = new MqClient(config);
    const user = `ep${id}`.slice(0, 30);
    const password = 'Wharf-edge-pass-123';
    const { BrokerId } = await mq.send(
      new CreateBrokerCommand({
        BrokerName: `ep-${id}`, EngineType: 'RABBITMQ', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.t3.micro',
        PubliclyAccessible: false, Users: [{ Username: user, Password: password }],
      }),
    );
    let broker: DescribeBrokerResponse = {};
    for (let i = 0; i < 300 && broker.BrokerState !== 'RUNNING'; i++) {
      broker = await mq.send(new DescribeBrokerCommand({ BrokerId }));
      if (broker.BrokerState !== 'RUNNING') await new Promise((r) => setTimeout(r, 100));
    }
    expect(broker.BrokerState).toBe('RUNNING');
    const amqpUrl = broker.BrokerInstances?.[0]?.Endpoints?.[0];
    expect(amqpUrl).toMatch(/^amqps:\/\//);
    expect(amqpUrl).toBeDefined();
    const amqpEndpoint = new URL(amqpUrl as string);
    amqpEndpoint.username = user;
    amqpEndpoint.password = password;
    // amqps:// by default (WHARF_MQ_ENDPOINTS=tls), with the local CA's certificate
    const connection = await amqp.connect(amqpEndpoint.toString(), { ca: [ensureLocalCa().ca], servername: 'localhost' });
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    channel.sendToQueue(queue, Buffer.from('through the broker'));
    await new Promise((r) => setTimeout(r, 100));
    expect((await channel.get(queue, { noAck: true }) || undefined)?.content.toString()).toBe('through the broker');
    await connection.close();
    await mq.send(new DeleteBrokerCommand({ BrokerId }));
    mq.destroy();
  });
});
