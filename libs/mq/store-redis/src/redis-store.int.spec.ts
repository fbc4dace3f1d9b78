import { afterAll, describe, expect, it } from 'vitest';
import type { BrokerRecord, ConfigurationRecord } from '@wharf/mq-engine';
import { createRedisClient } from '@wharf/service-kit';
import { deleteRedisKeys, uniqueId } from '@wharf/testing';
import { RedisMqStore } from './redis-store';

// Broker definitions on WHARF_REDIS_URL: standalone Redis, or a Redis Cluster (on-cluster.int.spec.ts), where a
// record and the set of ids sit on different nodes (each write one key, waiting for a replica).

const url = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';
const prefix = `wharf:mq:test:${uniqueId('store')}:`;
const redis = createRedisClient(url);
const store = new RedisMqStore(redis, prefix);

afterAll(async () => {
  redis.disconnect();
  await deleteRedisKeys(prefix, url);
});

const broker = (id: string) => ({ brokerId: id, brokerName: `b-${id}` }) as unknown as BrokerRecord;
const configuration = (id: string) => ({ id, name: `c-${id}` }) as unknown as ConfigurationRecord;

describe('RedisMqStore', () => {
  it('saves, loads, overwrites and deletes brokers and configurations', async () => {
    for (const id of ['b1', 'b2', 'b3', 'b4']) await store.saveBroker(broker(id));
    await store.saveConfiguration(configuration('c1'));
    await store.saveBroker({ ...broker('b2'), brokerName: 'renamed' });
    const loaded = (await store.loadBrokers()).sort((a, b) => a.brokerId.localeCompare(b.brokerId));
    expect(loaded.map((b) => [b.brokerId, b.brokerName])).toEqual([
      ['b1', 'b-b1'],
      ['b2', 'renamed'],
      ['b3', 'b-b3'],
      ['b4', 'b-b4'],
    ]);
    await store.deleteBroker('b3');
    expect((await store.loadBrokers()).map((b) => b.brokerId).sort()).toEqual(['b1', 'b2', 'b4']);
    expect(await store.loadConfigurations()).toEqual([configuration('c1')]);
    await store.deleteConfiguration('c1');
    expect(await store.loadConfigurations()).toEqual([]);
  });

  it('an id whose record is gone (a delete cut short) is skipped, not an error', async () => {
    await redis.sadd(`${prefix}brokers`, 'half-deleted');
    expect((await store.loadBrokers()).map((b) => b.brokerId)).not.toContain('half-deleted');
  });
});
