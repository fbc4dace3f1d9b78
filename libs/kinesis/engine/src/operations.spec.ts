/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import type { ListShardsInput } from '@aws-sdk/client-kinesis';
import { type Caller, silentLogger } from '@wharf/engine-kit';
import { ManualClock } from '@wharf/engine-kit/testing';
import { describe, expect, it } from 'vitest';
import { defaultEngineConfig, type KinesisEngineConfig } from './config';
import { KinesisContext } from './context';
import { kinesisOperations as K } from './operations';
import { backgroundTick } from './ops/reshard';
import { MemoryMetadata, MemoryRecordLog } from './testing';

const caller: Caller = { accountId: '000000000000', region: 'us-east-1', requestId: 'test' };

/** A process of the engine on shared in-memory ports. */
const processOn = (clock: ManualClock, meta: MemoryMetadata, log: MemoryRecordLog, config: KinesisEngineConfig) =>
  new KinesisContext({ config, clock, store: meta, log, gate: meta, logger: silentLogger });

function setup(overrides: Partial<KinesisEngineConfig> = {}) {
  const clock = new ManualClock(Date.UTC(2025, 0, 1, 12, 0, 0));
  const log = new MemoryRecordLog();
  const meta = new MemoryMetadata(() => clock.now());
  const ctx = processOn(clock, meta, log, defaultEngineConfig({ reshardGraceMs: 0, ...overrides }));
  return { clock, log, meta, ctx };
}

/** Lets the manual clock run (10 ms a step) until `work` settles: for work that waits on the engine's clock (reshard grace). */
async function whileTimeRuns<T>(clock: ManualClock, work: Promise<T>): Promise<T> {
  let done = false;
  const settledWork = work.finally(() => (done = true));
  for (;;) {
    await new Promise((r) => setTimeout(r, 1));
    if (done) return settledWork;
    clock.advance(10);
  }
}

