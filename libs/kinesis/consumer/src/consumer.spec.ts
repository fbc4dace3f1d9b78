import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { KinesisConsumer, type ConsumerOptions, type RecordBatch } from './consumer';
import { SHARD_END } from './lease';
import { findOverlaps, type LeaseLogEntry } from './lease-log';
import { MemoryLeaseStore } from './memory-lease-store';
import { FakeKinesis } from './testing';

const D = 3000;

describe('KinesisConsumer (in-memory leases, manual clock, fake Kinesis)', () => {
  const running: KinesisConsumer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });

  function setup(shards = ['s0']) {
    const kinesis = new FakeKinesis();
    for (const s of shards) kinesis.addShard(s);
    return { kinesis, store: new MemoryLeaseStore(), clock: new ManualClock(1_000_000), log: [] as LeaseLogEntry[] };
  }

  function consumer(env: ReturnType<typeof setup>, workerId: string, seen: string[], extra: Partial<ConsumerOptions> = {}) {
    const c = new KinesisConsumer({
      client: env.kinesis.client,
      streamName: 'trucks',
      leaseStore: env.store,
      workerId,
      clock: env.clock,
      leaseDurationMs: D,
      takeIntervalMs: 300,
      polling: { idleDelayMs: 200 },
      processRecords: (b: RecordBatch) => {
        seen.push(...b.records.map((r) => `${workerId}:${Buffer.from(r.Data as Uint8Array).toString()}`));
      },
      ...extra,
    });
    const log = (type: LeaseLogEntry['type']) => (e: { shardId: string; at: number; until?: number }) => env.log.push({ t: e.at, worker: workerId, shard: e.shardId, type, until: e.until });
    c.on('leaseTaken', log('acquired')).on('leaseRenewed', log('renewed')).on('leaseReleased', log('released')).on('leaseLost', log('released'));
    running.push(c);
    return c;
  }

  it('checkpoints after each batch; a restarted worker resumes after the checkpoint', async () => {
    const env = setup();
    for (let i = 0; i < 3; i++) env.kinesis.put('s0', `r${i}`);
    const seen: string[] = [];
    const a = consumer(env, 'a', seen);
    await a.start();
    await env.clock.advance(1000);
    expect(seen).toEqual(['a:r0', 'a:r1', 'a:r2']);
    const lease = (await env.store.list())[0];
    expect(lease.checkpoint).toBe('1002');
    await a.stop();
    expect((await env.store.list())[0].owner).toBeUndefined(); // released on shutdown

    env.kinesis.put('s0', 'r3');
    const b = consumer(env, 'b', seen);
    await b.start();
    await env.clock.advance(1000);
    expect(seen).toEqual(['a:r0', 'a:r1', 'a:r2', 'b:r3']);
  });

  it('manual checkpointing: a new owner gets again what came after the last checkpoint', async () => {
    const env = setup();
    for (let i = 0; i < 4; i++) env.kinesis.put('s0', `r${i}`);
    const seen: string[] = [];
    const a = consumer(env, 'a', seen, {
      checkpointing: 'manual',
      processRecords: async (b) => {
        seen.push(...b.records.map((r) => `a:${Buffer.from(r.Data as Uint8Array).toString()}`));
        await b.checkpoint(b.records[1].SequenceNumber); // only up to r1
      },
    });
    await a.start();
    await env.clock.advance(1000);
    await a.stop();
    const b = consumer(env, 'b', seen);
    await b.start();
    await env.clock.advance(1000);
    expect(seen).toEqual(['a:r0', 'a:r1', 'a:r2', 'a:r3', 'b:r2', 'b:r3']);
  });

  it('LATEST skips what is there and closed shards; AT_TIMESTAMP is passed through; lag is reported', async () => {
    const env = setup();
    env.kinesis.put('s0', 'old');
    env.kinesis.split('s0', 's1');
    env.kinesis.put('s1', 'old-too');
    const seen: string[] = [];
    const lags: number[] = [];
    const a = consumer(env, 'a', seen, { initialPosition: { type: 'LATEST' } });
    a.on('lag', (e) => lags.push(e.millisBehindLatest));
    await a.start();
    await env.clock.advance(1000);
    env.kinesis.put('s1', 'new');
    await env.clock.advance(1000);
    expect(seen).toEqual(['a:new']);
    expect((await env.store.list()).find((l) => l.shardId === 's0')?.checkpoint).toBe(SHARD_END);
    expect(lags.length).toBeGreaterThan(0);
    expect(lags.every((l) => l === 0)).toBe(true);
  });

  it('a processor failure retries the same batch: nothing skipped', async () => {
    const env = setup();
    env.kinesis.put('s0', 'r0');
    const seen: string[] = [];
    let fail = true;
    const errors: Error[] = [];
    const a = consumer(env, 'a', seen, {
      retryDelayMs: 500,
      processRecords: (b) => {
        if (fail) {
          fail = false;
          throw new Error('boom');
        }
        seen.push(...b.records.map((r) => Buffer.from(r.Data as Uint8Array).toString()));
      },
    });
    a.on('error', (e) => errors.push(e));
    await a.start();
    await env.clock.advance(1500);
    expect(errors.map((e) => e.message)).toEqual(['boom']);
    expect(seen).toEqual(['r0']);
  });

  it('a read the server never answers is abandoned after requestTimeoutMs and the shard reads on', async () => {
    const env = setup();
    env.kinesis.put('s0', 'r0');
    env.kinesis.hangNext = 1;
    const seen: string[] = [];
    const errors: string[] = [];
    const a = consumer(env, 'a', seen, { polling: { requestTimeoutMs: 2000, idleDelayMs: 200 } });
    a.on('error', (e) => errors.push(e.name));
    await a.start();
    await env.clock.advance(1500);
    expect(seen).toEqual([]);
    await env.clock.advance(2000);
    expect(errors).toEqual(['TimeoutError']);
    expect(seen).toEqual(['a:r0']);
  });

  it('children start only after their parent is read to its end', async () => {
    const env = setup();
    env.kinesis.put('s0', 'p0');
    env.kinesis.split('s0', 's1');
    env.kinesis.put('s1', 'c0');
    const order: string[] = [];
    const ended: string[] = [];
    const a = consumer(env, 'a', order);
    a.on('shardEnded', (e) => ended.push(`${e.shardId}->${e.children.join(',')}`));
    await a.start();
    await env.clock.advance(2000);
    expect(order).toEqual(['a:p0', 'a:c0']);
    expect(ended).toEqual(['s0->s1']);
    const leases = await env.store.list();
    expect(leases.find((l) => l.shardId === 's0')?.checkpoint).toBe(SHARD_END);
  });

  it('shares shards, takes over a silent worker only after the lease duration, never two owners', async () => {
    const env = setup(['s0', 's1', 's2', 's3']);
    const seen: string[] = [];
    const a = consumer(env, 'a', seen);
    await a.start();
    await env.clock.advance(500);
    expect(a.heldShards()).toHaveLength(4);
    const b = consumer(env, 'b', seen);
    await b.start();
    await env.clock.advance(3000); // b asks a for leases until each has its share
    expect(a.heldShards()).toHaveLength(2);
    expect(b.heldShards()).toHaveLength(2);

    // a goes silent (a crash, as far as the store can tell): its loops stop, its leases stay in the store.
    const frozen = a.heldShards();
    running.splice(running.indexOf(a), 1);
    const frozenAt = env.clock.now();
    (a as unknown as { stopping: AbortController }).stopping.abort();
    await env.clock.advance(D - 500);
    expect(b.heldShards()).toHaveLength(2);
    await env.clock.advance(1500);
    expect(b.heldShards()).toEqual(['s0', 's1', 's2', 's3']);
    for (const shard of frozen) {
      const takeover = env.log.find((e) => e.worker === 'b' && e.type === 'acquired' && e.shard === shard && e.t >= frozenAt);
      const after = (takeover?.t ?? Infinity) - frozenAt;
      expect(after, shard).toBeGreaterThanOrEqual(D - 1000); // a renewed at most a renewal interval before
      expect(after, shard).toBeLessThanOrEqual(D + 1000);
    }
    expect(findOverlaps(env.log)).toEqual([]);
  });
});
