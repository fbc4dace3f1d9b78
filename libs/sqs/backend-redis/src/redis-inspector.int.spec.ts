import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '@wharf/testing';
import { RedisInspector } from './redis-inspector';
import { isClusterClient } from '@wharf/redis-lua';
import type { RedisStore } from './redis-store';
import { REDIS_URL, testStore } from './testing';

// The console's peek and stats scripts read a queue and change nothing: the receive that follows a peek
// sees exactly what it would have seen without it.

const prefix = `wharf:test:${randomUUID().slice(0, 8)}:`;
const store = testStore(prefix);
const inspector = new RedisInspector(store);
const opts = { max: 10, visibilityMs: 30_000, inflightLimit: 120_000, attemptTtlMs: 300_000 };

afterAll(async () => {
  await deleteRedisKeys(prefix, REDIS_URL);
  await store.close();
});

describe('RedisInspector (lua/peek.lua, lua/inspect_stats.lua)', () => {
  it('peeks visible, in-flight and delayed messages without touching receive counts, visibility or keys', async () => {
    const q = { account: '000000000000', name: 'peeked' };
    const now = 5_000_000;
    await store.createQueue(q, { MessageRetentionPeriod: '345600', DelaySeconds: '0' }, {}, {}, now, 0);
    await store.send(q, [{ id: 'a', payload: 'pa', delayMs: 0 }], now);
    await store.send(q, [{ id: 'b', payload: 'pb', delayMs: 0 }], now + 1);
    await store.send(q, [{ id: 'c', payload: 'pc', delayMs: 60_000 }], now + 2);
    const took = await store.receive(q, { ...opts, max: 1 }, now + 3);
    expect(took.kind === 'ok' && took.messages.map((m) => m.id)).toEqual(['a']);

    const keysBefore = await snapshot(store, prefix);
    const peeked = await inspector.peek(q, now + 4, 10);
    expect(peeked?.map((m) => [m.id, m.payload, m.state, m.receiveCount])).toEqual([
      ['a', 'pa', 'inflight', 1],
      ['b', 'pb', 'visible', 0],
      ['c', 'pc', 'delayed', 0],
    ]);
    expect(await inspector.stats(q, now + 4)).toEqual({ visible: 1, notVisible: 1, delayed: 1, oldestSentMs: now, groupsInFlight: undefined });
    expect(await snapshot(store, prefix)).toEqual(keysBefore);

    // the receive after the peek gets b with receive count 1, as without the peek
    const next = await store.receive(q, opts, now + 5);
    expect(next.kind === 'ok' && next.messages.map((m) => [m.id, m.receiveCount])).toEqual([['b', 1]]);
    expect(await inspector.peek(q, now + 5, 1)).toHaveLength(1);
  });

  it('counts FIFO groups in flight, and an expired visibility as visible', async () => {
    const q = { account: '000000000000', name: 'groups.fifo' };
    const now = 7_000_000;
    await store.createQueue(q, { FifoQueue: 'true', DeduplicationScope: 'queue', MessageRetentionPeriod: '345600', DelaySeconds: '0' }, {}, {}, now, 0);
    await store.send(q, ['1', '2', '3'].map((n) => ({ id: `m${n}`, payload: n, delayMs: -1, groupId: `g${n}`, dedupId: n })), now);
    await store.receive(q, { ...opts, max: 2 }, now + 1);
    expect(await inspector.stats(q, now + 2)).toMatchObject({ visible: 1, notVisible: 2, groupsInFlight: 2 });
    expect(await inspector.stats(q, now + 1 + 30_001)).toMatchObject({ visible: 3, notVisible: 0 });
  });

  it('answers undefined for a queue that does not exist', async () => {
    const q = { account: '000000000000', name: 'never-made' };
    expect(await inspector.peek(q, 1, 10)).toBeUndefined();
    expect(await inspector.stats(q, 1)).toBeUndefined();
  });
});

/** Every key of the prefix with its type-specific content, to prove nothing was written. */
async function snapshot(s: RedisStore, keyPrefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const nodes = isClusterClient(s.redis) ? s.redis.nodes('master') : [s.redis];
  const keys = (await Promise.all(nodes.map((n) => n.keys(`${keyPrefix}*`)))).flat();
  for (const key of keys.sort()) {
    const type = await s.redis.type(key);
    out[key] =
      type === 'hash' ? await s.redis.hgetall(key) : type === 'zset' ? await s.redis.zrange(key, 0, -1, 'WITHSCORES') : type === 'list' ? await s.redis.lrange(key, 0, -1) : type === 'string' ? await s.redis.get(key) : type;
  }
  return out;
}