async function settled(ctx: KinesisContext, name: string) {
  for (let i = 0; i < 100; i++) {
    if ((await K.DescribeStreamSummary(ctx, { StreamName: name }, caller)).StreamDescriptionSummary!.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${name} did not settle`);
}

const failure = (p: Promise<unknown>) => p.then(() => ({ name: 'no error', message: '' }), (e: Error) => ({ name: e.name, message: e.message }));

describe('Kinesis operations (in-memory ports, manual clock)', () => {
  it('iterators expire five minutes after issue; each NextShardIterator is fresh', async () => {
    const { ctx, clock } = setup();
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    await K.PutRecord(ctx, { StreamName: 's', PartitionKey: 'a', Data: Buffer.from('1') }, caller);
    const it = (await K.GetShardIterator(ctx, { StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }, caller)).ShardIterator!;
    clock.advance(5 * 60 * 1000);
    const r = await K.GetRecords(ctx, { ShardIterator: it }, caller);
    expect(r.Records!.map((x) => Buffer.from(x.Data!).toString())).toEqual(['1']);
    clock.advance(5 * 60 * 1000); // the first iterator is now 10 minutes old, the next one (issued 12:05) 5
    expect((await failure(K.GetRecords(ctx, { ShardIterator: it }, caller))).name).toBe('ExpiredIteratorException');
    await expect(K.GetRecords(ctx, { ShardIterator: r.NextShardIterator! }, caller)).resolves.toMatchObject({ Records: [] });
    clock.advance(1);
    expect(await failure(K.GetRecords(ctx, { ShardIterator: r.NextShardIterator! }, caller))).toEqual({
      name: 'ExpiredIteratorException',
      message:
        'Iterator expired. The iterator was created at time Wed Jan 01 12:05:00 UTC 2025 while right now it is Wed Jan 01 12:10:00 UTC 2025 ' +
        'which is further in the future than the tolerated delay of 300000 milliseconds.',
    });
  });

  it('reports every constraint violation at once, in AWS’s words', async () => {
    const { ctx } = setup();
    expect(await failure(K.CreateStream(ctx, { StreamName: 'bad name!', ShardCount: 0 }, caller))).toEqual({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    });
    expect((await failure(K.CreateStream(ctx, { StreamName: 'p' }, caller))).message).toBe(
      "1 validation error detected: Value null at 'shardCount' failed to satisfy constraint: Member must not be null",
    );
  });

  it('names each PutRecords entry that breaks a constraint by its place, and only those', async () => {
    const { ctx } = setup();
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    const ok = { Data: Buffer.from('x'), PartitionKey: 'k' };
    // The model's constraints first (before the stream is looked up), then the stream's own (key required, record size).
    const broken = [ok, { PartitionKey: 'k' }, { Data: Buffer.from('x'), PartitionKey: 'p'.repeat(257) }, ok, { Data: Buffer.from('x'), PartitionKey: 'k', ExplicitHashKey: '01' }];
    expect(await failure(K.PutRecords(ctx, { StreamName: 's', Records: broken as never }, caller))).toEqual({
      name: 'ValidationException',
      message:
        "3 validation errors detected: Value null at 'records.2.member.data' failed to satisfy constraint: Member must not be null; " +
        `Value '${'p'.repeat(257)}' at 'records.3.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256; ` +
        "Value '01' at 'records.5.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
    });
    const unfit = [ok, { Data: Buffer.from('x') }, ok, { Data: Buffer.alloc(1024 * 1024), PartitionKey: 'k' }];
    expect(await failure(K.PutRecords(ctx, { StreamName: 's', Records: unfit as never }, caller))).toEqual({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value null at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null; " +
        "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048576 cap=1048576]' at 'records.4.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    });
    expect(await failure(K.PutRecord(ctx, { StreamName: 's', Data: Buffer.from('x'), PartitionKey: '' }, caller))).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    await expect(K.PutRecords(ctx, { StreamName: 's', Records: [ok, ok] }, caller)).resolves.toMatchObject({ FailedRecordCount: 0 });
  });

  it('ListShards: filters, pagination, token expiry and the StreamName/NextToken rule', async () => {
    const { ctx, clock } = setup();
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 4 }, caller);
    const created = clock.now();
    clock.advance(60_000);
    await K.SplitShard(ctx, { StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }, caller);
    await settled(ctx, 's');
    const ids = async (input: ListShardsInput) => ((await K.ListShards(ctx, input, caller)).Shards ?? []).map((s) => s.ShardId);
    expect(await ids({ StreamName: 's' })).toHaveLength(6);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'AT_LATEST' } })).toEqual(['shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004', 'shardId-000000000005']);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'AT_TRIM_HORIZON' } })).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003']);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000003' } })).toEqual(['shardId-000000000004', 'shardId-000000000005']);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: new Date(created + 1000) } })).toHaveLength(4);
    expect(await ids({ StreamName: 's', ShardFilter: { Type: 'FROM_TIMESTAMP', Timestamp: new Date(created + 1000) } })).toHaveLength(6);

    const page1 = await K.ListShards(ctx, { StreamName: 's', MaxResults: 4 }, caller);
    expect(page1.Shards).toHaveLength(4);
    const page2 = await K.ListShards(ctx, { NextToken: page1.NextToken, MaxResults: 4 }, caller);
    expect(page2.Shards!.map((s) => s.ShardId)).toEqual(['shardId-000000000004', 'shardId-000000000005']);
    expect(page2.NextToken).toBeUndefined();
    expect((await failure(K.ListShards(ctx, { StreamName: 's', NextToken: page1.NextToken }, caller))).message).toBe('NextToken and StreamName cannot be provided together.');
    clock.advance(300_001);
    expect((await failure(K.ListShards(ctx, { NextToken: page1.NextToken }, caller))).name).toBe('ExpiredNextTokenException');
  });

  it('closed shards leave DescribeStream once the retention period has passed', async () => {
    const { ctx, clock } = setup();
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 2 }, caller);
    await K.MergeShards(ctx, { StreamName: 's', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000001' }, caller);
    await settled(ctx, 's');
    const shards = async () => (await K.DescribeStream(ctx, { StreamName: 's' }, caller)).StreamDescription!.Shards!.map((s) => s.ShardId);
    expect(await shards()).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
    clock.advance(24 * 3_600_000 + 1);
    expect(await shards()).toEqual(['shardId-000000000002']);
  });

  it('resharding errors and limits', async () => {
    const { ctx } = setup();
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 3 }, caller);
    expect(await failure(K.SplitShard(ctx, { StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1' }, caller))).toEqual({
      name: 'InvalidArgumentException',
      message:
        "NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream s under account 000000000000 is not both greater than one plus the shard's " +
        "StartingHashKey 0 and less than the shard's EndingHashKey 113427455640312821154458202477256070484.",
    });
    expect((await failure(K.MergeShards(ctx, { StreamName: 's', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000002' }, caller))).message).toBe(
      'Shards shardId-000000000000 and shardId-000000000002 in stream s under account 000000000000 are not an adjacent pair of shards eligible for merging',
    );
    expect((await failure(K.SplitShard(ctx, { StreamName: 's', ShardToSplit: 'shardId-000000000009', NewStartingHashKey: '100' }, caller))).name).toBe('ResourceNotFoundException');
    expect((await failure(K.UpdateShardCount(ctx, { StreamName: 's', TargetShardCount: 7, ScalingType: 'UNIFORM_SCALING' }, caller))).name).toBe('LimitExceededException');
    await K.SplitShard(ctx, { StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '100' }, caller);
    expect((await failure(K.SplitShard(ctx, { StreamName: 's', ShardToSplit: 'shardId-000000000001', NewStartingHashKey: String(2n ** 127n) }, caller))).name).toBe('ResourceInUseException');
    await settled(ctx, 's');
    expect((await failure(K.SplitShard(ctx, { StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '50' }, caller))).name).toBe('ResourceInUseException');
    await K.CreateStream(ctx, { StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }, caller);
    expect((await failure(K.SplitShard(ctx, { StreamName: 'od', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '100' }, caller))).name).toBe('ValidationException');
  });

  it('ON_DEMAND: four shards to start; a shard written past half its capacity is split by the background tick', async () => {
    const { ctx, clock } = setup({ onDemandWindowSeconds: 5 });
    await K.CreateStream(ctx, { StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }, caller);
    expect((await K.DescribeStreamSummary(ctx, { StreamName: 'od' }, caller)).StreamDescriptionSummary!.OpenShardCount).toBe(4);
    await backgroundTick(ctx);
    expect((await K.DescribeStreamSummary(ctx, { StreamName: 'od' }, caller)).StreamDescriptionSummary!.OpenShardCount).toBe(4);
    for (let s = 0; s < 5; s++) {
      // 600 records/s at one shard (ExplicitHashKey 0 → shard 0): over half of 1000/s, never throttled (ON_DEMAND).
      const r = await K.PutRecords(ctx, { StreamName: 'od', Records: Array.from({ length: 500 }, () => ({ PartitionKey: 'k', ExplicitHashKey: '0', Data: Buffer.from('x') })) }, caller);
      await K.PutRecords(ctx, { StreamName: 'od', Records: Array.from({ length: 100 }, () => ({ PartitionKey: 'k', ExplicitHashKey: '0', Data: Buffer.from('x') })) }, caller);
      expect(r.FailedRecordCount).toBe(0);
      clock.advance(1000);
    }
    await backgroundTick(ctx);
    await settled(ctx, 'od');
    const open = (await K.ListShards(ctx, { StreamName: 'od', ShardFilter: { Type: 'AT_LATEST' } }, caller)).Shards!;
    expect(open.map((s) => s.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004', 'shardId-000000000005']);
    expect(open[3].ParentShardId).toBe('shardId-000000000000');
  });

  it('PROVISIONED write limits count per shard and second; records/s and bytes/s', async () => {
    const { ctx, clock } = setup();
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    const batch = (n: number, size: number) => ({ StreamName: 's', Records: Array.from({ length: n }, () => ({ PartitionKey: 'k', Data: Buffer.alloc(size) })) });
    expect((await K.PutRecords(ctx, batch(500, 1), caller)).FailedRecordCount).toBe(0);
    expect((await K.PutRecords(ctx, batch(500, 1), caller)).FailedRecordCount).toBe(0); // 1000 records this second: the limit
    expect((await K.PutRecords(ctx, batch(3, 1), caller)).FailedRecordCount).toBe(3);
    clock.advance(1000);
    const big = await K.PutRecords(ctx, batch(5, 300 * 1024), caller);
    expect(big.Records!.map((r) => r.ErrorCode ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ProvisionedThroughputExceededException', 'ProvisionedThroughputExceededException']);
    expect((await failure(K.PutRecord(ctx, { StreamName: 's', PartitionKey: 'k', Data: Buffer.alloc(300 * 1024) }, caller))).name).toBe('ProvisionedThroughputExceededException');
    clock.advance(1000);
    await expect(K.PutRecord(ctx, { StreamName: 's', PartitionKey: 'k', Data: Buffer.alloc(300 * 1024) }, caller)).resolves.toMatchObject({ ShardId: 'shardId-000000000000' });
  });

  it('consumers: register, describe, list, delete-stream protection', async () => {
    const { ctx } = setup();
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    const arn = (await K.DescribeStreamSummary(ctx, { StreamName: 's' }, caller)).StreamDescriptionSummary!.StreamARN!;
    const c = (await K.RegisterStreamConsumer(ctx, { StreamARN: arn, ConsumerName: 'app' }, caller)).Consumer!;
    expect(c.ConsumerStatus).toBe('CREATING');
    expect((await failure(K.RegisterStreamConsumer(ctx, { StreamARN: arn, ConsumerName: 'app' }, caller))).name).toBe('ResourceInUseException');
    expect((await K.DescribeStreamConsumer(ctx, { StreamARN: arn, ConsumerName: 'app' }, caller)).ConsumerDescription).toMatchObject({ ConsumerARN: c.ConsumerARN, ConsumerStatus: 'ACTIVE', StreamARN: arn });
    expect((await K.ListStreamConsumers(ctx, { StreamARN: arn }, caller)).Consumers!.map((x) => x.ConsumerName)).toEqual(['app']);
    expect((await failure(K.DeleteStream(ctx, { StreamName: 's' }, caller))).name).toBe('ResourceInUseException');
    await K.DeleteStream(ctx, { StreamName: 's', EnforceConsumerDeletion: true }, caller);
    expect((await failure(K.DescribeStreamConsumer(ctx, { ConsumerARN: c.ConsumerARN }, caller))).name).toBe('ResourceNotFoundException');
  });

  it('SubscribeToShard runs on the context’s clock: records at once, an empty event every heartbeat, the end at its lifetime', async () => {
    const { ctx, clock } = setup({ subscriptionHeartbeatMs: 1000, subscriptionLifetimeMs: 5000 });
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    const arn = (await K.DescribeStreamSummary(ctx, { StreamName: 's' }, caller)).StreamDescriptionSummary!.StreamARN!;
    const consumer = (await K.RegisterStreamConsumer(ctx, { StreamARN: arn, ConsumerName: 'c' }, caller)).Consumer!;
    const started = clock.now();
    const sub = await K.SubscribeToShard(ctx, { ConsumerARN: consumer.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }, caller);
    const next = async () => {
      const r = await whileTimeRuns(clock, sub.events.next());
      return { at: clock.now() - started, event: r.done ? undefined : r.value };
    };
    const first = await next();
    expect(first.at).toBe(0);
    expect(first.event!.Records).toEqual([]);
    const put = await K.PutRecord(ctx, { StreamName: 's', PartitionKey: 'a', Data: Buffer.from('1') }, caller);
    const withRecord = await next();
    expect(withRecord.at).toBeLessThanOrEqual(60); // the idle loop looks every 50 ms
    expect(withRecord.event!.Records!.map((r) => r.SequenceNumber)).toEqual([put.SequenceNumber]);
    const idle = await next();
    expect(idle.event!.Records).toEqual([]);
    expect(idle.at - withRecord.at).toBeGreaterThanOrEqual(1000);
    expect(idle.at - withRecord.at).toBeLessThan(1100);
    let last = idle;
    while (last.event) last = await next();
    expect(last.at).toBeGreaterThanOrEqual(5000);
    expect(last.at).toBeLessThan(5100);
  });

  it('a put that lands after its shard’s end was fixed is put again, to the child (nothing invisible)', async () => {
    const { ctx, log, clock } = setup({ reshardGraceMs: 40 });
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    const append = log.append.bind(log);
    let slow = true;
    log.append = async (topic, entries) => {
      if (slow) {
        slow = false;
        clock.advance(200); // admitted before the split, lands 200 ms later: long after the 40 ms grace
        await new Promise((r) => setTimeout(r, 200));
      }
      return append(topic, entries);
    };
    const late = K.PutRecord(ctx, { StreamName: 's', PartitionKey: 'a', ExplicitHashKey: '5', Data: Buffer.from('late') }, caller);
    await new Promise((r) => setTimeout(r, 20));
    await K.SplitShard(ctx, { StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }, caller);
    const put = await whileTimeRuns(clock, late);
    expect(put.ShardId).toBe('shardId-000000000001');
    await settled(ctx, 's');
    const parent = (await K.DescribeStream(ctx, { StreamName: 's' }, caller)).StreamDescription!.Shards![0];
    expect(parent.SequenceNumberRange!.EndingSequenceNumber).toBe(parent.SequenceNumberRange!.StartingSequenceNumber); // empty
    const it = (await K.GetShardIterator(ctx, { StreamName: 's', ShardId: 'shardId-000000000001', ShardIteratorType: 'TRIM_HORIZON' }, caller)).ShardIterator!;
    const got = await K.GetRecords(ctx, { ShardIterator: it }, caller);
    expect(got.Records!.map((r) => [r.SequenceNumber, Buffer.from(r.Data!).toString()])).toEqual([[put.SequenceNumber, 'late']]);
  });

  it('a reshard whose process died half-way is finished by the background tick of any process', async () => {
    const { ctx, log, clock } = setup({ reshardGraceMs: 1000 });
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    const grow = log.ensurePartitions.bind(log);
    log.ensurePartitions = async () => {
      throw new Error('process died');
    };
    await K.SplitShard(ctx, { StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }, caller);
    await new Promise((r) => setTimeout(r, 20));
    expect((await K.DescribeStream(ctx, { StreamName: 's' }, caller)).StreamDescription!.StreamStatus).toBe('UPDATING');
    expect((await failure(K.SplitShard(ctx, { StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '2000' }, caller))).name).toBe('ResourceInUseException');
    log.ensurePartitions = grow;
    await backgroundTick(ctx); // too early: the owner may still be working
    expect((await K.DescribeStream(ctx, { StreamName: 's' }, caller)).StreamDescription!.Shards).toHaveLength(1);
    clock.advance(12_000);
    await whileTimeRuns(clock, backgroundTick(ctx));
    const d = (await K.DescribeStream(ctx, { StreamName: 's' }, caller)).StreamDescription!;
    expect(d.StreamStatus).toBe('ACTIVE');
    expect(d.Shards!.map((x) => [x.ShardId, x.ParentShardId])).toEqual([['shardId-000000000000', undefined], ['shardId-000000000001', 'shardId-000000000000'], ['shardId-000000000002', 'shardId-000000000000']]);
  });

  it('GetRecords on a stream deleted meanwhile answers ResourceNotFound, not an internal failure', async () => {
    const { ctx, log, meta, clock } = setup();
    // Another process on the same store and log deletes the stream while this one has it cached.
    const other = processOn(clock, meta, log, defaultEngineConfig());
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    const it = (await K.GetShardIterator(ctx, { StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }, caller)).ShardIterator!;
    await K.GetRecords(ctx, { ShardIterator: it }, caller); // cached
    await K.DeleteStream(other, { StreamName: 's' }, caller);
    expect((await failure(K.GetRecords(ctx, { ShardIterator: it }, caller))).name).toBe('ResourceNotFoundException');
  });

  it('a process with the stream cached still finds the children another process just created', async () => {
    const { ctx, log, meta, clock } = setup();
    const other = processOn(clock, meta, log, defaultEngineConfig({ reshardGraceMs: 0 }));
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    await K.GetShardIterator(ctx, { StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }, caller); // cached here
    await K.SplitShard(other, { StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }, caller);
    await settled(other, 's');
    const it = await K.GetShardIterator(ctx, { StreamName: 's', ShardId: 'shardId-000000000002', ShardIteratorType: 'TRIM_HORIZON' }, caller);
    await expect(K.GetRecords(ctx, { ShardIterator: it.ShardIterator }, caller)).resolves.toMatchObject({ Records: [] });
  });

  it('a process with a deleted-and-re-created stream cached writes to the new incarnation', async () => {
    const { ctx, log, meta, clock } = setup();
    const other = processOn(clock, meta, log, defaultEngineConfig());
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 1 }, caller);
    await K.PutRecord(ctx, { StreamName: 's', PartitionKey: 'a', Data: Buffer.from('old') }, caller); // cached here
    await K.DeleteStream(other, { StreamName: 's' }, caller);
    clock.advance(1000);
    await K.CreateStream(other, { StreamName: 's', ShardCount: 1 }, caller);
    const put = await K.PutRecord(ctx, { StreamName: 's', PartitionKey: 'a', Data: Buffer.from('new') }, caller);
    const it = (await K.GetShardIterator(other, { StreamName: 's', ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }, caller)).ShardIterator!;
    const got = await K.GetRecords(other, { ShardIterator: it }, caller);
    expect(got.Records!.map((r) => [r.SequenceNumber, Buffer.from(r.Data!).toString()])).toEqual([[put.SequenceNumber, 'new']]);
  });
});
