/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { describe, expect, it } from 'vitest';
import type { TopicRecord } from '@wharf/sns-engine';
import { MemorySnsStore } from '@wharf/sns-engine/testing';
import { CachedSnsStore } from './cached-store';

const topic: TopicRecord = {
  arn: 'arn:aws:sns:us-east-1:000000000000:orders',
  name: 'orders',
  accountId: '000000000000',
  region: 'us-east-1',
  fifo: false,
  attributes: { DisplayName: 'Orders' },
  tags: {},
  createdAt: 1,
};

describe('CachedSnsStore', () => {
  it('serves hits from memory, each a copy that a caller may edit without changing the next read', async () => {
    const inner = new MemorySnsStore();
    await inner.createTopic(topic);
    const cache = new CachedSnsStore(inner, 60_000);
    const first = await cache.getTopic(topic.arn);
    expect(first).toEqual(topic);
    first!.attributes.DisplayName = 'edited, not saved';
    inner.topics.get(topic.arn)!.attributes.DisplayName = 'changed behind the cache';
    const second = await cache.getTopic(topic.arn);
    expect(second).toEqual(topic); // from the cache: neither the caller's edit nor the unseen change
    expect(second).not.toBe(await cache.getTopic(topic.arn));
  });

  it('remembers "none" too, and forgets an entry on its own write or a change notice', async () => {
    const inner = new MemorySnsStore();
    const cache = new CachedSnsStore(inner, 60_000);
    expect(await cache.getTopic(topic.arn)).toBeUndefined();
    await inner.createTopic(topic);
    expect(await cache.getTopic(topic.arn)).toBeUndefined();
    cache.invalidate({ arn: topic.arn });
    expect(await cache.getTopic(topic.arn)).toEqual(topic);
    await cache.saveTopic({ ...topic, attributes: { DisplayName: 'Renamed' } });
    expect((await cache.getTopic(topic.arn))?.attributes.DisplayName).toBe('Renamed');
  });
});
