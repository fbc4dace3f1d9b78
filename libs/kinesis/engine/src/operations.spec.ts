/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import { describe, expect, it } from 'vitest';
import { defaultEngineConfig, type KinesisEngineConfig } from './config';
import { KinesisEngine } from './kinesis-engine';
import { MemoryMetadata, MemoryRecordLog } from './memory-ports';
import type { Caller } from './ports';

const caller: Caller = { account: '000000000000', region: 'us-east-1' };

function setup(overrides: Partial<KinesisEngineConfig> = {}) {
  const clock = { t: Date.UTC(2025, 0, 1, 12, 0, 0), now() { return this.t; } };
  const log = new MemoryRecordLog();
  const meta = new MemoryMetadata(() => clock.now());
  const engine = new KinesisEngine({
    config: defaultEngineConfig({ reshardGraceMs: 0, ...overrides }),
    clock,
    store: meta,
    log,
    gate: meta,
    logger: { warn: () => undefined, error: () => undefined },
  });
  return { clock, log, meta, engine };
}

async function settled(engine: KinesisEngine, name: string) {
  for (let i = 0; i < 100; i++) {
    if ((await engine.DescribeStreamSummary({ StreamName: name }, caller)).StreamDescriptionSummary!.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${name} did not settle`);
}

const failure = (p: Promise<unknown>) => p.then(() => ({ name: 'no error', message: '' }), (e: Error) => ({ name: e.name, message: e.message }));

describe('KinesisEngine (in-memory ports, injected clock)', () => {
  it('iterators expire five minutes after issue; each NextShardIterator is fresh', async () => {
    const { engine, clock } = setup();
    await engine.CreateStream({ StreamName: 's', ShardCount: 1 }, caller);
    await engine.PutRecord({ StreamName: 's', PartitionKey: 'a', Data: Buffer.from('1') }, caller);
    const it = (await engine.GetShardIterator({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }, caller)).ShardIterator!;
    clock.t += 5 * 60 * 1000;
    const r = await engine.GetRecords({ ShardIterator: it }, caller);
    expect(r.Records!.map((x) => Buffer.from(x.Data!).toString())).toEqual(['1']);
    clock.t += 5 * 60 * 1000; // the first iterator is now 10 minutes old, the next one (issued 12:05) 5
    expect((await failure(engine.GetRecords({ ShardIterator: it }, caller))).name).toBe('ExpiredIteratorException');
    await expect(engine.GetRecords({ ShardIterator: r.NextShardIterator! }, caller)).resolves.toMatchObject({ Records: [] });
    clock.t += 1;
    expect(await failure(engine.GetRecords({ ShardIterator: r.NextShardIterator! }, caller))).toEqual({
      name: 'ExpiredIteratorException',
      message:
        'Iterator expired. The iterator was created at time Wed Jan 01 12:05:00 UTC 2025 while right now it is Wed Jan 01 12:10:00 UTC 2025 ' +
        'which is further in the future than the tolerated delay of 300000 milliseconds.',
    });
  });

  it('reports every constraint violation at once, in AWS’s words', async () => {
    const { engine } = setup();
    expect(await failure(engine.CreateStream({ StreamName: 'bad name!', ShardCount: 0 }, caller))).toEqual({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    });
    expect((await failure(engine.CreateStream({ StreamName: 'p' }, caller))).message).toBe(
      "1 validation error detected: Value null at 'shardCount' failed to satisfy constraint: Member must not be null",
    );
  });

  it('ListShards: filters, pagination, token expiry and the StreamName/NextToken rule', async () => {
    const { engine, clock } = setup();
    await engine.CreateStream({ StreamName: 's', ShardCount: 4 }, caller);
    const created = clock.t;
    clock.t += 60_000;
    await engine.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }, caller);
    await settled(engine, 's');
    const ids = async (input: Parameters<KinesisEngine['ListShards']>[0]) => ((await engine.ListShards(input, caller)).Shards ?? []).map((s) => s.ShardId);
    expect(await ids({ StreamName: 's' })).toHaveLength(6);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'AT_LATEST' } })).toEqual(['shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004', 'shardId-000000000005']);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'AT_TRIM_HORIZON' } })).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003']);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000003' } })).toEqual(['shardId-000000000004', 'shardId-000000000005']);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: new Date(created + 1000) } })).toHaveLength(4);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'FROM_TIMESTAMP', Timestamp: new Date(created + 1000) } })).toHaveLength(6);

    const page1 = await engine.ListShards({ StreamName: 's', MaxResults: 4 }, caller);
    expect(page1.Shards).toHaveLength(4);
    const page2 = await engine.ListShards({ NextToken: page1.NextToken, MaxResults: 4 }, caller);
    expect(page2.Shards!.map((s) => s.ShardId)).toEqual(['shardId-000000000004', 'shardId-000000000005']);
    expect(page2.NextToken).toBeUndefined();
    expect((await failure(engine.ListShards({ StreamName: 's', NextToken: page1.NextToken }, caller))).message).toBe('NextToken and StreamName cannot be provided together.');
    clock.t += 300_001;
    expect((await failure(engine.ListShards({ NextToken: page1.NextToken }, caller))).name).toBe('ExpiredNextTokenException');
  });

  it('closed shards leave DescribeStream once the retention period has passed', async () => {
    const { engine, clock } = setup();
    await engine.CreateStream({ StreamName: 's', ShardCount: 2 }, caller);
    await engine.MergeShards({ StreamName: 's', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000001' }, caller);
    await settled(engine, 's');
    const shards = async () => (await engine.DescribeStream({ StreamName: 's' }, caller)).StreamDescription!.Shards!.map((s) => s.ShardId);
    expect(await shards()).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
    clock.t += 24 * 3_600_000 + 1;
    expect(await shards()).toEqual(['shardId-000000000002']);
  });

  it('resharding errors and limits', async () => {
    const { engine } = setup();
    await engine.CreateStream({ StreamName: 's', ShardCount: 3 }, caller);
    expect(await failure(engine.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1' }, caller))).toEqual({
      name: 'InvalidArgumentException',
      message:
        "NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream s under account 000000000000 is not both greater than one plus the shard's " +
        "StartingHashKey 0 and less than the shard's EndingHashKey 113427455640312821154458202477256070484.",
    });
    expect((await failure(engine.MergeShards({ StreamName: 's', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000002' }, caller))).message).toBe(
      'Shards shardId-000000000000 and shardId-000000000002 in stream s under account 000000000000 are not an adjacent pair of shards eligible for merging',
    );
    expect((await failure(engine.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000009', NewStartingHashKey: '100' }, caller))).name).toBe('ResourceNotFoundException');
    expect((await failure(engine.UpdateShardCount({ StreamName: 's', TargetShardCount: 7, ScalingType: 'UNIFORM_SCALING' }, caller))).name).toBe('LimitExceededException');
    await engine.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '100' }, caller);
    expect((await failure(engine.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000001', NewStartingHashKey: String(2n ** 127n) }, caller))).name).toBe('ResourceInUseException');
    await settled(engine, 's');
    expect((await failure(engine.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '50' }, caller))).name).toBe('ResourceInUseException');
    await engine.CreateStream({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }, caller);
    expect((await failure(engine.SplitShard({ StreamName: 'od', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '100' }, caller))).name).toBe('ValidationException');
  });

  it('ON_DEMAND: four shards to start; a shard written past half its capacity is split by the background tick', async () => {
    const { engine, clock } = setup({ onDemandWindowSeconds: 5 });
    await engine.CreateStream({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }, caller);
    expect((await engine.DescribeStreamSummary({ StreamName: 'od' }, caller)).StreamDescriptionSummary!.OpenShardCount).toBe(4);
    await engine.tick();
    expect((await engine.DescribeStreamSummary({ StreamName: 'od' }, caller)).StreamDescriptionSummary!.OpenShardCount).toBe(4);
    for (let s = 0; s < 5; s++) {
      // 600 records/s at one shard (ExplicitHashKey 0 → shard 0): over half of 1000/s, never throttled (ON_DEMAND).
      const r = await engine.PutRecords({ StreamName: 'od', Records: Array.from({ length: 500 }, () => ({ PartitionKey: 'k', ExplicitHashKey: '0', Data: Buffer.from('x') })) }, caller);
      await engine.PutRecords({ StreamName: 'od', Records: Array.from({ length: 100 }, () => ({ PartitionKey: 'k', ExplicitHashKey: '0', Data: Buffer.from('x') })) }, caller);
      expect(r.FailedRecordCount).toBe(0);
      clock.t += 1000;
    }
    await engine.tick();
    await settled(engine, 'od');
    const open = (await engine.ListShards({ StreamName: 'od', ShardFilter: { Type: 'AT_LATEST' } }, caller)).Shards!;
    expect(open.map((s) => s.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004', 'shardId-000000000005']);
    expect(open[3].ParentShardId).toBe('shardId-000000000000');
  });

  it('PROVISIONED write limits count per shard and second; records/s and bytes/s', async () => {
    const { engine, clock } = setup();
    await engine.CreateStream({ StreamName: 's', ShardCount: 1 }, caller);
    const batch = (n: number, size: number) => ({ StreamName: 's', Records: Array.from({ length: n }, () => ({ PartitionKey: 'k', Data: Buffer.alloc(size) })) });
    expect((await engine.PutRecords(batch(500, 1), caller)).FailedRecordCount).toBe(0);
    expect((await engine.PutRecords(batch(500, 1), caller)).FailedRecordCount).toBe(0); // 1000 records this second: the limit
    expect((await engine.PutRecords(batch(3, 1), caller)).FailedRecordCount).toBe(3);
    clock.t += 1000;
    const big = await engine.PutRecords(batch(5, 300 * 1024), caller);
    expect(big.Records!.map((r) => r.ErrorCode ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ProvisionedThroughputExceededException', 'ProvisionedThroughputExceededException']);
    expect((await failure(engine.PutRecord({ StreamName: 's', PartitionKey: 'k', Data: Buffer.alloc(300 * 1024) }, caller))).name).toBe('ProvisionedThroughputExceededException');
    clock.t += 1000;
    await expect(engine.PutRecord({ StreamName: 's', PartitionKey: 'k', Data: Buffer.alloc(300 * 1024) }, caller)).resolves.toMatchObject({ ShardId: 'shardId-000000000000' });
  });

  it('consumers: register, describe, list, delete-stream protection', async () => {
    const { engine } = setup();
    await engine.CreateStream({ StreamName: 's', ShardCount: 1 }, caller);
    const arn = (await engine.DescribeStreamSummary({ StreamName: 's' }, caller)).StreamDescriptionSummary!.StreamARN!;
    const c = (await engine.RegisterStreamConsumer({ StreamARN: arn, ConsumerName: 'app' }, caller)).Consumer!;
    expect(c.ConsumerStatus).toBe('CREATING');
    expect((await failure(engine.RegisterStreamConsumer({ StreamARN: arn, ConsumerName: 'app' }, caller))).name).toBe('ResourceInUseException');
    expect((await engine.DescribeStreamConsumer({ StreamARN: arn, ConsumerName: 'app' })).ConsumerDescription).toMatchObject({ ConsumerARN: c.ConsumerARN, ConsumerStatus: 'ACTIVE', StreamARN: arn });
    expect((await engine.ListStreamConsumers({ StreamARN: arn }, caller)).Consumers!.map((x) => x.ConsumerName)).toEqual(['app']);
    expect((await failure(engine.DeleteStream({ StreamName: 's' }, caller))).name).toBe('ResourceInUseException');
    await engine.DeleteStream({ StreamName: 's', EnforceConsumerDeletion: true }, caller);
    expect((await failure(engine.DescribeStreamConsumer({ ConsumerARN: c.ConsumerARN }))).name).toBe('ResourceNotFoundException');
  });

  it('a put that lands after its shard’s end was fixed is put again, to the child (nothing invisible)', async () => {
    const { engine, log, clock } = setup({ reshardGraceMs: 40 });
    await engine.CreateStream({ StreamName: 's', ShardCount: 1 }, caller);
    const append = log.append.bind(log);
    let slow = true;
    log.append = async (topic, entries) => {
      if (slow) {
        slow = false;
        clock.t += 200; // admitted before the split, lands 200 ms later: long after the 40 ms grace
        await new Promise((r) => setTimeout(r, 200));
      }
      return append(topic, entries);
    };
    const late = engine.PutRecord({ StreamName: 's', PartitionKey: 'a', ExplicitHashKey: '5', Data: Buffer.from('late') }, caller);
    await new Promise((r) => setTimeout(r, 20));
    await engine.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }, caller);
    const put = await late;
    expect(put.ShardId).toBe('shardId-000000000001');
    await settled(engine, 's');
    const parent = (await engine.DescribeStream({ StreamName: 's' }, caller)).StreamDescription!.Shards![0];
    expect(parent.SequenceNumberRange!.EndingSequenceNumber).toBe(parent.SequenceNumberRange!.StartingSequenceNumber); // empty
    const it = (await engine.GetShardIterator({ StreamName: 's', ShardId: 'shardId-000000000001', ShardIteratorType: 'TRIM_HORIZON' }, caller)).ShardIterator!;
    const got = await engine.GetRecords({ ShardIterator: it }, caller);
    expect(got.Records!.map((r) => [r.SequenceNumber, Buffer.from(r.Data!).toString()])).toEqual([[put.SequenceNumber, 'late']]);
  });

  it('a reshard whose process died half-way is finished by the background tick of any process', async () => {
    const { engine, log, clock } = setup({ reshardGraceMs: 1000 });
    await engine.CreateStream({ StreamName: 's', ShardCount: 1 }, caller);
    const grow = log.ensurePartitions.bind(log);
    log.ensurePartitions = async () => {
      throw new Error('process died');
    };
    await engine.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }, caller);
    await new Promise((r) => setTimeout(r, 20));
    expect((await engine.DescribeStream({ StreamName: 's' }, caller)).StreamDescription!.StreamStatus).toBe('UPDATING');
    expect((await failure(engine.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '2000' }, caller))).name).toBe('ResourceInUseException');
    log.ensurePartitions = grow;
    await engine.tick(); // too early: the owner may still be working
    expect((await engine.DescribeStream({ StreamName: 's' }, caller)).StreamDescription!.Shards).toHaveLength(1);
    clock.t += 12_000;
    await engine.tick();
    const d = (await engine.DescribeStream({ StreamName: 's' }, caller)).StreamDescription!;
    expect(d.StreamStatus).toBe('ACTIVE');
    expect(d.Shards!.map((x) => [x.ShardId, x.ParentShardId])).toEqual([['shardId-000000000000', undefined], ['shardId-000000000001', 'shardId-000000000000'], ['shardId-000000000002', 'shardId-000000000000']]);
  });

  it('GetRecords on a stream deleted meanwhile answers ResourceNotFound, not an internal failure', async () => {
    const { engine, log, meta, clock } = setup();
    // Another process on the same store and log deletes the stream while this one has it cached.
    const other = new KinesisEngine({ config: defaultEngineConfig(), clock, store: meta, log, gate: meta, logger: { warn: () => undefined, error: () => undefined } });
    await engine.CreateStream({ StreamName: 's', ShardCount: 1 }, caller);
    const it = (await engine.GetShardIterator({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }, caller)).ShardIterator!;
    await engine.GetRecords({ ShardIterator: it }, caller); // cached
    await other.DeleteStream({ StreamName: 's' }, caller);
    expect((await failure(engine.GetRecords({ ShardIterator: it }, caller))).name).toBe('ResourceNotFoundException');
  });

  it('a process with the stream cached still finds the children another process just created', async () => {
    const { engine, log, meta, clock } = setup();
    const other = new KinesisEngine({ config: defaultEngineConfig({ reshardGraceMs: 0 }), clock, store: meta, log, gate: meta, logger: { warn: () => undefined, error: () => undefined } });
    await engine.CreateStream({ StreamName: 's', ShardCount: 1 }, caller);
    await engine.GetShardIterator({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }, caller); // cached here
    await other.SplitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }, caller);
    await settled(other, 's');
    const it = await engine.GetShardIterator({ StreamName: 's', ShardId: 'shardId-000000000002', ShardIteratorType: 'TRIM_HORIZON' }, caller);
    await expect(engine.GetRecords({ ShardIterator: it.ShardIterator }, caller)).resolves.toMatchObject({ Records: [] });
  });

  it('a process with a deleted-and-re-created stream cached writes to the new incarnation', async () => {
    const { engine, log, meta, clock } = setup();
    const other = new KinesisEngine({ config: defaultEngineConfig(), clock, store: meta, log, gate: meta, logger: { warn: () => undefined, error: () => undefined } });
    await engine.CreateStream({ StreamName: 's', ShardCount: 1 }, caller);
    await engine.PutRecord({ StreamName: 's', PartitionKey: 'a', Data: Buffer.from('old') }, caller); // cached here
    await other.DeleteStream({ StreamName: 's' }, caller);
    clock.t += 1000;
    await other.CreateStream({ StreamName: 's', ShardCount: 1 }, caller);
    const put = await engine.PutRecord({ StreamName: 's', PartitionKey: 'a', Data: Buffer.from('new') }, caller);
    const it = (await other.GetShardIterator({ StreamName: 's', ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }, caller)).ShardIterator!;
    const got = await other.GetRecords({ ShardIterator: it }, caller);
    expect(got.Records!.map((r) => [r.SequenceNumber, Buffer.from(r.Data!).toString()])).toEqual([[put.SequenceNumber, 'new']]);
  });
});
