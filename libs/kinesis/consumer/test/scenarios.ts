/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import { ListShardsCommand, MergeShardsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { expect } from 'vitest';
import { checkRoutes, createStream, driveTrucks, newLogFile, readLog, sleep, startWorker, waitActive, waitAllProcessed, type LogCheckpoint, type LogRecord, type Worker } from './support';

export const LEASE_MS = 3000;

export interface Setup {
  client: KinesisClient;
  url: string;
  leasePrefix: string;
  mode: 'polling' | 'fan-out';
  streams: string[];
}

async function workers(s: Setup, stream: string, ids: string[], log: string, extra: Record<string, string> = {}): Promise<Worker[]> {
  const env = { KINESIS_URL: s.url, STREAM: stream, LEASE_PREFIX: `${s.leasePrefix}:${stream}`, MODE: s.mode, LEASE_MS: String(LEASE_MS), LOG_FILE: log, ...extra };
  return Promise.all(ids.map((id) => startWorker(id, env)));
}

/** Shards a worker holds at `t` according to the log (acquired and not yet released). */
function heldAt(log: string, worker: string, t: number): string[] {
  const held = new Set<string>();
  for (const e of readLog(log).leases) {
    if (e.worker !== worker || e.t > t) continue;
    if (e.type === 'acquired') held.add(e.shard);
    if (e.type === 'released') held.delete(e.shard);
  }
  return [...held].sort();
}

/** 100 trucks × 200 positions, 5 shards, three workers: every route in order, nothing lost, never two owners. */
export async function threeWorkers(s: Setup): Promise<void> {
  const stream = `trucks-${s.mode}`;
  s.streams.push(stream);
  await createStream(s.client, stream, 5);
  const log = newLogFile();
  const ws = await workers(s, stream, ['w1', 'w2', 'w3'], log, { MAX_RECORDS: '500' });
  try {
    const t0 = Date.now();
    await driveTrucks(s.client, stream, 100, 200);
    const t1 = Date.now();
    await waitAllProcessed(log, 100 * 200, 90_000);
    console.log(`${s.mode}: 20,000 positions sent in ${t1 - t0} ms, all processed ${Date.now() - t1} ms later`);
  } finally {
    await Promise.all(ws.map((w) => w.stop()));
  }
  const { badTrucks, overlaps, log: l } = checkRoutes(log, 100, 200);
  expect(badTrucks).toEqual([]);
  expect(overlaps).toEqual([]);
  const owners = new Set(l.leases.filter((e) => e.type === 'acquired').map((e) => e.worker));
  expect([...owners].sort()).toEqual(['w1', 'w2', 'w3']);
  // Graceful shutdown released everything.
  for (const w of ['w1', 'w2', 'w3']) expect(heldAt(log, w, Infinity)).toEqual([]);
}

/**
 * kill -9 one of three workers mid-stream: its shards are taken within the lease duration + 1 s, records come
 * again only from after its last checkpoint, nothing is lost; then a fourth worker joins and gets shards.
 * 100 trucks × 120 positions: the producer is this test's slowest part on a loaded machine.
 */
export async function killAndJoin(s: Setup): Promise<void> {
  const stream = `killed-${s.mode}`;
  s.streams.push(stream);
  await createStream(s.client, stream, 5);
  const log = newLogFile();
  const TRUCKS = 100;
  const POSITIONS = 120;
  const extra = { MAX_RECORDS: '100', PROCESS_DELAY_MS: '20' };
  const ws = await workers(s, stream, ['w1', 'w2', 'w3'], log, extra);
  let killedAt = 0;
  let stoppedAt = Infinity;
  let victim = '';
  try {
    await driveTrucks(s.client, stream, TRUCKS, POSITIONS, {
      pauseMs: 40,
      between: async (n) => {
        if (n === 40) {
          victim = ['w1', 'w2', 'w3'].find((w) => heldAt(log, w, Date.now()).length > 0)!;
          killedAt = Date.now();
          ws.find((w) => w.id === victim)!.kill();
        }
        if (n === 80) ws.push(...(await workers(s, stream, ['w4'], log, extra)));
      },
    });
    await waitAllProcessed(log, TRUCKS * POSITIONS, 90_000);
    await sleep(1000); // w4 settles into its share
    stoppedAt = Date.now();
  } finally {
    await Promise.all(ws.map((w) => w.stop()));
  }
  const { badTrucks, overlaps, log: l } = checkRoutes(log, TRUCKS, POSITIONS);
  expect(badTrucks).toEqual([]);
  expect(overlaps).toEqual([]);

  const orphaned = heldAt(log, victim, killedAt);
  expect(orphaned.length).toBeGreaterThan(0);
  for (const shard of orphaned) {
    const takeover = l.leases.find((e) => e.shard === shard && e.type === 'acquired' && e.worker !== victim && e.t >= killedAt)!;
    expect(takeover, shard).toBeDefined();
    expect(takeover.t - killedAt, `takeover of ${shard}`).toBeLessThanOrEqual(LEASE_MS + 1000);
    // Redelivery starts right after the shard's last checkpoint before the takeover: nothing before it again,
    // nothing skipped. That checkpoint need not be the victim's: a shard handed to the victim by balancing may
    // carry its previous owner's checkpoint still, if the victim died before storing one of its own. And the
    // kill may land after Redis stored a checkpoint but before the victim heard back: then the one it began.
    const at = l.lines.indexOf(takeover);
    const before = l.lines.slice(0, at);
    const last = (kind: LogCheckpoint['kind']) => before.filter((x): x is LogCheckpoint => x.kind === kind && x.shard === shard).pop();
    const after = l.lines.slice(at).filter((x): x is LogRecord => x.kind === 'rec' && x.shard === shard);
    const seqs = l.records.filter((r) => r.shard === shard).map((r) => BigInt(r.seq));
    const nextAfter = (floor: bigint) => seqs.filter((q) => q > floor).sort((a, b) => (a < b ? -1 : 1))[0];
    const floors = [last('cp'), last('cp-begin')].map((c) => (c ? BigInt(c.seq) : -1n));
    const floor = floors.find((f) => nextAfter(f) === BigInt(after[0].seq));
    expect(floor, `${shard} resumed at ${after[0].seq}; checkpoints stored / begun before: ${floors.join(' / ')}`).toBeDefined();
    expect(after.every((r) => BigInt(r.seq) > floor!), shard).toBe(true);
  }
  const w4 = l.leases.filter((e) => e.worker === 'w4' && e.type === 'acquired' && e.t < stoppedAt).map((e) => e.shard);
  expect(w4.length).toBeGreaterThan(0);
  const takeovers = orphaned.map((shard) => l.leases.find((e) => e.shard === shard && e.type === 'acquired' && e.worker !== victim && e.t >= killedAt)!.t - killedAt);
  console.log(`${s.mode}: killed ${victim} holding ${orphaned.join(', ')}; taken over after ${takeovers.join(', ')} ms; ${l.records.length - TRUCKS * POSITIONS} records delivered twice; w4 took ${w4.join(', ')}`);
}

/** SplitShard then MergeShards while trucks drive and three workers consume: children after parents, routes in order. */
export async function reshard(s: Setup): Promise<void> {
  const stream = `reshard-${s.mode}`;
  s.streams.push(stream);
  await createStream(s.client, stream, 3);
  const log = newLogFile();
  const ws = await workers(s, stream, ['w1', 'w2', 'w3'], log, { MAX_RECORDS: '200' });
  const TRUCKS = 60;
  const POSITIONS = 150;
  try {
    await driveTrucks(s.client, stream, TRUCKS, POSITIONS, {
      pauseMs: 20,
      between: async (n) => {
        if (n === 40) {
          const s0 = (await s.client.send(new ListShardsCommand({ StreamName: stream }))).Shards![0];
          const mid = (BigInt(s0.HashKeyRange!.StartingHashKey!) + BigInt(s0.HashKeyRange!.EndingHashKey!)) / 2n;
          await s.client.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: s0.ShardId!, NewStartingHashKey: String(mid) }));
          await waitActive(s.client, stream);
        }
        if (n === 90) {
          // shardId-4 is the upper half of shard 0: adjacent to shard 1.
          await s.client.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: 'shardId-000000000004', AdjacentShardToMerge: 'shardId-000000000001' }));
          await waitActive(s.client, stream);
        }
      },
    });
    await waitAllProcessed(log, TRUCKS * POSITIONS, 90_000);
  } finally {
    await Promise.all(ws.map((w) => w.stop()));
  }
  const { badTrucks, overlaps, log: l } = checkRoutes(log, TRUCKS, POSITIONS);
  expect(badTrucks).toEqual([]);
  expect(overlaps).toEqual([]);
  const shards = (await s.client.send(new ListShardsCommand({ StreamName: stream }))).Shards!;
  expect(shards.map((x) => x.ShardId)).toHaveLength(6);
  const lines = l.lines;
  const lastOf = (shard: string) => lines.findLastIndex((x) => x.kind === 'rec' && x.shard === shard);
  const firstOf = (shard: string) => lines.findIndex((x) => x.kind === 'rec' && x.shard === shard);
  for (const child of shards.filter((x) => x.ParentShardId)) {
    const parents = [child.ParentShardId!, child.AdjacentParentShardId].filter((p): p is string => !!p);
    if (firstOf(child.ShardId!) < 0) continue; // no record reached it
    for (const p of parents) expect(firstOf(child.ShardId!), `${child.ShardId} after ${p}`).toBeGreaterThan(lastOf(p));
  }
  expect(firstOf('shardId-000000000005')).toBeGreaterThan(0); // the merged shard carried records
}
