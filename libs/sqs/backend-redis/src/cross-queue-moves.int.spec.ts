import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { QueueRef, ReceiveOptions } from '@wharf/sqs-engine';
import { deleteRedisKeys } from '@wharf/testing';
import { RedisStore, type StagedMove } from './redis-store';
import { REDIS_URL, testStore } from './testing';

// Cross-queue moves are three single-slot steps (lua/lib.lua): stage in the source, add to the target once
// per move id, drop from the source. A process that dies between two steps leaves the move staged; once
// its lease passes, any process finishes it: each message reaches the target exactly once, none is lost.
// Runs on WHARF_REDIS_URL (standalone by default; on-cluster.int.spec.ts runs it on a Redis Cluster).

const prefix = `wharf:test:${randomUUID().slice(0, 8)}:`;
const LEASE_MS = 1_000;
const T0 = 1_700_000_000_000;
const stores: RedisStore[] = [];

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await deleteRedisKeys(prefix, REDIS_URL);
});

type CrashPoint = 'after-stage' | 'after-move-in';

/** A store whose process "dies" (throws) between two steps of its moves, leaving the later steps undone. */
class CrashingStore extends RedisStore {
  crashAt?: CrashPoint;
  protected override async finishMoves(source: QueueRef, moves: StagedMove[], nowMs: number) {
    if (this.crashAt === 'after-stage') throw new Error('crash after step 1');
    return super.finishMoves(source, moves, nowMs);
  }
  protected override async moveOut(source: QueueRef, ends: string[], nowMs: number): Promise<unknown> {
    if (this.crashAt === 'after-move-in') throw new Error('crash after step 2');
    return super.moveOut(source, ends, nowMs);
  }
}

function store(): RedisStore {
  const s = testStore(prefix, { moveLeaseMs: LEASE_MS });
  stores.push(s);
  return s;
}

function crashingStore(crashAt: CrashPoint): CrashingStore {
  const s = new CrashingStore({ client: testStore(prefix).redis, keyPrefix: prefix, moveLeaseMs: LEASE_MS });
  s.crashAt = crashAt;
  stores.push(s);
  return s;
}

const q = (name: string): QueueRef => ({ account: '000000000000', name: `${name}-${randomUUID().slice(0, 6)}` });
const arn = (r: QueueRef) => `arn:aws:sqs:us-east-1:${r.account}:${r.name}`;

async function makeQueues(s: RedisStore, ...refs: QueueRef[]) {
  for (const r of refs) expect((await s.createQueue(r, {}, {}, {}, T0, 0)).kind).toBe('created');
}

async function sendN(s: RedisStore, ref: QueueRef, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `m${i}-${randomUUID()}`);
  await s.send(ref, ids.map((id) => ({ id, payload: `body of ${id}`, delayMs: 0 })), T0);
  return ids;
}

/** A healthy store, a source queue with `n` messages and a target queue. */
async function twoQueues(n: number) {
  const healthy = store();
  const from = q('from');
  const to = q('to');
  await makeQueues(healthy, from, to);
  return { healthy, from, to, ids: await sendN(healthy, from, n) };
}

const receiveOptions = (dlq?: QueueRef, sourceArn?: string): ReceiveOptions => ({
  max: 10,
  visibilityMs: 0, // back to visible at once: the next receive counts a second receive
  inflightLimit: 120_000,
  attemptTtlMs: 300_000,
  maxReceiveCount: dlq ? 1 : undefined,
  dlq,
  sourceArn,
});

/** Every message of a queue, received until none is left (each id once per receive). */
async function drain(s: RedisStore, ref: QueueRef, nowMs: number): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const r = await s.receive(ref, { ...receiveOptions(), visibilityMs: 600_000 }, nowMs);
    if (r.kind !== 'ok' || r.messages.length === 0) return ids.sort();
    ids.push(...r.messages.map((m) => m.id));
  }
}

const staged = (s: RedisStore, ref: QueueRef) => s.redis.zcard(`${s.base(ref)}outz`);

