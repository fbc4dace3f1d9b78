import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateStreamCommand, DeleteStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { deleteRedisKeys, startApp, uniqueId, type AppProcess } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, SIGV4_ENV, send, signRequest, type Key } from './sigv4-support';

// With SigV4 on, Wharf's admin routes of SQS, SNS and Kinesis (the console's) answer for the signer's account,
// as the MQ ones do: another account's queue, topic or stream is not visible through them.

const id = uniqueId('adm');
let sqs: AppProcess, sns: AppProcess, kinesis: AppProcess;
beforeAll(async () => {
  [sqs, kinesis] = await Promise.all([
    startApp('sqs', { portEnv: 'SQS_PORT', timeoutMs: 120_000, env: { ...SIGV4_ENV, SQS_REDIS_PREFIX: `wharf:it:${id}:sqs:` } }),
    startApp('kinesis', { portEnv: 'KINESIS_PORT', timeoutMs: 120_000, env: { ...SIGV4_ENV, KINESIS_REDIS_PREFIX: `wharf:it:${id}:kinesis:`, KINESIS_TOPIC_PREFIX: `wharf.it.${id}` } }),
  ]);
  sns = await startApp('sns', { portEnv: 'SNS_PORT', timeoutMs: 120_000, env: { ...SIGV4_ENV, SNS_REDIS_PREFIX: `wharf:it:${id}:sns:`, WHARF_SQS_URL: sqs.url } });
}, 300_000);
afterAll(async () => {
  await Promise.all([sqs?.stop(), sns?.stop(), kinesis?.stop()]);
  await deleteRedisKeys(`wharf:it:${id}:`);
});

const cfg = (url: string, key: Key) => ({ endpoint: url, region: 'us-east-1', credentials: key, maxAttempts: 1 });
const get = async (url: string, service: string, path: string, query: Record<string, string>, key: Key) =>
  send(await signRequest(url, { service, method: 'GET', path, query, key }));

describe('admin routes answer for the signer\'s account', () => {
  it('SQS: /_wharf/sqs/stats and peek show Alice\'s queue to Alice only', async () => {
    const alice = new SQSClient(cfg(sqs.url, ALICE));
    const { QueueUrl } = await alice.send(new CreateQueueCommand({ QueueName: uniqueId('q') }));
    await alice.send(new SendMessageCommand({ QueueUrl, MessageBody: 'alice only' }));
    const q = { queue: QueueUrl as string };
    const mine = await get(sqs.url, 'sqs', '/_wharf/sqs/peek', q, ALICE);
    expect(mine.status).toBe(200);
    expect(mine.body).toContain('alice only');
    const stats = await get(sqs.url, 'sqs', '/_wharf/sqs/stats', q, ALICE);
    expect(JSON.parse(stats.body)).toMatchObject({ queues: [expect.objectContaining({ visible: 1 })] });
    const bobPeek = await get(sqs.url, 'sqs', '/_wharf/sqs/peek', q, BOB);
    expect(bobPeek.body).not.toContain('alice only');
    expect(bobPeek.status).toBeGreaterThanOrEqual(400);
    const bobStats = await get(sqs.url, 'sqs', '/_wharf/sqs/stats', q, BOB);
    expect(bobStats.body).not.toMatch(/"visible":1/);
    alice.destroy();
  });

  it('Kinesis: /_wharf/kinesis/streams/<name>/metrics is Alice\'s stream for Alice, not found for Bob', async () => {
    const alice = new KinesisClient(cfg(kinesis.url, ALICE));
    const name = uniqueId('s');
    await alice.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    expect((await get(kinesis.url, 'kinesis', `/_wharf/kinesis/streams/${name}/metrics`, {}, ALICE)).status).toBe(200);
    const bob = await get(kinesis.url, 'kinesis', `/_wharf/kinesis/streams/${name}/metrics`, {}, BOB);
    expect(bob).toMatchObject({ status: 400, code: 'ResourceNotFoundException' });
    await alice.send(new DeleteStreamCommand({ StreamName: name }));
    alice.destroy();
  });

  it('SNS: /_wharf/sns/subscriptions of Alice\'s topic is not found for Bob', async () => {
    const alice = new SNSClient(cfg(sns.url, ALICE));
    const { TopicArn } = await alice.send(new CreateTopicCommand({ Name: uniqueId('t') }));
    expect((await get(sns.url, 'sns', '/_wharf/sns/subscriptions', { topic: TopicArn as string }, ALICE)).status).toBe(200);
    expect((await get(sns.url, 'sns', '/_wharf/sns/subscriptions', { topic: TopicArn as string }, BOB)).status).toBe(404);
    alice.destroy();
  });
});
