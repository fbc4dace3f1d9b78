import { afterAll, describe, expect, it } from 'vitest';
import type { StreamMeta } from '@wharf/kinesis-engine';
import { createRedisClient } from '@wharf/service-kit';
import { deleteRedisKeys, uniqueId } from '@wharf/testing';
import { RedisKinesisMetadata } from './redis-metadata';

// Stream metadata and throughput counters on WHARF_REDIS_URL: standalone Redis, or a Redis Cluster
// (redis-metadata-cluster.int.spec.ts), where a stream's keys share one slot and the lists of streams another.

const url = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';
const prefix = `wharf:test:${uniqueId('kmeta')}`;
const redis = createRedisClient(url, { redis: { enableAutoPipelining: true } });
const meta = new RedisKinesisMetadata(redis, prefix);

afterAll(async () => {
  redis.disconnect();
  await deleteRedisKeys(prefix, url);
});

const stream = (name: string, over: Partial<StreamMeta> = {}): StreamMeta => ({
  name,
  account: '000000000000',
  region: 'eu-west-1',
  arn: `arn:aws:kinesis:eu-west-1:000000000000:stream/${name}`,
  topic: `t-${name}`,
  createdAt: 1,
  status: 'ACTIVE',
  mode: 'PROVISIONED',
  retentionHours: 24,
  shards: [],
  consumers: [],
  tags: {},
  encryptionType: 'NONE',
  enhancedMetrics: [],
  maxRecordSizeKiB: 1024,
  scalingHistory: [],
  version: 1,
  ...over,
});

describe('RedisKinesisMetadata', () => {
  it('creates once, lists, reads many, updates by version, watches ON_DEMAND streams, removes', async () => {
    const names = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    for (const n of names) expect(await meta.create(stream(n))).toBe(true);
    expect(await meta.create(stream('alpha'))).toBe(false);
    expect(await meta.list('000000000000', 'eu-west-1')).toEqual([...names].sort());
    expect((await meta.getMany('000000000000', 'eu-west-1', [...names, 'missing'])).map((m) => m.name)).toEqual(names);

    const key = { account: '000000000000', region: 'eu-west-1', name: 'beta' };
    const { meta: updated } = await meta.update(key, (m) => void (m.mode = 'ON_DEMAND'), () => new Error('gone'));
    expect(updated.version).toBe(2);
    expect(await meta.version(key)).toBe(2);
    expect(await meta.watched()).toEqual([key]);
    await meta.update(key, (m) => void (m.mode = 'PROVISIONED'), () => new Error('gone'));
    expect(await meta.watched()).toEqual([]);

    await meta.remove(key);
    expect(await meta.get(key)).toBeUndefined();
    expect(await meta.list('000000000000', 'eu-west-1')).toEqual(['alpha', 'delta', 'epsilon', 'gamma']);
    await expect(meta.update(key, () => undefined, () => new Error('gone'))).rejects.toThrow('gone');
  });

  it('admits puts and reads per shard within the limits, on the stream slot', async () => {
    const s = stream('limited', { version: 7 });
    await meta.create(s);
    const key = { account: s.account, region: s.region, name: s.name };
    const limits = { writeRecordsPerSecond: 2, writeBytesPerSecond: 1_000_000, readCallsPerSecond: 1, readBytesPerSecond: 2_000_000 };
    const now = 1_700_000_000_000;
    const entries = [0, 0, 0, 1].map((shard) => ({ shard, bytes: 10 }));
    expect(await meta.admitPut(key, 7, entries, now, limits)).toEqual({ kind: 'admitted', accepted: [true, true, false, true] });
    expect(await meta.admitPut(key, 6, entries, now, limits)).toEqual({ kind: 'stale' });
    expect(await meta.writeTotals(key, [0, 1], now + 1000, 1)).toEqual([
      { records: 2, bytes: 20 },
      { records: 1, bytes: 10 },
    ]);
    expect(await meta.admitGet(key, 0, now, limits)).toBe(true);
    expect(await meta.admitGet(key, 0, now, limits)).toBe(false);
    await meta.remove(key);
    expect(await meta.admitPut(key, 7, entries, now, limits)).toEqual({ kind: 'missing' });
  });

  it('with limits off admits every put entry and still counts them per shard', async () => {
    const s = stream('unlimited', { version: 4 });
    await meta.create(s);
    const key = { account: s.account, region: s.region, name: s.name };
    const now = 1_700_000_000_000;
    const entries = [2, 0, 2, 2, 0].map((shard, i) => ({ shard, bytes: 100 + i }));
    expect(await meta.admitPut(key, 4, entries, now)).toEqual({ kind: 'admitted', accepted: [true, true, true, true, true] });
    expect(await meta.admitPut(key, 4, entries.slice(0, 1), now)).toEqual({ kind: 'admitted', accepted: [true] });
    expect(await meta.admitPut(key, 3, entries, now)).toEqual({ kind: 'stale' });
    expect(await meta.writeTotals(key, [0, 1, 2], now + 1000, 1)).toEqual([
      { records: 2, bytes: 101 + 104 },
      { records: 0, bytes: 0 },
      { records: 4, bytes: 100 + 102 + 103 + 100 },
    ]);
    // limits turned on later see what was put with them off
    const limits = { writeRecordsPerSecond: 5, writeBytesPerSecond: 1_000_000, readCallsPerSecond: 1, readBytesPerSecond: 2_000_000 };
    expect(await meta.admitPut(key, 4, [{ shard: 2, bytes: 1 }, { shard: 2, bytes: 1 }], now, limits)).toEqual({ kind: 'admitted', accepted: [true, false] });
    await meta.remove(key);
    expect(await meta.admitPut(key, 4, entries, now)).toEqual({ kind: 'missing' });
  });
});

describe.skipIf(url.startsWith('redis-cluster'))('streams of the layout before Redis Cluster (standalone Redis)', () => {
  it('are found, listed and watched under today\'s keys', async () => {
    const p = `${prefix}-legacy`;
    const old = stream('old', { mode: 'ON_DEMAND', version: 3 });
    await redis.set(`${p}:000000000000:eu-west-1:stream:old`, JSON.stringify(old));
    await redis.set(`${p}:000000000000:eu-west-1:stream:old:v`, '3');
    await redis.zadd(`${p}:000000000000:eu-west-1:streams`, 0, 'old');
    await redis.sadd(`${p}:watched`, JSON.stringify(['000000000000', 'eu-west-1', 'old']));
    const upgraded = new RedisKinesisMetadata(redis, p);
    const key = { account: '000000000000', region: 'eu-west-1', name: 'old' };
    expect(await upgraded.get(key)).toEqual(old);
    expect(await upgraded.version(key)).toBe(3);
    expect(await upgraded.list('000000000000', 'eu-west-1')).toEqual(['old']);
    expect(await upgraded.watched()).toEqual([key]);
    expect(await redis.exists(`${p}:000000000000:eu-west-1:stream:old`, `${p}:000000000000:eu-west-1:streams`, `${p}:watched`)).toBe(0);
  });
});