// Who finishes a staged move: the source's next receive (or move pass) claims its stale moves; the mover's
// sweep (recoverMoves) looks at sources listed as moving, which a process lists beside step 2, so a crash
// right after step 1 is finished by the source's next receive only.
describe.each<[CrashPoint, 'source receive' | 'mover sweep']>([
  ['after-stage', 'source receive'],
  ['after-move-in', 'source receive'],
  ['after-move-in', 'mover sweep'],
])('dead-letter move, crash %s, finished by the %s', (crashAt, finisher) => {
  it('after the lease: every message in the DLQ exactly once, none left behind', async () => {
    const { healthy, from: src, to: dlq, ids } = await twoQueues(7);
    // first receive: count 1 (visibility 0, so they are visible again at once)
    const first = await healthy.receive(src, receiveOptions(dlq, arn(src)), T0 + 1);
    expect(first.kind === 'ok' && first.messages.length).toBe(7);

    const dying = crashingStore(crashAt);
    await expect(dying.receive(src, receiveOptions(dlq, arn(src)), T0 + 2)).rejects.toThrow(/crash after step/);
    expect(await staged(healthy, src)).toBe(7);
    expect((await healthy.counts(src, T0 + 3)).visible).toBe(0); // staged: out of the source's reach

    // within the lease nobody takes the dying process' moves over
    const inLease = T0 + 2 + LEASE_MS - 1;
    if (finisher === 'mover sweep') expect(await healthy.recoverMoves(inLease)).toBe(0);
    else expect(await healthy.receive(src, receiveOptions(dlq, arn(src)), inLease)).toMatchObject({ kind: 'ok', messages: [] });
    expect(await staged(healthy, src)).toBe(7);

    const afterLease = T0 + 2 + LEASE_MS + 1;
    if (finisher === 'mover sweep') expect(await healthy.recoverMoves(afterLease)).toBe(7);
    else expect(await healthy.receive(src, receiveOptions(dlq, arn(src)), afterLease)).toMatchObject({ kind: 'ok', messages: [] });
    expect(await staged(healthy, src)).toBe(0);
    await healthy.recoverMoves(afterLease + 1); // a sweep with nothing staged drops the source from the list
    expect(await healthy.redis.sismember(`${prefix}{sqs-index}:moving`, `${src.account}/${src.name}`)).toBe(0);

    const dead = await healthy.receive(dlq, { ...receiveOptions(), visibilityMs: 600_000 }, T0 + 5_000);
    const messages = dead.kind === 'ok' ? dead.messages : [];
    expect(messages.map((m) => m.id).sort()).toEqual([...ids].sort());
    // a dead-letter move keeps the receive count and names the source; the next receive adds one
    expect(messages.every((m) => m.receiveCount === 2 && m.deadLetterSourceArn === arn(src))).toBe(true);
    expect(await drain(healthy, dlq, T0 + 5_001)).toEqual([]);
    expect(await drain(healthy, src, T0 + 5_001)).toEqual([]);
  });
});

describe.each<CrashPoint>(['after-stage', 'after-move-in'])('message move task, crash %s', (crashAt) => {
  it('the next move pass after the lease finishes it: each message in the target exactly once', async () => {
    const { healthy, from, to, ids } = await twoQueues(12);

    const dying = crashingStore(crashAt);
    await expect(dying.moveMessages(from, to, 100, T0 + 1)).rejects.toThrow(/crash after step/);
    expect(await staged(healthy, from)).toBe(12);
    // within the lease: nothing moved, and the task is not complete while moves wait (remaining counts them)
    expect(await healthy.moveMessages(from, to, 100, T0 + 2)).toEqual({ kind: 'ok', moved: 0, remaining: 12 });

    expect(await healthy.moveMessages(from, to, 100, T0 + 1 + LEASE_MS + 1)).toEqual({ kind: 'ok', moved: 12, remaining: 0 });
    expect(await staged(healthy, from)).toBe(0);
    expect(await drain(healthy, to, T0 + 3_000)).toEqual([...ids].sort());
    // nothing more for anyone to finish; the messages are in the target once each (visible again later)
    expect(await healthy.recoverMoves(T0 + 10_000)).toBe(0);
    expect(await drain(healthy, to, T0 + 700_000)).toEqual([...ids].sort());
    expect(await drain(healthy, from, T0 + 700_000)).toEqual([]);
  });
});

describe('a move whose target is gone', () => {
  it('puts the messages back in the source and the task fails with NonExistentQueue', async () => {
    const s = store();
    const from = q('from');
    await makeQueues(s, from);
    const ids = await sendN(s, from, 3);
    expect(await s.moveMessages(from, q('never-made'), 10, T0 + 1)).toEqual({ kind: 'failed', reason: 'AWS.SimpleQueueService.NonExistentQueue' });
    expect(await staged(s, from)).toBe(0);
    expect(await drain(s, from, T0 + 2)).toEqual([...ids].sort());
  });

  it('a repeated step 2 of one move adds the message once', async () => {
    const s = store();
    const from = q('from');
    const to = q('to');
    await makeQueues(s, from, to);
    const move: StagedMove = { mid: 'seed-m1', meta: [s.base(to), 'the-id', String(T0), '', '', '', '', '0', ''].join('\n'), payload: 'p' };
    const step2 = (s as unknown as { moveIn(t: string, src: string, l: StagedMove[], n: number): Promise<string[]> }).moveIn.bind(s);
    expect(await step2(s.base(to), s.base(from), [move], T0)).toEqual(['ok']);
    expect(await step2(s.base(to), s.base(from), [move], T0 + 1)).toEqual(['dup']);
    expect(await drain(s, to, T0 + 2)).toEqual(['the-id']);
  });
});
