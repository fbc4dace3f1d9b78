import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordsCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { counterTotals, deleteRedisKeys, listenerPort, signRequest, startApp, uniqueId, type AppProcess } from '@wharf/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { subscribeAndPut } from './support';

const REDIS_URL = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';
const key = { accessKeyId: 'one-key', secretAccessKey: 'one-secret' };

/**
 * Wharf as one process (tools/one-process.cjs): the BUILT sqs, sns, kinesis and edge on one event loop, real
 * brokers, SigV4 on. The edge answers the services' API calls in process; the tests check that a client sees
 * what it sees through the proxy (queue URLs naming the edge, signatures checked, the services' own errors,
 * HTTP/2), that what is not a plain API call (an event stream, a chunked body) still takes the proxy, and,
 * through the edge's metrics, which path each took.
 */
describe('Wharf in one process: the edge answers API calls in process', () => {
  const id = uniqueId('one');
  const prefixes = [`wharf:it:${id}:sqs:`, `wharf:it:${id}:sns:`, `wharf:it:${id}:kinesis`];
  let wharf: AppProcess;
  const clients: { destroy(): void }[] = [];
  const config = (credentials = key) => ({ endpoint: wharf.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const client = <T extends { destroy(): void }>(c: T): T => {
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const [sqs, sns, kinesis] = [await listenerPort(), await listenerPort(), await listenerPort()];
    wharf = await startApp('wharf', {
      main: 'tools/one-process.cjs',
      healthService: 'edge',
      portEnv: 'EDGE_PORT',
      timeoutMs: 120_000,
      env: {
        WHARF_APPS: 'sqs,sns,kinesis,edge',
        WHARF_REDIS_URL: REDIS_URL,
        WHARF_TLS: 'false',
        WHARF_VERIFY_SIGV4: 'true',
        WHARF_CREDENTIALS: `${key.accessKeyId}:${key.secretAccessKey}`,
        SQS_PORT: String(sqs),
        SNS_PORT: String(sns),
        KINESIS_PORT: String(kinesis),
        WHARF_SQS_URL: `http://127.0.0.1:${sqs}`,
        WHARF_SNS_URL: `http://127.0.0.1:${sns}`,
        WHARF_KINESIS_URL: `http://127.0.0.1:${kinesis}`,
        SQS_REDIS_PREFIX: prefixes[0],
        SNS_REDIS_PREFIX: prefixes[1],
        KINESIS_REDIS_PREFIX: prefixes[2],
        KINESIS_TOPIC_PREFIX: `wharf.it.${id}`,
        KINESIS_ENFORCE_LIMITS: 'false',
      },
    });
  }, 150_000);
  afterEach((context) => {
    if (context.task.result?.state === 'fail' && wharf) console.error(`--- wharf (exit ${wharf.child.exitCode ?? 'none'}):\n${wharf.output().slice(-3000)}`);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await wharf?.stop();
    await deleteRedisKeys(prefixes, REDIS_URL);
  });

  /** The headers of a request signed as an SDK would sign it, for fetch. */
  async function signed(service: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
    return (await signRequest(`${wharf.url}${path}`, { service, key, method, path, headers, body })).init.headers;
  }

  /**
   * The edge's request counts by service and outcome (`in-process`, `proxied`, …) and SNS's calls to SQS by
   * way, from /metrics (one process, one registry).
   */
  async function edgeCounts(): Promise<Map<string, number>> {
    const text = await (await fetch(`${wharf.url}/metrics`, { headers: await signed('wharf', 'GET', '/metrics') })).text();
    const counts = counterTotals(text, 'wharf_edge_requests_total', ['service', 'outcome']);
    for (const [way, n] of counterTotals(text, 'wharf_sns_sqs_calls_total', ['way'])) counts.set(`sns→sqs ${way}`, n);
    return counts;
  }
  const grew = (before: Map<string, number>, after: Map<string, number>, k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);

  for (const protocol of ['json', 'query'] as const) {
    it(`SQS over ${protocol}: queue URLs name the edge, MD5s check out, the service's errors come back as they are`, async () => {
      const before = await edgeCounts();
      const sqs = client(
        new SQSClient({
          ...config(),
          ...(protocol === 'query'
            ? { protocol: AwsQueryProtocol, protocolSettings: { defaultNamespace: 'com.amazonaws.sqs', xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/', version: '2012-11-05' } }
            : {}),
        } as never),
      );
      const QueueName = `${id}-${protocol}`;
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName }));
      expect(QueueUrl).toBe(`${wharf.url}/000000000000/${QueueName}`);
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'truck 7 at 52.5,13.4', MessageAttributes: { truck: { DataType: 'String', StringValue: '7' } } }));
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MessageAttributeNames: ['All'] }));
      expect(got.Messages?.map((m) => m.Body)).toEqual(['truck 7 at 52.5,13.4']);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: got.Messages?.[0]?.ReceiptHandle }));
      await expect(sqs.send(new GetQueueUrlCommand({ QueueName: `${id}-missing` }))).rejects.toMatchObject({ name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } });
      const after = await edgeCounts();
      expect(grew(before, after, 'sqs in-process')).toBe(5);
      expect(grew(before, after, 'sqs proxied')).toBe(0);
    });
  }

  it('signatures are checked in process: a wrong secret is refused as AWS refuses it', async () => {
    const before = await edgeCounts();
    const sqs = client(new SQSClient(config({ accessKeyId: key.accessKeyId, secretAccessKey: 'wrong' })));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: `${id}-json` }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    const unknown = client(new SQSClient(config({ accessKeyId: 'nobody', secretAccessKey: 'x' })));
    await expect(unknown.send(new GetQueueUrlCommand({ QueueName: `${id}-json` }))).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
    expect(grew(before, await edgeCounts(), 'sqs in-process')).toBe(2);
  });

  it('SNS (Query) fans out to an SQS subscriber, and SNS reaches SQS in process too', async () => {
    const before = await edgeCounts();
    const sqs = client(new SQSClient(config()));
    const sns = client(new SNSClient(config()));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${id}-orders` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${id}-orders` }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'order 42' }));
    let bodies: string[] = [];
    for (let i = 0; i < 10 && bodies.length === 0; i++) {
      bodies = ((await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages ?? []).map((m) => m.Body ?? '');
    }
    expect(bodies).toEqual(['order 42']);
    const after = await edgeCounts();
    expect(grew(before, after, 'sns in-process')).toBe(3);
    // SNS reached SQS in process too (GetQueueUrl, SendMessageBatch): no HTTP call between them
    expect(grew(before, after, 'sns→sqs in-process')).toBeGreaterThanOrEqual(1);
    expect(grew(before, after, 'sns→sqs http')).toBe(0);
  });

  it('Kinesis over HTTP/2 (the SDK default): records put and read back in process; SubscribeToShard takes the proxy', async () => {
    const kinesis = client(new KinesisClient(config()));
    const positions = Array.from({ length: 20 }, (_, i) => `truck-7 position ${i}`);
    const before = await edgeCounts();
    expect(await subscribeAndPut(kinesis, `${id}-trucks`, 'dashboard', positions, 'truck-7')).toEqual(positions);
    const after = await edgeCounts();
    expect(grew(before, after, 'kinesis proxied')).toBe(1); // the event stream
    expect(grew(before, after, 'kinesis in-process')).toBeGreaterThanOrEqual(5); // create, describe, register, put, delete

    const StreamName = `${id}-reads`;
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName });
    const put = await kinesis.send(new PutRecordsCommand({ StreamName, Records: positions.map((p) => ({ PartitionKey: 'truck-7', Data: Buffer.from(p) })) }));
    expect(put.FailedRecordCount).toBe(0);
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const read = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    expect(read.Records?.map((r) => Buffer.from(r.Data ?? []).toString())).toEqual(positions);
  });

  it('malformed JSON comes back as the service’s AWS-shaped 400; a chunked body takes the proxy and is answered the same way', async () => {
    const before = await edgeCounts();
    const malformed = '{"QueueNamePrefix": ';
    const headers = await signed('sqs', 'POST', '/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, malformed);
    const whole = await fetch(`${wharf.url}/`, { method: 'POST', headers, body: malformed });
    // A ReadableStream body goes chunked (no Content-Length): not the plain shape, so the edge proxies it.
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(malformed));
        c.close();
      },
    });
    const chunked = await fetch(`${wharf.url}/`, { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit);
    for (const res of [whole, chunked]) {
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
      expect(((await res.json()) as { __type: string }).__type).toMatch(/SerializationException|InvalidParameterValue|MalformedInput/i);
    }
    const after = await edgeCounts();
    expect(grew(before, after, 'sqs in-process')).toBe(1);
    expect(grew(before, after, 'sqs proxied')).toBe(1);
    expect(wharf.child.exitCode).toBeNull();
  });
});
