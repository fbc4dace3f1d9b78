import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startApp, uniqueId, type AppProcess } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, SIGV4_ENV, answerOf, presignUrl, send, signRequest, startServices, type Services } from './sigv4-support';

// Real clients with SigV4 on: the AWS CLI (botocore's own signer), presigned Query URLs fetched with plain
// fetch, and the edge in front of all four (its own routes scoped `wharf`, the rest verified by the service).

const run = promisify(execFile);
let s: Services;
let edge: AppProcess;
beforeAll(async () => {
  s = await startServices();
  edge = await startApp('edge', {
    portEnv: 'EDGE_PORT',
    timeoutMs: 150_000,
    env: { ...SIGV4_ENV, WHARF_SQS_URL: s.sqs.url, WHARF_SNS_URL: s.sns.url, WHARF_KINESIS_URL: s.kinesis.url, WHARF_MQ_URL: s.mq.url },
  });
}, 400_000);
afterAll(async () => {
  await edge?.stop();
  await s?.stop();
});

const cli = async (endpoint: string, key: { accessKeyId: string; secretAccessKey: string }, ...args: string[]) => {
  const { stdout } = await run('aws', [...args, '--endpoint-url', endpoint, '--output', 'json'], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
    timeout: 90_000,
  });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
};

describe('the AWS CLI with SigV4 on', () => {
  it('works on every service; a wrong secret gets AWS\'s error', async () => {
    const name = uniqueId('cli');
    const created = await cli(s.sqs.url, ALICE, 'sqs', 'create-queue', '--queue-name', name);
    expect(created.QueueUrl).toContain(`/${ALICE.accountId}/${name}`);
    await cli(s.sqs.url, ALICE, 'sqs', 'send-message', '--queue-url', created.QueueUrl as string, '--message-body', 'from the cli');
    const topic = await cli(s.sns.url, ALICE, 'sns', 'create-topic', '--name', name);
    expect(topic.TopicArn).toContain(`:${ALICE.accountId}:${name}`);
    expect(await cli(s.kinesis.url, ALICE, 'kinesis', 'list-streams')).toMatchObject({ StreamNames: [] });
    expect(await cli(s.mq.url, ALICE, 'mq', 'list-brokers')).toMatchObject({ BrokerSummaries: [] });
    await expect(cli(s.sqs.url, { accessKeyId: ALICE.accessKeyId, secretAccessKey: 'wrong' }, 'sqs', 'list-queues')).rejects.toThrow(/SignatureDoesNotMatch/);
    await expect(cli(s.kinesis.url, { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' }, 'kinesis', 'list-streams')).rejects.toThrow(/UnrecognizedClientException/);
  }, 240_000);
});

describe('presigned SQS Query URLs (@smithy/signature-v4 presign, plain fetch)', () => {
  it('a presigned ReceiveMessage URL works; an expired, tampered or other-account one is refused', async () => {
    const sqs = new SQSClient({ endpoint: s.sqs.url, region: 'us-east-1', credentials: ALICE, maxAttempts: 1 });
    const name = uniqueId('pre');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'presigned hello' }));
    const path = new URL(QueueUrl as string).pathname;
    const query = { Action: 'ReceiveMessage', Version: '2012-11-05', MaxNumberOfMessages: '1', WaitTimeSeconds: '1' };
    const url = await presignUrl(s.sqs.url, path, query, { service: 'sqs' });
    const ok = await answerOf(await fetch(url));
    expect(ok.status, ok.body).toBe(200);
    expect(ok.body).toContain('presigned hello');

    const expired = await answerOf(await fetch(await presignUrl(s.sqs.url, path, query, { service: 'sqs', date: new Date(Date.now() - 120_000), expiresIn: 60 })));
    expect({ status: expired.status, code: expired.code }).toEqual({ status: 400, code: 'RequestExpired' });
    const tampered = await answerOf(await fetch(url.replace('Action=ReceiveMessage', 'Action=PurgeQueue')));
    expect({ status: tampered.status, code: tampered.code }).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    const otherScope = await answerOf(await fetch(await presignUrl(s.sqs.url, path, query, { service: 'sns' })));
    expect({ status: otherScope.status, code: otherScope.code }).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    const bob = await answerOf(await fetch(await presignUrl(s.sqs.url, path, query, { service: 'sqs', key: BOB })));
    expect({ status: bob.status, code: bob.code }).toEqual({ status: 403, code: 'AccessDenied' });
    // A signed POST to the queue URL without QueueUrl (Java/.NET SDK v1): the queue comes from the path, and the
    // signature is checked on the body as sent.
    const v1 = await send(
      await signRequest(s.sqs.url, { service: 'sqs', path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=SendMessage&Version=2012-11-05&MessageBody=v1' }),
    );
    expect(v1.status, v1.body).toBe(200);
    sqs.destroy();
  });

  it('a presigned SNS ListTopics URL works', async () => {
    const a = await answerOf(await fetch(await presignUrl(s.sns.url, '/', { Action: 'ListTopics', Version: '2010-03-31' }, { service: 'sns' })));
    expect(a.status, a.body).toBe(200);
    expect(a.body).toContain('<ListTopicsResponse');
  });
});

describe('the edge with SigV4 on', () => {
  it('its /metrics needs a signature scoped `wharf`; /health stays open', async () => {
    const unsigned = await answerOf(await fetch(`${edge.url}/metrics`));
    expect({ status: unsigned.status, code: unsigned.code }).toEqual({ status: 403, code: 'MissingAuthenticationTokenException' });
    const sqsScoped = await send(await signRequest(edge.url, { service: 'sqs', method: 'GET', path: '/metrics' }));
    expect(sqsScoped.message).toBe("Credential should be scoped to correct service: 'wharf'. ");
    const signed = await send(await signRequest(edge.url, { service: 'wharf', method: 'GET', path: '/metrics' }));
    expect(signed.status).toBe(200);
    expect(signed.body).toContain('wharf_edge_requests_total');
    expect((await fetch(`${edge.url}/health`)).status).toBe(200);
  });

  it('forwards signed AWS calls and a service\'s /_wharf routes, which the service verifies with its own scope', async () => {
    const sqs = new SQSClient({ endpoint: edge.url, region: 'us-east-1', credentials: ALICE, maxAttempts: 1 });
    await expect(sqs.send(new CreateQueueCommand({ QueueName: uniqueId('edge') }))).resolves.toMatchObject({ QueueUrl: expect.stringContaining(ALICE.accountId) });
    sqs.destroy();
    expect((await fetch(`${edge.url}/_wharf/sns/held`)).status).toBe(403);
    const held = await send(await signRequest(edge.url, { service: 'sns', method: 'GET', path: '/_wharf/sns/held' }));
    expect(held.status, held.body).toBe(200);
    const wrong = await send(await signRequest(edge.url, { service: 'wharf', method: 'GET', path: '/_wharf/sns/held' }));
    expect(wrong.status).toBe(403);
    const presigned = await answerOf(await fetch(await presignUrl(edge.url, '/', { Action: 'ListQueues', Version: '2012-11-05' }, { service: 'sqs' })));
    expect(presigned.status, presigned.body).toBe(200);
  });
});
