/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startKinesis, text, waitActive, type KinesisUnderTest } from './support';

/**
 * Split and merge while producers keep writing; a reader that (like the KCL) starts a child shard only once
 * all its parents are read to their end (ChildShards) sees every key's records in order, none lost.
 */
describe('resharding while producing (SDK, real Kafka)', () => {
  let k: KinesisUnderTest;
  beforeAll(async () => {
    k = await startKinesis({ KINESIS_ENFORCE_LIMITS: 'false' });
  });
  afterAll(async () => k?.stop());

  /** Reads the whole lineage; resolves when `stopped()` and every open shard is caught up. */
  async function lineageReader(client: KinesisClient, stream: string, stopped: () => boolean) {
    const perKey = new Map<string, number[]>();
    const finished = new Set<string>();
    const started = new Set<string>();
    const parentsOf = new Map<string, string[]>();
    const running: Promise<void>[] = [];
    const readOne = async (shardId: string): Promise<void> => {
      let it = (await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (it) {
        const r = await client.send(new GetRecordsCommand({ ShardIterator: it }));
        for (const rec of r.Records ?? []) {
          const { key, n } = JSON.parse(text(rec)) as { key: string; n: number };
          perKey.set(key, [...(perKey.get(key) ?? []), n]);
        }
        if (!r.NextShardIterator) {
          finished.add(shardId);
          for (const child of r.ChildShards ?? []) parentsOf.set(child.ShardId!, child.ParentShards!);
          for (const [child, parents] of parentsOf) {
            if (!started.has(child) && parents.every((p) => finished.has(p))) {
              started.add(child);
              running.push(readOne(child));
            }
          }
          return;
        }
        it = r.NextShardIterator;
        if ((r.Records ?? []).length === 0 && r.MillisBehindLatest === 0 && stopped()) {
          // Caught up after the producers stopped: done unless a reshard is still closing this shard.
          const status = (await client.send(new DescribeStreamCommand({ StreamName: stream }))).StreamDescription!.StreamStatus;
          if (status === 'ACTIVE') {
            const again = await client.send(new GetRecordsCommand({ ShardIterator: it }));
            if ((again.Records ?? []).length === 0 && again.NextShardIterator) return;
          }
        }
        await sleep(50);
      }
    };
    const roots = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards!.filter((s) => !s.ParentShardId);
    for (const s of roots) {
      started.add(s.ShardId!);
      running.push(readOne(s.ShardId!));
    }
    for (let i = 0; i < running.length; i++) await running[i];
    return perKey;
  }

  it('split then merge under load: per-key order, none lost, none duplicated', async () => {
    const client = k.client({ maxAttempts: 10 });
    const stream = 'resharded';
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }));
    await waitActive(client, stream);
    const KEYS = 20;
    const sent = new Map<string, number>();
    let stop = false;
    const producers = Array.from({ length: KEYS }, async (_, i) => {
      const key = `vehicle-${i}`;
      let n = 0;
      while (!stop) {
        await client.send(new PutRecordCommand({ StreamName: stream, PartitionKey: key, Data: Buffer.from(JSON.stringify({ key, n })) }));
        sent.set(key, ++n);
        await sleep(5);
      }
    });
    let producing = true;
    const reader = lineageReader(k.client(), stream, () => !producing);

    await sleep(700);
    const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards!;
    const s0 = shards[0];
    const mid = (BigInt(s0.HashKeyRange!.StartingHashKey!) + BigInt(s0.HashKeyRange!.EndingHashKey!)) / 2n;
    await client.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: s0.ShardId!, NewStartingHashKey: String(mid) }));
    const afterSplit = await waitActive(client, stream);
    expect(afterSplit.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003']);
    await sleep(700);
    // shardId-3 holds the upper half of shard 0's range: adjacent to shard 1.
    await client.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: 'shardId-000000000003', AdjacentShardToMerge: 'shardId-000000000001' }));
    const afterMerge = await waitActive(client, stream);
    const merged = afterMerge.find((s) => s.ShardId === 'shardId-000000000004')!;
    expect(merged.ParentShardId).toBe('shardId-000000000003');
    expect(merged.AdjacentParentShardId).toBe('shardId-000000000001');
    await sleep(700);
    stop = true;
    await Promise.all(producers);
    producing = false;
    const perKey = await reader;

    let total = 0;
    for (const [key, count] of sent) {
      expect(perKey.get(key), key).toEqual(Array.from({ length: count }, (_, i) => i));
      total += count;
    }
    expect(total).toBeGreaterThan(KEYS * 20);
  });

  it('UpdateShardCount 3 → 5 → 3 (uniform scaling) keeps lineage readable and ends in even ranges', async () => {
    const client = k.client();
    const stream = 'scaled';
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 3 }));
    await waitActive(client, stream);
    for (let i = 0; i < 60; i++) await client.send(new PutRecordCommand({ StreamName: stream, PartitionKey: `k${i}`, Data: Buffer.from(JSON.stringify({ key: `k${i}`, n: 0 })) }));
    const up = await client.send(new UpdateShardCountCommand({ StreamName: stream, TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' }));
    expect([up.CurrentShardCount, up.TargetShardCount]).toEqual([3, 5]);
    await waitActive(client, stream);
    for (let i = 0; i < 60; i++) await client.send(new PutRecordCommand({ StreamName: stream, PartitionKey: `k${i}`, Data: Buffer.from(JSON.stringify({ key: `k${i}`, n: 1 })) }));
    await client.send(new UpdateShardCountCommand({ StreamName: stream, TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }));
    await waitActive(client, stream);
    for (let i = 0; i < 60; i++) await client.send(new PutRecordCommand({ StreamName: stream, PartitionKey: `k${i}`, Data: Buffer.from(JSON.stringify({ key: `k${i}`, n: 2 })) }));
    const open = (await client.send(new ListShardsCommand({ StreamName: stream, ShardFilter: { Type: 'AT_LATEST' } }))).Shards!;
    expect(open.map((s) => s.HashKeyRange!.StartingHashKey)).toEqual(['0', String((1n << 128n) / 3n), String((2n << 128n) / 3n)]);
    const perKey = await lineageReader(client, stream, () => true);
    for (let i = 0; i < 60; i++) expect(perKey.get(`k${i}`)).toEqual([0, 1, 2]);
  });
});
