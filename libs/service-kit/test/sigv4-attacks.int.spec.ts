import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { uniqueId } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, answerOf, send, signRequest, startServices, type Services, type SignOptions } from './sigv4-support';

// With WHARF_VERIFY_SIGV4=true every service refuses what AWS refuses, with AWS's code and status, and the
// real SDK still works. Each service is hit on its own port with requests signed by @smithy/signature-v4.

interface Case {
  name: 'sqs' | 'sns' | 'kinesis' | 'mq';
  /** A request the service accepts when signed. */
  good: SignOptions;
  /** The same, turned into another operation after signing. */
  replay: (init: { url: string; init: RequestInit & { headers: Record<string, string> } }) => { url: string; init: RequestInit };
  /** A request with a body (for the swapped-body check). */
  withBody: SignOptions;
  codes: { missing: [string, number]; mismatch: [string, number]; unknown: [string, number] };
}

const QUERY = { missing: ['MissingAuthenticationToken', 403], mismatch: ['SignatureDoesNotMatch', 403], unknown: ['InvalidClientTokenId', 403] } as Case['codes'];
const cases: Case[] = [
  {
    name: 'sqs',
    good: { service: 'sqs', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{}' },
    replay: (r) => ({ url: r.url, init: { ...r.init, headers: { ...r.init.headers, 'x-amz-target': 'AmazonSQS.PurgeQueue' } } }),
    withBody: { service: 'sqs', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{"QueueNamePrefix":"a"}' },
    codes: QUERY,
  },
  {
    name: 'sns',
    good: { service: 'sns', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics&Version=2010-03-31' },
    replay: (r) => ({ url: r.url, init: { ...r.init, body: 'Action=ListSubscriptions&Version=2010-03-31' } }),
    withBody: { service: 'sns', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics&Version=2010-03-31' },
    codes: QUERY,
  },
  {
    name: 'kinesis',
    good: { service: 'kinesis', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' }, body: '{}' },
    replay: (r) => ({ url: r.url, init: { ...r.init, headers: { ...r.init.headers, 'x-amz-target': 'Kinesis_20131202.DescribeLimits' } } }),
    withBody: { service: 'kinesis', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' }, body: '{"Limit":5}' },
    codes: { missing: ['MissingAuthenticationTokenException', 400], mismatch: ['InvalidSignatureException', 400], unknown: ['UnrecognizedClientException', 400] },
  },
  {
    name: 'mq',
    good: { service: 'mq', method: 'GET', path: '/v1/brokers' },
    replay: (r) => ({ url: r.url.replace('/v1/brokers', '/v1/configurations'), init: r.init }),
    withBody: { service: 'mq', path: '/v1/configurations', headers: { 'content-type': 'application/json' }, body: '{"engineType":"ACTIVEMQ","engineVersion":"5.19","name":"a"}' },
    codes: { missing: ['MissingAuthenticationTokenException', 403], mismatch: ['InvalidSignatureException', 403], unknown: ['UnrecognizedClientException', 403] },
  },
];

let s: Services;
beforeAll(async () => {
  s = await startServices();
}, 400_000);
afterAll(async () => s?.stop());

describe.each(cases)('$name with SigV4 on', (c) => {
  const url = () => s[c.name].url;
  const expectCode = (a: { status: number; code?: string; body: string }, [code, status]: [string, number]) => {
    expect({ code: a.code, status: a.status }, a.body).toEqual({ code, status });
  };

  it('accepts a signed request', async () => {
    const a = await send(await signRequest(url(), c.good));
    expect(a.status, a.body).toBe(200);
  });

  it('refuses an unsigned request', async () => {
    const signed = await signRequest(url(), c.good);
    const { authorization: _a, ...headers } = signed.init.headers;
    expectCode(await send({ url: signed.url, init: { ...signed.init, headers } }), c.codes.missing);
  });

  it('refuses a wrong secret and an unknown access key', async () => {
    expectCode(await send(await signRequest(url(), { ...c.good, key: { accessKeyId: ALICE.accessKeyId, secretAccessKey: 'not-the-secret' } })), c.codes.mismatch);
    expectCode(await send(await signRequest(url(), { ...c.good, key: { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' } })), c.codes.unknown);
  });

  it('refuses a captured request replayed as another operation', async () => {
    expectCode(await send(c.replay(await signRequest(url(), c.good))), c.codes.mismatch);
  });

  it('refuses a request whose operation-naming headers were left out of the signature', async () => {
    // A Query request names its operation in the body, a REST one by method and path: both always signed.
    if (!c.good.headers?.['x-amz-target']) return;
    expectCode(await send(await signRequest(url(), { ...c.good, unsigned: ['x-amz-target'] })), c.codes.mismatch);
    expectCode(await send(await signRequest(url(), { ...c.good, unsigned: ['content-type'] })), c.codes.mismatch);
  });

  it('refuses a signature scoped to another service or to a region this endpoint does not serve', async () => {
    const wrong = await send(await signRequest(url(), { ...c.good, service: c.name === 'sqs' ? 'sns' : 'sqs' }));
    expectCode(wrong, c.codes.mismatch);
    expect(wrong.message).toBe(`Credential should be scoped to correct service: '${c.name}'. `);
    const region = await send(await signRequest(url(), { ...c.good, region: 'ap-south-1' }));
    expectCode(region, c.codes.mismatch);
    expect(region.message).toBe("Credential should be scoped to a valid region, not 'ap-south-1'. ");
  });

  it('refuses a signature older than 15 minutes', async () => {
    const a = await send(await signRequest(url(), { ...c.good, date: new Date(Date.now() - 20 * 60_000) }));
    expectCode(a, c.codes.mismatch);
    expect(a.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });

  it('refuses UNSIGNED-PAYLOAD with a swapped body', async () => {
    const signed = await signRequest(url(), { ...c.withBody, headers: { ...c.withBody.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    const swapped = String(signed.init.body).replace(/a"|ListTopics|5/, (m) => (m === '5' ? '6' : m === 'a"' ? 'b"' : 'ListSubscriptions'));
    expect(swapped).not.toBe(signed.init.body);
    expectCode(await send({ url: signed.url, init: { ...signed.init, body: swapped } }), c.codes.mismatch);
  });

  it('closes /metrics and its /_wharf routes: refused unsigned or scoped elsewhere, served when signed; /health stays open', async () => {
    const unsigned = await answerOf(await fetch(`${url()}/metrics`));
    expect({ status: unsigned.status, code: unsigned.code }).toEqual({ status: 403, code: 'MissingAuthenticationTokenException' });
    const elsewhere = await send(await signRequest(url(), { service: 'wharf', method: 'GET', path: '/metrics' }));
    expect({ status: elsewhere.status, code: elsewhere.code }).toEqual({ status: 403, code: 'InvalidSignatureException' });
    const metrics = await send(await signRequest(url(), { service: c.name, method: 'GET', path: '/metrics' }));
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('wharf_request_duration_seconds');
    expect((await fetch(`${url()}/health`)).status).toBe(200);
    const admin = c.name === 'sns' ? '/_wharf/sns/held' : c.name === 'mq' ? '/_wharf/mq/brokers/b-nothing/instances' : undefined;
    if (admin) {
      expect((await fetch(`${url()}${admin}`)).status).toBe(403);
      const signedAdmin = await send(await signRequest(url(), { service: c.name, method: 'GET', path: admin }));
      expect(signedAdmin.status).toBe(c.name === 'sns' ? 200 : 404);
    }
  });
});

describe('the JS SDK v3 with SigV4 on', () => {
  const cfg = (u: string) => ({ endpoint: u, region: 'us-east-1', credentials: ALICE, maxAttempts: 1 });

  it('sqs, sns, kinesis and mq answer it', async () => {
    const sqs = new SQSClient(cfg(s.sqs.url));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueId('sig') }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'héllo' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(got.Messages?.[0]?.Body).toBe('héllo');
    const sns = new SNSClient(cfg(s.sns.url));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueId('sig') }));
    expect(TopicArn).toContain(`:${ALICE.accountId}:`);
    await expect(sns.send(new PublishCommand({ TopicArn, Message: 'm' }))).resolves.toMatchObject({ MessageId: expect.any(String) });
    await expect(new KinesisClient(cfg(s.kinesis.url)).send(new ListStreamsCommand({}))).resolves.toMatchObject({ StreamNames: [] });
    await expect(new MqClient(cfg(s.mq.url)).send(new ListBrokersCommand({}))).resolves.toMatchObject({ BrokerSummaries: [] });
    for (const c of [sqs, sns]) c.destroy();
  });

  it('Kinesis SubscribeToShard is verified like every call (it is answered outside the common handler)', async () => {
    const unsigned = await answerOf(
      await fetch(s.kinesis.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.SubscribeToShard' },
        body: '{"ConsumerARN":"arn:aws:kinesis:us-east-1:111111111111:stream/s/consumer/c:1","ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST"}}',
      }),
    );
    expect({ status: unsigned.status, code: unsigned.code }).toEqual({ status: 400, code: 'MissingAuthenticationTokenException' });
  });
});
