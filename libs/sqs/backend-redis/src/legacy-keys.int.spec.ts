/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '@wharf/engine-kit/testing';
import { deleteRedisKeys } from '@wharf/testing';
import { REDIS_URL, engineHarness, testStore } from './testing';

// Keys written by older Wharfs, read by today's:
// - queue lists from before Redis Cluster support (`<prefix>queues:<account>`, `<prefix>move-tasks:active`) are
//   merged into today's keys: an upgraded standalone Redis lists its queues;
// - messages whose state is a hash a part (rc, fr, tk, gid, sq, dl) rather than one `st` field keep their
//   receive counts, receipt handles, groups and sequence numbers, and move into `st` when first touched.

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

const LEGACY_PARTS = ['rc', 'fr', 'tk', 'gid', 'sq', 'dl'] as const;

describe('messages of the layout before st (a hash for each part of a message state)', () => {
  const h = engineHarness();
  const clock = h.clock as ManualClock;
  afterAll(() => h.cleanup());

  /** Rewrites every message of the queue into the older layout, as the Wharf before st left it. */
  async function toLegacy(name: string) {
    const base = h.store.base({ account: '000000000000', name });
    const states = await h.store.redis.hgetall(`${base}st`);
    expect(Object.keys(states).length).toBeGreaterThan(0);
    for (const [id, state] of Object.entries(states)) {
      const parts = state.split('\n');
      expect(parts).toHaveLength(6);
      if (parts[0] === '0') parts[0] = ''; // the older layout had no rc before the first receive
      for (const [i, key] of LEGACY_PARTS.entries()) if (parts[i] !== '') await h.store.redis.hset(`${base}${key}`, id, parts[i]);
    }
    await h.store.redis.del(`${base}st`);
    return base;
  }

  const legacyLeft = async (base: string) => {
    let n = 0;
    for (const key of LEGACY_PARTS) n += await h.store.redis.hlen(`${base}${key}`);
    return n;
  };

  it('FIFO: receive counts, first receives, receipt handles, groups and order carry over; each moves into st', async () => {
    const { QueueUrl } = await h.sqs.CreateQueue({ QueueName: 'old.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '30' } });
    const sent = await h.sqs.SendMessageBatch({
      QueueUrl: QueueUrl!,
      Entries: ['a1', 'a2', 'a3', 'b1', 'b2'].map((body) => ({
        Id: body,
        MessageBody: body,
        MessageGroupId: body[0],
        MessageDeduplicationId: body,
      })),
    });
    const seq = Object.fromEntries(sent.Successful!.map((e) => [e.Id!, e.SequenceNumber!]));
    // a1 received twice (its first visibility lapsed), so group a is locked by it; b1 once, locking b
    const first = await h.sqs.ReceiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 1 });
    expect(first.Messages![0].Body).toBe('a1');
    clock.advance(31_000);
    // one at a time: b1 (visible since its send) and a1 again (visible since its timeout), in that order
    const b = await h.sqs.ReceiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 1, VisibilityTimeout: 60 });
    expect(b.Messages![0].Body).toBe('b1');
    const again = await h.sqs.ReceiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 1, VisibilityTimeout: 60 });
    expect(again.Messages![0].Body).toBe('a1');

    const base = await toLegacy('old.fifo');
    expect(await legacyLeft(base)).toBeGreaterThan(0);

    // group a stays locked while a1 is in flight under its old handle; b1's lock holds b2 back
    expect((await h.sqs.ReceiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 10 })).Messages ?? []).toEqual([]);
    // the older receive's handle is stale, the newer one deletes; the other handle changes visibility
    const stale = await h.sqs.DeleteMessageBatch({ QueueUrl: QueueUrl!, Entries: [{ Id: 'x', ReceiptHandle: first.Messages![0].ReceiptHandle! }] });
    expect(stale.Successful).toHaveLength(1); // AWS answers success for a stale handle; nothing is deleted
    await h.sqs.ChangeMessageVisibility({ QueueUrl: QueueUrl!, ReceiptHandle: b.Messages![0].ReceiptHandle!, VisibilityTimeout: 0 });
    const b1 = await h.sqs.ReceiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['All'] });
    expect(b1.Messages![0].Body).toBe('b1');
    expect(b1.Messages![0].Attributes!.ApproximateReceiveCount).toBe('2');
    expect(b1.Messages![0].Attributes!.SequenceNumber).toBe(seq.b1);
    await h.sqs.DeleteMessage({ QueueUrl: QueueUrl!, ReceiptHandle: b1.Messages![0].ReceiptHandle! });
    await h.sqs.DeleteMessage({ QueueUrl: QueueUrl!, ReceiptHandle: again.Messages![0].ReceiptHandle! });

    // a1 is gone (deleted by its newer handle); the rest come in group order with their sequence numbers
    const rest = await h.sqs.ReceiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] });
    const bodies = rest.Messages!.map((m) => m.Body);
    expect(bodies.filter((x) => x!.startsWith('a'))).toEqual(['a2', 'a3']);
    expect(bodies.filter((x) => x!.startsWith('b'))).toEqual(['b2']);
    for (const m of rest.Messages!) {
      expect(m.Attributes!.SequenceNumber).toBe(seq[m.Body!]);
      expect(m.Attributes!.MessageGroupId).toBe(m.Body![0]);
      expect(m.Attributes!.ApproximateReceiveCount).toBe('1');
    }
    expect(await legacyLeft(base)).toBe(0);
    await h.sqs.DeleteMessageBatch({
      QueueUrl: QueueUrl!,
      Entries: rest.Messages!.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
    });
    expect((await h.sqs.GetQueueAttributes({ QueueUrl: QueueUrl!, AttributeNames: ['All'] })).Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    expect(await h.store.redis.exists(`${base}g:a`, `${base}g:b`, `${base}lock`, `${base}m`, `${base}st`)).toBe(0);
  });

  it('standard: a message received before keeps its count and first receive, and dead-letters on it', async () => {
    const dlq = (await h.sqs.CreateQueue({ QueueName: 'old-dlq' })).QueueUrl!;
    const { Attributes } = await h.sqs.GetQueueAttributes({ QueueUrl: dlq, AttributeNames: ['QueueArn'] });
    const { QueueUrl } = await h.sqs.CreateQueue({
      QueueName: 'old-std',
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 2 }) },
    });
    await h.sqs.SendMessage({ QueueUrl: QueueUrl!, MessageBody: 'once' });
    await h.sqs.SendMessage({ QueueUrl: QueueUrl!, MessageBody: 'never' });
    const got = await h.sqs.ReceiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 1, VisibilityTimeout: 5, MessageSystemAttributeNames: ['All'] });
    const firstAt = got.Messages![0].Attributes!.ApproximateFirstReceiveTimestamp;
    const base = await toLegacy('old-std');
    clock.advance(6_000);

    const all = await h.sqs.ReceiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 10, VisibilityTimeout: 5, MessageSystemAttributeNames: ['All'] });
    const byBody = Object.fromEntries(all.Messages!.map((m) => [m.Body!, m.Attributes!]));
    expect(byBody[got.Messages![0].Body!]).toMatchObject({ ApproximateReceiveCount: '2', ApproximateFirstReceiveTimestamp: firstAt });
    const other = got.Messages![0].Body === 'once' ? 'never' : 'once';
    expect(byBody[other].ApproximateReceiveCount).toBe('1');
    expect(await legacyLeft(base)).toBe(0);

    // the one received twice goes to the dead-letter queue on the next receive, keeping its count
    clock.advance(6_000);
    const third = await h.sqs.ReceiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 10 });
    expect(third.Messages!.map((m) => m.Body)).toEqual([other]);
    const dead = await h.sqs.ReceiveMessage({ QueueUrl: dlq, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] });
    expect(dead.Messages!.map((m) => m.Body)).toEqual([got.Messages![0].Body]);
    expect(dead.Messages![0].Attributes).toMatchObject({ ApproximateReceiveCount: '3', DeadLetterQueueSourceArn: expect.stringMatching(/:old-std$/) });
  });

  it('purge drops the older layout with the new', async () => {
    const { QueueUrl } = await h.sqs.CreateQueue({ QueueName: 'old-purge.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } });
    await h.sqs.SendMessage({ QueueUrl: QueueUrl!, MessageBody: 'x', MessageGroupId: 'g1' });
    const base = await toLegacy('old-purge.fifo');
    await h.sqs.SendMessage({ QueueUrl: QueueUrl!, MessageBody: 'y', MessageGroupId: 'g2' });
    await h.sqs.PurgeQueue({ QueueUrl: QueueUrl! });
    expect(await legacyLeft(base)).toBe(0);
    expect(await h.store.redis.exists(`${base}g:g1`, `${base}g:g2`, `${base}m`, `${base}st`, `${base}groups`)).toBe(0);
  });
});
