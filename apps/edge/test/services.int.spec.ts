import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  KinesisClient,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { deleteRedisKeys, startApp, uniqueId, type AppProcess } from '@wharf/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { credentials, sleep, startEdge } from './support';

const REDIS_URL = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';

/** The BUILT edge in front of the BUILT sqs and kinesis apps (real Redis, real Kafka), driven by the official SDKs. */
describe('edge in front of the real services', () => {
  const id = uniqueId('edge');
  const sqsPrefix = `wharf:it:${id}:sqs:`;
  const kinesisPrefix = `wharf:it:${id}:kinesis`;
  let sqs: AppProcess;
  let kinesis: AppProcess;
  let edge: AppProcess;
  const clients: { destroy(): void }[] = [];

  beforeAll(async () => {
    [sqs, kinesis] = await Promise.all([
      startApp('sqs', { portEnv: 'SQS_PORT', env: { SQS_REDIS_PREFIX: sqsPrefix, WHARF_REDIS_URL: REDIS_URL } }),
      startApp('kinesis', {
        portEnv: 'KINESIS_PORT',
        env: { KINESIS_REDIS_PREFIX: kinesisPrefix, KINESIS_TOPIC_PREFIX: `wharf.it.${id}`, KINESIS_ENFORCE_LIMITS: 'false', WHARF_REDIS_URL: REDIS_URL },
      }),
    ]);
    edge = await startEdge({ WHARF_SQS_URL: sqs.url, WHARF_KINESIS_URL: kinesis.url });
  });
  afterEach((context) => {
    // A failure here is often a service that died: show what the processes said.
    if (context.task.result?.state === 'fail') {
      for (const app of [edge, sqs, kinesis]) if (app) console.error(`--- ${app.name} (exit ${app.child.exitCode ?? 'none'}):\n${app.output().slice(-3000)}`);
    }
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await Promise.all([edge?.stop(), sqs?.stop(), kinesis?.stop()]);
    await deleteRedisKeys([sqsPrefix, kinesisPrefix], REDIS_URL);
  });

  const sqsClient = (protocol: 'json' | 'query') => {
    const client = new SQSClient({
      endpoint: edge.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
      ...(protocol === 'query'
        ? {
            protocol: AwsQueryProtocol,
            protocolSettings: { defaultNamespace: 'com.amazonaws.sqs', xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/', version: '2012-11-05' },
          }
        : {}),
    } as never);
    clients.push(client);
    return client;
  };

  for (const protocol of ['json', 'query'] as const) {
    it(`SQS over ${protocol === 'json' ? 'AWS JSON 1.0' : 'Query'}: queue URLs name the edge, messages round-trip with their MD5s`, async () => {
      const client = sqsClient(protocol);
      const QueueName = `${id}-${protocol}`;
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName }));
      expect(QueueUrl).toBe(`${edge.url}/000000000000/${QueueName}`);
      // The SDK checks MD5OfMessageBody / MD5OfMessageAttributes itself and throws on a mismatch.
      await client.send(
        new SendMessageCommand({ QueueUrl, MessageBody: 'truck 7 at 52.5,13.4', MessageAttributes: { truck: { DataType: 'String', StringValue: '7' } } }),
      );
      const got = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MessageAttributeNames: ['All'] }));
      expect(got.Messages?.map((m) => m.Body)).toEqual(['truck 7 at 52.5,13.4']);
      expect(got.Messages?.[0]?.MessageAttributes?.truck?.StringValue).toBe('7');
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: got.Messages?.[0]?.ReceiptHandle }));

      // The service's own errors pass through unchanged: the SDK maps them to the modelled exception.
      await expect(client.send(new GetQueueUrlCommand({ QueueName: `${id}-missing` }))).rejects.toMatchObject({
        name: 'QueueDoesNotExist',
        $metadata: { httpStatusCode: 400 },
      });
    });
  }

  it('malformed JSON reaches sqs and comes back as its AWS-shaped 400; the edge keeps serving', async () => {
    const res = await fetch(`${edge.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: '{"QueueNamePrefix": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(((await res.json()) as { __type: string }).__type).toMatch(/SerializationException|InvalidParameterValue|MalformedInput/i);
    expect(edge.child.exitCode).toBeNull();
    expect((await fetch(`${edge.url}/health`)).status).toBe(200);
  });

  it('Kinesis through the edge with the SDK default HTTP/2 handler: SubscribeToShard delivers records put meanwhile', async () => {
    const client = new KinesisClient({ endpoint: edge.url, region: 'us-east-1', credentials });
    clients.push(client);
    const StreamName = 'edge-trucks';
    await client.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    let description;
    for (let i = 0; i < 100; i++) {
      description = (await client.send(new DescribeStreamCommand({ StreamName }))).StreamDescription;
      if (description?.StreamStatus === 'ACTIVE') break;
      await sleep(100);
    }
    expect(description?.StreamStatus).toBe('ACTIVE');
    const { Consumer } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: description?.StreamARN, ConsumerName: 'edge-dashboard' }));

    // Leaving the loop does not end the SDK's HTTP/2 stream; aborting does (else it lives on to the edge's shutdown grace).
    const leave = new AbortController();
    const sub = await client.send(
      new SubscribeToShardCommand({ ConsumerARN: Consumer?.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }),
      { abortSignal: leave.signal },
    );
    const positions = Array.from({ length: 20 }, (_, i) => `truck-7 position ${i}`);
    await client.send(new PutRecordsCommand({ StreamName, Records: positions.map((p) => ({ PartitionKey: 'truck-7', Data: Buffer.from(p) })) }));

    const received: string[] = [];
    for await (const event of sub.EventStream ?? []) {
      for (const r of event.SubscribeToShardEvent?.Records ?? []) received.push(Buffer.from(r.Data ?? []).toString());
      if (received.length >= positions.length) break;
    }
    leave.abort();
    expect(received).toEqual(positions);
    await client.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true }));
  });

  it('/health reports sqs and kinesis up with their own broker checks', async () => {
    const body = (await (await fetch(`${edge.url}/health`)).json()) as { services: { checks: Record<string, { status: string; report?: { checks?: object } }> } };
    expect(body.services.checks.sqs).toMatchObject({ status: 'up', report: { service: 'sqs', status: 'ok' } });
    expect(body.services.checks.kinesis).toMatchObject({ status: 'up', report: { service: 'kinesis', status: 'ok' } });
  });
});
