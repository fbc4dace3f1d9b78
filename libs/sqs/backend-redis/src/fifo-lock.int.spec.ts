/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '@wharf/testing';
import { REDIS_URL, testStore } from './testing';

// The FIFO group lock lives in Redis: two stores (as two sqs processes would hold) share one queue,
// and the receive/delete/change_visibility scripts hand a group to one of them at a time.

const prefix = `wharf:test:${randomUUID().slice(0, 8)}:`;
const a = testStore(prefix);
const b = testStore(prefix);
const q = { account: '000000000000', name: 'lock.fifo' };
const opts = { max: 10, visibilityMs: 30_000, inflightLimit: 120_000, attemptTtlMs: 300_000 };

afterAll(async () => {
  await deleteRedisKeys(prefix, REDIS_URL);
  await a.close();
  await b.close();
});

describe('FIFO group lock across processes (receive, delete, change_visibility scripts)', () => {
  it('hands a group to one process at a time, in order', async () => {
    const now = 1_000_000;
    await a.createQueue(q, { FifoQueue: 'true', DeduplicationScope: 'queue', MessageRetentionPeriod: '345600', DelaySeconds: '0' }, {}, {}, now, 0);
    await a.send(
      q,
      ['1', '2', '3'].map((n) => ({ id: `m${n}`, payload: n, delayMs: -1, groupId: 'truck', dedupId: `d${n}` })),
      now,
    );
    const first = await a.receive(q, { ...opts, max: 1 }, now);
    expect(first.kind === 'ok' && first.messages.map((m) => m.id)).toEqual(['m1']);
    const blocked = await b.receive(q, opts, now + 1);
    expect(blocked.kind === 'ok' && blocked.messages).toEqual([]);
    const token = first.kind === 'ok' ? first.messages[0].token : '';
    // a visibility change keeps the lock; releasing to 0 hands the same message to the other process
    expect(await a.changeVisibility(q, [{ id: 'm1', token, visibilityMs: 0 }], now + 2, 43_200_000)).toEqual(['ok']);
    const again = await b.receive(q, { ...opts, max: 1 }, now + 3);
    expect(again.kind === 'ok' && again.messages.map((m) => [m.id, m.receiveCount])).toEqual([['m1', 2]]);
    const t2 = again.kind === 'ok' ? again.messages[0].token : '';
    expect(await a.delete(q, [{ id: 'm1', token }], now + 4)).toEqual(['stale']);
    const stillLocked = await a.receive(q, opts, now + 5);
    expect(stillLocked.kind === 'ok' && stillLocked.messages).toEqual([]);
    expect(await b.delete(q, [{ id: 'm1', token: t2 }], now + 6)).toEqual(['ok']);
    const rest = await a.receive(q, opts, now + 7);
    expect(rest.kind === 'ok' && rest.messages.map((m) => m.id)).toEqual(['m2', 'm3']);
    expect(rest.kind === 'ok' && BigInt(rest.messages[1].sequenceNumber!) > BigInt(rest.messages[0].sequenceNumber!)).toBe(true);
  });
});
