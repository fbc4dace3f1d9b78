// WHARF_TEST_BROKERS decides where the suites' brokers are; this proves the choice took effect in the
// variables every suite (and every app it spawns) reads.
import Redis from 'ioredis';
import { describe, expect, it } from 'vitest';
import { brokerMode, localBrokerEnv } from './brokers';

async function redisAppendOnly(url: string): Promise<string> {
  const redis = new Redis(url);
  try {
    return ((await redis.config('GET', 'appendonly')) as string[])[1];
  } finally {
    redis.disconnect();
  }
}

describe('where the suites find their brokers', () => {
  it.runIf(brokerMode() === 'containers')('containers mode: every variable points at a container', async () => {
    const env = localBrokerEnv(); // process.env as the container setup left it
    expect(env.WHARF_REDIS_URL).not.toBe('redis://127.0.0.1:6380');
    expect(env.WHARF_KAFKA_BROKERS).not.toBe('127.0.0.1:9092');
    expect(env.WHARF_AMQP_URL).not.toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(await redisAppendOnly(env.WHARF_REDIS_URL)).toBe('yes'); // the container's Redis runs with AOF
  });

  it.runIf(brokerMode() === 'local' && !process.env.WHARF_REDIS_URL)('local mode: the machine\'s own brokers', async () => {
    expect(localBrokerEnv().WHARF_KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(await redisAppendOnly(localBrokerEnv().WHARF_REDIS_URL)).toBe('yes'); // tools/brokers runs Wharf's own Redis with AOF (6380)
  });
});
