import { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { uniqueId, type AppProcess } from '@wharf/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { credentials, startEdge, startSqsAndKinesis, stopAll, subscribeAndPut } from './support';

/** The BUILT edge in front of the BUILT sqs and kinesis apps (real Redis, real Kafka), driven by the official SDKs. */
describe('edge in front of the real services', () => {
  const id = uniqueId('edge');
  let services: Awaited<ReturnType<typeof startSqsAndKinesis>>;
  let edge: AppProcess;
  const clients: { destroy(): void }[] = [];

  beforeAll(async () => {
    services = await startSqsAndKinesis(id);
    edge = await startEdge(services.env);
  });
  afterEach((context) => {
    // A failure here is often a service that died: show what the processes said.
    if (context.task.result?.state === 'fail') {
      for (const app of [edge, services?.sqs, services?.kinesis]) if (app) console.error(`--- ${app.name} (exit ${app.child.exitCode ?? 'none'}):\n${app.output().slice(-3000)}`);
    }
  });
  afterAll(() => stopAll(clients, edge, services));

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
    const positions = Array.from({ length: 20 }, (_, i) => `truck-7 position ${i}`);
    expect(await subscribeAndPut(client, 'edge-trucks', 'edge-dashboard', positions, 'truck-7')).toEqual(positions);
  });

  it('/health reports sqs and kinesis up with their own broker checks', async () => {
    const body = (await (await fetch(`${edge.url}/health`)).json()) as { services: { checks: Record<string, { status: string; report?: { checks?: object } }> } };
    expect(body.services.checks.sqs).toMatchObject({ status: 'up', report: { service: 'sqs', status: 'ok' } });
    expect(body.services.checks.kinesis).toMatchObject({ status: 'up', report: { service: 'kinesis', status: 'ok' } });
  });
});
