import { DescribeStreamSummaryCommand, CreateStreamCommand, DeleteStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBrokerCommand, DeleteBrokerCommand, DescribeBrokerCommand, MqClient, type DescribeBrokerResponse } from '@aws-sdk/client-mq';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureLocalCa } from '@wharf/service-kit';
import { deleteRedisKeys, startApp, uniqueId, type AppProcess } from '@wharf/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, startEdge } from './support';

/**
 * DESIGN's promise: `AWS_ENDPOINT_URL=http://edge` is all an application needs. Every SDK client below is
 * built with no endpoint of its own; the four BUILT services run behind the BUILT edge on real brokers.
 */
describe('AWS_ENDPOINT_URL alone reaches every service through the edge', () => {
  const id = uniqueId('ep');
  const prefixes = { sqs: `wharf:it:${id}:sqs:`, sns: `wharf:it:${id}:sns:`, kinesis: `wharf:it:${id}:kinesis`, mq: `wharf:it:${id}:mq:` };
  const apps: AppProcess[] = [];
  let edge: AppProcess;
  const savedEndpoint = process.env.AWS_ENDPOINT_URL;
  const config = { region: 'us-east-1', credentials };

  beforeAll(async () => {
    const sqs = await startApp('sqs', { portEnv: 'SQS_PORT', env: { SQS_REDIS_PREFIX: prefixes.sqs } });
    const [sns, kinesis, mq] = await Promise.all([
      startApp('sns', { portEnv: 'SNS_PORT', env: { SNS_REDIS_PREFIX: prefixes.sns, WHARF_SQS_URL: sqs.url } }),
      startApp('kinesis', { portEnv: 'KINESIS_PORT', env: { KINESIS_REDIS_PREFIX: prefixes.kinesis, KINESIS_TOPIC_PREFIX: `wharf.it.${id}` } }),
      startApp('mq', { portEnv: 'MQ_PORT', env: { WHARF_MQ_REDIS_PREFIX: prefixes.mq, WHARF_MQ_DATA_DIR: `tmp/mq-test/${id}`, WHARF_MQ_RABBITMQ_TLS_PORTS: '0' } }),
    ]);
    apps.push(sqs, sns, kinesis, mq);
    edge = await startEdge({ WHARF_SQS_URL: sqs.url, WHARF_SNS_URL: sns.url, WHARF_KINESIS_URL: kinesis.url, WHARF_MQ_URL: mq.url });
    process.env.AWS_ENDPOINT_URL = edge.url;
  }, 120_000);

  afterAll(async () => {
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = savedEndpoint;
    await Promise.all([edge?.stop(), ...apps.map((a) => a.stop())]);
    await deleteRedisKeys(Object.values(prefixes));
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
