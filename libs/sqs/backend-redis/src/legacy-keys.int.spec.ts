import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '@wharf/testing';
import { REDIS_URL, testStore } from './testing';

// Queue lists written by a Wharf from before Redis Cluster support (`<prefix>queues:<account>`,
// `<prefix>move-tasks:active`) are merged into today's keys: an upgraded standalone Redis lists its queues.

const prefix = `wharf:test:${randomUUID().slice(0, 8)}:`;
const store = testStore(prefix);
afterAll(async () => {
  await store.close();
  await deleteRedisKeys(prefix, REDIS_URL);
});

describe.skipIf(REDIS_URL.startsWith('redis-cluster'))('the queue lists of the older layout (standalone Redis)', () => {
  it('are listed, and the old keys are gone', async () => {
    await store.redis.zadd(`${prefix}queues:000000000000`, 0, 'old-a', 0, 'old-b');
    await store.redis.sadd(`${prefix}move-tasks:active`, '000000000000/old-a');
    expect(await store.listQueues('000000000000', '', undefined, 10)).toEqual(['old-a', 'old-b']);
    expect(await store.activeMoveSources()).toEqual([{ account: '000000000000', name: 'old-a' }]);
    expect(await store.redis.exists(`${prefix}queues:000000000000`, `${prefix}move-tasks:active`)).toBe(0);
  });
});
