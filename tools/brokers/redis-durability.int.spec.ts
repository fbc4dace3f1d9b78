// Issue 11: "the local Redis that SQS uses keeps nothing on disk: a Redis restart loses every queue".
// Wharf's services default to their own Redis (tools/brokers/brokers.sh: 6380, AOF, appendfsync always), and
// a queue with acknowledged messages survives a kill -9 of that Redis. The crash is done on a private instance
// started by the same script (own port and run dir): the shared one serves other suites meanwhile.
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
// config.ts alone (no import): the defaults without loading the whole service kit
import { brokerConfig } from '../../libs/service-kit/src/config';
import { localBrokerEnv, startApp, uniqueId, type AppProcess } from '@wharf/testing';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateRedis, type PrivateBroker } from '../reliability/kill-brokers';

async function persistence(url: string): Promise<Record<string, string>> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const get = async (name: string) => ((await redis.config('GET', name)) as string[])[1];
    return { appendonly: await get('appendonly'), appendfsync: await get('appendfsync') };
  } finally {
    redis.disconnect();
  }
}

describe("Wharf's Redis is durable by default", () => {
  it('the Redis every service and suite defaults to writes an AOF and fsyncs before it answers', async () => {
    expect(brokerConfig().redisUrl).toBe(process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380');
    expect(localBrokerEnv().WHARF_REDIS_URL).toBe(brokerConfig().redisUrl);
    if (process.env.WHARF_TEST_BROKERS === 'containers') return; // the container's own flags, checked by deploy-check
    expect(await persistence(brokerConfig().redisUrl)).toEqual({ appendonly: 'yes', appendfsync: 'always' });
  });

  describe('a queue and its acknowledged messages survive kill -9 of Redis', () => {
    let redis: PrivateBroker;
    let sqs: AppProcess;
    beforeAll(async () => {
      redis = await privateRedis();
      sqs = await startApp('sqs', { portEnv: 'SQS_PORT', env: { ...redis.env, SQS_REDIS_PREFIX: `wharf:it:${uniqueId('dur')}:` } });
    }, 120_000);
    afterAll(async () => {
      await sqs?.stop();
      await redis?.destroy();
    });

    it('FIFO queue: 40 acknowledged sends are all there, in order, after the crash and restart', async () => {
      expect(await persistence(redis.env.WHARF_REDIS_URL)).toEqual({ appendonly: 'yes', appendfsync: 'always' });
      const client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `${uniqueId('dur')}.fifo`, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }));
      for (let i = 0; i < 40; i++) await client.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}`, MessageGroupId: 'truck-1' }));
      await redis.kill();
      await redis.restart();
      const got: string[] = [];
      const deadline = Date.now() + 60_000;
      while (got.length < 40 && Date.now() < deadline) {
        try {
          const r = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 300 }));
          got.push(...(r.Messages ?? []).map((m) => m.Body as string));
          // a FIFO group stays locked until its received messages are deleted
          if (r.Messages?.length) await client.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: r.Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
        } catch { await new Promise((r) => setTimeout(r, 200)); } // sqs still reconnecting
      }
      expect(got).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
      client.destroy();
    }, 120_000);
  });
});
