/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert on SDK shapes whose members are all optional */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { type Caller, silentLogger, systemClock } from '@wharf/engine-kit';
import { backgroundTick, defaultEngineConfig, kinesisOperations as K, KinesisContext, partitionKeyHash } from '@wharf/kinesis-engine';
import { deleteRedisKeys, uniqueId } from '@wharf/testing';
import { KafkaRecordLog } from './kafka-record-log';
import { RedisKinesisMetadata } from './redis-metadata';

const brokers = (process.env.WHARF_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** The engine on its real backends (Kafka + Redis), without HTTP: semantics and broker I/O. */
describe('kinesis engine on Kafka + Redis', () => {
  const id = uniqueId('kb');
  const caller: Caller = { accountId: '000000000000', region: 'us-east-1', requestId: 'test' };
  let redis: Redis;
  let log: KafkaRecordLog;
  let ctx: KinesisContext;
  const quiet = { ...silentLogger, error: (o: object, m: string) => console.error(m, o) };

  beforeAll(async () => {
    redis = new Redis(process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380');
    log = new KafkaRecordLog({ brokers });
    await log.connect();
    const meta = new RedisKinesisMetadata(redis, `wharf:test:${id}`);
    ctx = new KinesisContext({
      config: defaultEngineConfig({ topicPrefix: `wharf.test.${id}`, reshardGraceMs: 300, onDemandWindowSeconds: 2 }),
      clock: systemClock,
      store: meta,
      log,
      gate: meta,
      logger: quiet,
    });
  });

  afterAll(async () => {
    for (const name of (await K.ListStreams(ctx, {}, caller)).StreamNames ?? []) await K.DeleteStream(ctx, { StreamName: name, EnforceConsumerDeletion: true }, caller);
    await deleteRedisKeys(`wharf:test:${id}`);
    await log.disconnect();
    redis.disconnect();
  });

  async function readAll(stream: string, shard: string, type: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON') {
    let it = (await K.GetShardIterator(ctx, { StreamName: stream, ShardId: shard, ShardIteratorType: type }, caller)).ShardIterator;
    const out = [];
    for (let i = 0; it && i < 100; i++) {
      const r = await K.GetRecords(ctx, { ShardIterator: it, Limit: 1000 }, caller);
      out.push(...(r.Records ?? []));
      if ((r.Records ?? []).length === 0 && r.NextShardIterator) break;
      it = r.NextShardIterator;
    }
    return out;
  }

  it('replicates a new stream’s topic as the cluster allows: RF min(3, brokers), min.insync.replicas 2 at RF 3 (else 1)', async () => {
    await K.CreateStream(ctx, { StreamName: 'replicated', ShardCount: 2 }, caller);
    const topic = (await new RedisKinesisMetadata(redis, `wharf:test:${id}`).get({ account: caller.accountId, region: caller.region, name: 'replicated' }))!.topic;
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const nodes = (await admin.describeCluster()).brokers.length;
      const rf = Math.min(3, nodes);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0].partitions.map((p) => p.replicas.length)).toEqual([rf, rf]);
      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
      expect(configs.resources[0].configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue).toBe(rf >= 3 ? '2' : '1');
    } finally {
      await admin.disconnect();
    }
  });

  it('deleting a topic another process already deleted succeeds (two DeleteStream calls at once)', async () => {
    const topic = `wharf.test.${id}.gone`;
    await log.createTopic(topic, 1, 86_400_000);
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
    // kafkajs retries UNKNOWN_TOPIC_OR_PARTITION, then throws "retries exceeded" with it as the cause
    await expect(log.deleteTopic(topic)).resolves.toBeUndefined();
  }, 120_000);

  it('routes by MD5, keeps per-shard order and seeks by sequence number', async () => {
    await K.CreateStream(ctx, { StreamName: 'orders', ShardCount: 3 }, caller);
    const desc = (await K.DescribeStream(ctx, { StreamName: 'orders' }, caller)).StreamDescription!;
    expect(desc.StreamStatus).toBe('ACTIVE');
    const put = await K.PutRecords(
      ctx,
      { StreamName: 'orders', Records: Array.from({ length: 30 }, (_, i) => ({ PartitionKey: `k${i % 7}`, Data: Buffer.from(`r${i}`) })) },
      caller,
    );
    expect(put.FailedRecordCount).toBe(0);
    put.Records!.forEach((r, i) => {
      const h = partitionKeyHash(`k${i % 7}`);
      const shard = desc.Shards!.find((s) => h >= BigInt(s.HashKeyRange!.StartingHashKey!) && h <= BigInt(s.HashKeyRange!.EndingHashKey!))!;
      expect(r.ShardId).toBe(shard.ShardId);
    });
    const shard0 = put.Records![0].ShardId!;
    const got = await readAll('orders', shard0);
    const expected = put.Records!.map((r, i) => ({ ...r, data: `r${i}` })).filter((r) => r.ShardId === shard0);
    expect(got.map((r) => Buffer.from(r.Data!).toString())).toEqual(expected.map((e) => e.data));
    expect(got.map((r) => r.SequenceNumber)).toEqual(expected.map((e) => e.SequenceNumber));
    const mid = expected[2].SequenceNumber!;
    const at = await K.GetShardIterator(ctx, { StreamName: 'orders', ShardId: shard0, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: mid }, caller);
    expect((await K.GetRecords(ctx, { ShardIterator: at.ShardIterator!, Limit: 1 }, caller)).Records![0].SequenceNumber).toBe(mid);
    const after = await K.GetShardIterator(ctx, { StreamName: 'orders', ShardId: shard0, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: mid }, caller);
    expect((await K.GetRecords(ctx, { ShardIterator: after.ShardIterator!, Limit: 1 }, caller)).Records![0].SequenceNumber).toBe(expected[3].SequenceNumber);
  });

  it('with many puts at once, coalesced into shared sends to Kafka, every put is told where its own records landed, and sequential writers keep their order', async () => {
    // ON_DEMAND: no per-shard write limit refuses records here.
    await K.CreateStream(ctx, { StreamName: 'busy', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }, caller);
    // 12 writers × 15 puts, each awaiting its put before the next; sizes vary so coalesced sends differ.
    const told = new Map<string, { shard: string; data: string }>();
    await Promise.all(
      Array.from({ length: 12 }, async (_, w) => {
        for (let n = 0; n < 15; n++) {
          const Records = Array.from({ length: 1 + ((w * 7 + n) % 40) }, (_, i) => ({ PartitionKey: `w${w}-${i % 3}`, Data: Buffer.from(`w${w}:${n}:${i}`) }));
          const out = await K.PutRecords(ctx, { StreamName: 'busy', Records }, caller);
          expect(out.FailedRecordCount).toBe(0);
          out.Records!.forEach((r, i) => told.set(r.SequenceNumber!, { shard: r.ShardId!, data: Buffer.from(Records[i].Data).toString() }));
        }
      }),
    );
    const stored = [];
    for (const shard of (await K.ListShards(ctx, { StreamName: 'busy' }, caller)).Shards!) stored.push(...(await readAll('busy', shard.ShardId!)));
    expect(stored.length).toBe(told.size);
    for (const r of stored) expect(told.get(r.SequenceNumber!)?.data, r.SequenceNumber).toBe(Buffer.from(r.Data!).toString());
    // Per key, in sequence-number order, each writer's puts come in the order it made them.
    const byKey = new Map<string, number[]>();
    for (const r of stored) {
      const [, n] = Buffer.from(r.Data!).toString().split(':');
      byKey.set(r.PartitionKey!, [...(byKey.get(r.PartitionKey!) ?? []), Number(n)]);
    }
    for (const [key, ns] of byKey) expect(ns, key).toEqual([...ns].sort((a, b) => a - b));
  });

  it('splits and merges: parents end with ChildShards, children take the writes', async () => {
    await K.CreateStream(ctx, { StreamName: 'resh', ShardCount: 2 }, caller);
    await K.PutRecord(ctx, { StreamName: 'resh', PartitionKey: 'a', Data: Buffer.from('before') }, caller);
    const shards = (await K.ListShards(ctx, { StreamName: 'resh' }, caller)).Shards!;
    const s0 = shards[0];
    const middle = (BigInt(s0.HashKeyRange!.StartingHashKey!) + BigInt(s0.HashKeyRange!.EndingHashKey!)) / 2n;
    await K.SplitShard(ctx, { StreamName: 'resh', ShardToSplit: s0.ShardId!, NewStartingHashKey: String(middle) }, caller);
    for (let i = 0; i < 50 && (await K.DescribeStreamSummary(ctx, { StreamName: 'resh' }, caller)).StreamDescriptionSummary!.StreamStatus !== 'ACTIVE'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = (await K.DescribeStream(ctx, { StreamName: 'resh' }, caller)).StreamDescription!.Shards!;
    expect(after.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003']);
    expect(after[0].SequenceNumberRange!.EndingSequenceNumber).toBeDefined();
    expect(after[2].ParentShardId).toBe('shardId-000000000000');
    let it = (await K.GetShardIterator(ctx, { StreamName: 'resh', ShardId: s0.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }, caller)).ShardIterator;
    const r = await K.GetRecords(ctx, { ShardIterator: it!, Limit: 100 }, caller);
    it = r.NextShardIterator;
    const end = it ? await K.GetRecords(ctx, { ShardIterator: it, Limit: 100 }, caller) : r;
    expect(end.NextShardIterator).toBeUndefined();
    expect(end.ChildShards!.map((c) => c.ShardId)).toEqual(['shardId-000000000002', 'shardId-000000000003']);

    await K.MergeShards(ctx, { StreamName: 'resh', ShardToMerge: 'shardId-000000000002', AdjacentShardToMerge: 'shardId-000000000003' }, caller);
    for (let i = 0; i < 50 && (await K.DescribeStreamSummary(ctx, { StreamName: 'resh' }, caller)).StreamDescriptionSummary!.StreamStatus !== 'ACTIVE'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const open = (await K.ListShards(ctx, { StreamName: 'resh', ShardFilter: { Type: 'AT_LATEST' } }, caller)).Shards!;
    expect(open.map((s) => s.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000004']);
    expect(open[1].HashKeyRange).toEqual(s0.HashKeyRange);
    const p = await K.PutRecord(ctx, { StreamName: 'resh', PartitionKey: 'x', ExplicitHashKey: '0', Data: Buffer.from('y') }, caller);
    expect(p.ShardId).toBe('shardId-000000000004');
  });

  it('throttles a PROVISIONED shard past 1000 records/s with per-entry errors', async () => {
    await K.CreateStream(ctx, { StreamName: 'hot', ShardCount: 1 }, caller);
    const batch = () => ({ StreamName: 'hot', Records: Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `p${i}`, Data: Buffer.from('x') })) });
    // 2500 records: even split over two seconds, at most 2000 get through.
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => K.PutRecords(ctx, batch(), caller)));
    const failed = results.reduce((n, r) => n + (r.FailedRecordCount ?? 0), 0);
    expect(failed).toBeGreaterThan(0);
    const codes = new Set(results.flatMap((r) => r.Records!.filter((e) => e.ErrorCode).map((e) => e.ErrorCode)));
    expect([...codes]).toEqual(['ProvisionedThroughputExceededException']);
  });

  it('maps retention onto the topic and ON_DEMAND scaling onto the Redis write counters', async () => {
    await K.CreateStream(ctx, { StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }, caller);
    await K.IncreaseStreamRetentionPeriod(ctx, { StreamName: 'od', RetentionPeriodHours: 168 }, caller);
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topic = (await new RedisKinesisMetadata(redis, `wharf:test:${id}`).get({ account: caller.accountId, region: caller.region, name: 'od' }))!.topic;
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    await admin.disconnect();
    const entry = (name: string) => configs.resources[0].configEntries.find((e) => e.configName === name)?.configValue;
    expect(entry('retention.ms')).toBe(String(168 * 3_600_000));
    // The topic's other settings survive the change (AlterConfigs replaces all of them with what it is sent).
    expect(entry('max.message.bytes')).toBe(String(32 * 1024 * 1024));
    expect(entry('message.timestamp.type')).toBe('CreateTime');
    expect(entry('min.insync.replicas')).toBe((await log.topicReplication()).minInsyncReplicas.toString());

    // 1200 records in one second at shard 0: over half its capacity averaged over the 2-second window.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
    for (let i = 0; i < 3; i++) {
      const r = await K.PutRecords(ctx, { StreamName: 'od', Records: Array.from({ length: 400 }, () => ({ PartitionKey: 'k', ExplicitHashKey: '0', Data: Buffer.from('x') })) }, caller);
      expect(r.FailedRecordCount).toBe(0); // ON_DEMAND: no per-shard throttling
    }
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
    await backgroundTick(ctx);
    for (let i = 0; i < 50 && (await K.DescribeStreamSummary(ctx, { StreamName: 'od' }, caller)).StreamDescriptionSummary!.StreamStatus !== 'ACTIVE'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const open = (await K.ListShards(ctx, { StreamName: 'od', ShardFilter: { Type: 'AT_LATEST' } }, caller)).Shards!;
    expect(open.map((s) => s.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004', 'shardId-000000000005']);
  });

  // Each new topic used to join the metadata refreshes of the others before the broker listed it, which failed
  // those refreshes ("This server does not host this topic-partition") and so CreateStream with a 500.
  it('creates 3 rounds of 20 streams at once, each ACTIVE and writable right away', async () => {
    for (let round = 0; round < 3; round++) {
      const names = Array.from({ length: 20 }, (_, i) => `par${round}-${i}`);
      const results = await Promise.allSettled(
        names.map(async (name) => {
          await K.CreateStream(ctx, { StreamName: name, ShardCount: 2 }, caller);
          await K.PutRecord(ctx, { StreamName: name, PartitionKey: 'k', Data: Buffer.from(name) }, caller);
        }),
      );
      expect(results.flatMap((r, i) => (r.status === 'rejected' ? [`${names[i]}: ${String(r.reason)}`] : []))).toEqual([]);
      for (const name of names) {
        expect((await K.DescribeStreamSummary(ctx, { StreamName: name }, caller)).StreamDescriptionSummary!.StreamStatus).toBe('ACTIVE');
        await K.DeleteStream(ctx, { StreamName: name }, caller);
      }
    }
  }, 240_000);
});
