import { Cluster, type Redis } from 'ioredis';
import { deleteRedisKeys, redisClusterUrl, testRedisClient, uniqueId } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLeaseStore } from './memory-lease-store';
import { RedisLeaseStore } from './redis-lease-store';
import type { LeaseStore } from './lease';

/**
 * The Lua scripts against real Redis (standalone, and a Redis Cluster with a hash-tagged prefix), and the
 * in-memory store held to the same contract.
 */
describe.each(['redis', 'redis cluster', 'memory'])('%s lease store', (kind) => {
  let redis: Redis | Cluster;
  let url: string;
  const prefix = uniqueId('wharf:test:kcl');
  // on a cluster an application's lease keys share a slot: the prefix carries a hash tag
  const tagged = kind === 'redis cluster';
  let n = 0;
  const store = (): LeaseStore => (kind === 'memory' ? new MemoryLeaseStore() : new RedisLeaseStore(redis, tagged ? `{${prefix}:${n++}}` : `${prefix}:${n++}`));
  beforeAll(() => {
    url = tagged ? redisClusterUrl() : (process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380');
    if (kind !== 'memory') redis = testRedisClient(url);
  });
  afterAll(async () => {
    if (kind === 'memory') return;
    redis.disconnect();
    await deleteRedisKeys(tagged ? `{${prefix}` : prefix, url);
  });

  it.runIf(tagged)('refuses a prefix without a hash tag on a cluster', () => {
    expect(redis).toBeInstanceOf(Cluster);
    expect(() => new RedisLeaseStore(redis, 'untagged')).toThrow(/hash tag/);
  });

  it('creates once; take is a compare-and-set on the counter', async () => {
    const s = store();
    expect(await s.create('s0', [])).toBe(true);
    expect(await s.create('s0', ['x'])).toBe(false);
    expect(await s.create('s1', ['s0', 'sX'], 'SHARD_END')).toBe(true);
    expect(await s.list()).toEqual([
      { shardId: 's0', counter: 0, parents: [] },
      { shardId: 's1', counter: 0, parents: ['s0', 'sX'], checkpoint: 'SHARD_END' },
    ].map((l) => expect.objectContaining(l)));
    expect(await s.take('s0', 'a', 0)).toMatchObject({ shardId: 's0', owner: 'a', counter: 1 });
    expect(await s.take('s0', 'b', 0)).toBeNull(); // b saw the old counter: a renewed or took it since
    expect(await s.take('nope', 'b', 0)).toBeNull();
  });

  it('renew bumps the counter for its owner only and reports a handover request', async () => {
    const s = store();
    await s.create('s0', []);
    await s.take('s0', 'a', 0);
    expect(await s.renew('s0', 'a', 1)).toMatchObject({ owner: 'a', counter: 2 });
    expect(await s.renew('s0', 'a', 1)).toBeNull(); // stale counter
    expect(await s.renew('s0', 'b', 2)).toBeNull();
    expect(await s.requestHandover('s0', 'b', 'a')).toBe(true);
    expect(await s.requestHandover('s0', 'c', 'a')).toBe(false); // one request at a time
    expect(await s.requestHandover('s0', 'c', 'z')).toBe(false);
    const renewed = await s.renew('s0', 'a', 2);
    expect(renewed).toMatchObject({ counter: 3, requestedBy: 'b' });
    expect(await s.release('s0', 'a', 3, 'b')).toBe(true);
    const [lease] = await s.list();
    expect(lease).toMatchObject({ owner: 'b', counter: 4 });
    expect(lease.requestedBy).toBeUndefined();
    expect(await s.release('s0', 'a', 4)).toBe(false);
    expect(await s.release('s0', 'b', 4)).toBe(true);
    expect((await s.list())[0].owner).toBeUndefined();
  });

  it('checkpoints only for the owner, with and without a sub-sequence', async () => {
    const s = store();
    await s.create('s0', []);
    await s.take('s0', 'a', 0);
    expect(await s.checkpoint('s0', 'a', '4901', 3)).toBe(true);
    expect((await s.list())[0]).toMatchObject({ checkpoint: '4901', subSequence: 3 });
    expect(await s.checkpoint('s0', 'a', '4902')).toBe(true);
    expect((await s.list())[0].subSequence).toBeUndefined();
    expect(await s.checkpoint('s0', 'b', '4999')).toBe(false);
    expect((await s.list())[0].checkpoint).toBe('4902');
  });
});
