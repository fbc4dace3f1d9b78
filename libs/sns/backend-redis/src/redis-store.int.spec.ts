import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '@wharf/redis-lua';
import { createRedisClient } from '@wharf/service-kit';
import { generateSigningMaterial, type SnsEvent, type SubscriptionRecord, type TopicRecord } from '@wharf/sns-engine';
import { deleteRedisKeys, uniqueId } from '@wharf/testing';
import { followSnsEvents, RedisFifoStore, RedisSnsStore, SnsKeys } from './index';

// Runs on WHARF_REDIS_URL: standalone Redis, or a Redis Cluster (on-cluster.int.spec.ts), as the sns app
// connects (service-kit's factory: on a cluster every write waits for a replica).
const url = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';
const prefix = `wharf-test:${uniqueId('sns')}:`;
let redis: RedisClient;
let store: RedisSnsStore;

beforeAll(() => {
  redis = createRedisClient(url);
  store = new RedisSnsStore(redis, prefix);
});
afterAll(async () => {
  await deleteRedisKeys(prefix, url);
  redis.disconnect();
});

const scope = { accountId: '000000000000', region: 'eu-west-1' };
const topic = (name: string): TopicRecord => ({ arn: `arn:aws:sns:eu-west-1:000000000000:${name}`, name, accountId: scope.accountId, region: scope.region, fifo: false, attributes: {}, tags: {}, createdAt: 1 });
const sub = (t: TopicRecord, n: number, over: Partial<SubscriptionRecord> = {}): SubscriptionRecord => {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return { arn: `${t.arn}:${id}`, id, topicArn: t.arn, protocol: 'sqs', endpoint: `arn:aws:sqs:eu-west-1:000000000000:q${n}`, owner: scope.accountId, pendingConfirmation: false, confirmationWasAuthenticated: true, attributes: {}, fifo: false, createdAt: 1, ...over };
};

describe('RedisSnsStore', () => {
  it('creates topics once and pages them in ARN order', async () => {
    for (let i = 0; i < 7; i++) expect((await store.createTopic(topic(`t${i}`))).created).toBe(true);
    const again = await store.createTopic({ ...topic('t0'), attributes: { DisplayName: 'x' } });
    expect(again).toMatchObject({ created: false, topic: { attributes: {} } });
    const page1 = await store.listTopicArns(scope, undefined, 4);
    const page2 = await store.listTopicArns(scope, page1[3], 4);
    expect([...page1, ...page2].map((a) => a.split(':').pop())).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    await store.deleteTopic(topic('t6').arn);
    expect(await store.getTopic(topic('t6').arn)).toBeUndefined();
    expect(await store.listTopicArns(scope, 'arn:aws:sns:eu-west-1:000000000000:t5', 10)).toEqual([]);
  });

  it('subscriptions are unique per (topic, protocol, endpoint); counts confirmed, pending, deleted', async () => {
    const t = topic('subs');
    await store.createTopic(t);
    const a = sub(t, 1);
    expect((await store.createSubscription(a)).created).toBe(true);
    const dup = await store.createSubscription({ ...sub(t, 99), endpoint: a.endpoint });
    expect(dup).toMatchObject({ created: false, subscription: { arn: a.arn } });
    await store.createSubscription(sub(t, 2, { protocol: 'http', endpoint: 'http://127.0.0.1/x', pendingConfirmation: true }));
    await store.createSubscription(sub(t, 3));
    expect(await store.countSubscriptions(t.arn)).toEqual({ confirmed: 2, pending: 1, deleted: 0 });
    expect((await store.listSubscriptionsByTopic(t.arn, undefined, 2)).map((s) => s.id.slice(-1))).toEqual(['1', '2']);
    expect((await store.listSubscriptions(scope, a.arn, 10)).map((s) => s.id.slice(-1))).toEqual(['2', '3']);
    await store.deleteSubscription(a);
    expect(await store.countSubscriptions(t.arn)).toEqual({ confirmed: 1, pending: 1, deleted: 1 });
    expect((await store.createSubscription({ ...sub(t, 4), endpoint: a.endpoint })).created).toBe(true);
    expect((await store.allSubscriptions()).map((s) => s.arn)).toContain(sub(t, 4).arn);
  });

  it('tokens expire', async () => {
    await store.saveToken('tok', 'arn:x', 50);
    expect(await store.getToken('tok')).toBe('arn:x');
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.getToken('tok')).toBeUndefined();
  });

  it('two processes racing for the signing key end up with the same one', async () => {
    const other = new RedisSnsStore(createRedisClient(url), prefix);
    const make = () => generateSigningMaterial({ notBefore: Date.now(), modulusLength: 1024 });
    const [a, b] = await Promise.all([store.signingMaterial(make), other.signingMaterial(make)]);
    expect(a.certificatePem).toBe(b.certificatePem);
    expect((await store.signingMaterial(make)).certificatePem).toBe(a.certificatePem);
  });

  it('change notices reach followers', async () => {
    const subscriber = createRedisClient(url);
    const seen: SnsEvent[] = [];
    const stop = await followSnsEvents(subscriber, new SnsKeys(prefix), (e) => seen.push(e));
    await store.publishEvent({ kind: 'topic', action: 'created', arn: 'arn:1' });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([{ kind: 'topic', action: 'created', arn: 'arn:1' }]);
    await stop();
    subscriber.disconnect();
  });
});

describe('RedisFifoStore', () => {
  it('reserve / commit / release and sequence numbers', async () => {
    const fifo = new RedisFifoStore(redis, prefix);
    expect(await fifo.reserve('k', { state: 'pending', messageId: 'm1', owner: 'a' }, 1000)).toBeUndefined();
    expect(await fifo.reserve('k', { state: 'pending', messageId: 'm2', owner: 'b' }, 1000)).toMatchObject({ messageId: 'm1' });
    await fifo.release('k', 'b'); // not the owner: stays
    expect(await fifo.get('k')).toMatchObject({ owner: 'a' });
    await fifo.release('k', 'a');
    expect(await fifo.get('k')).toBeUndefined();
    await fifo.reserve('k', { state: 'pending', messageId: 'm3', owner: 'c' }, 1000);
    await fifo.commit('k', { state: 'committed', messageId: 'm3', owner: 'c', sequenceNumber: '1' }, 60_000);
    expect(await redis.pttl(`${prefix}fifo-dedup:k`)).toBeGreaterThan(1000);
    const s1 = await fifo.nextSequence('arn:t');
    const s2 = await fifo.nextSequence('arn:t');
    expect(s2).toBe(s1 + 1n);
  });
});
