/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert on SDK shapes whose members are all optional */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import { AwsError } from '@wharf/aws-protocol';
import { type Caller, silentLogger, systemClock } from '@wharf/engine-kit';
import { defaultEngineConfig, kinesisOperations as K, KinesisContext } from '@wharf/kinesis-engine';
import { clusterBrokers, deleteRedisKeys, uniqueId, type ClusterBrokers, type KilledNode } from '@wharf/testing';
import { KafkaRecordLog } from './kafka-record-log';
import { RedisKinesisMetadata } from './redis-metadata';

// kill -9 of the broker leading a shard, under PutRecords load, on the cluster profile's three Kafka brokers
// (tools/brokers `brokers.sh up --profile cluster`, brought up by clusterBrokers() if it is not running).
const caller: Caller = { accountId: '000000000000', region: 'us-east-1', requestId: 'test' };
const prefix = `wharf:test:${uniqueId('kl')}`;

describe('kinesis on 3 Kafka brokers: the leader of a shard dies under load', () => {
  let cluster: ClusterBrokers;
  let ctx: KinesisContext;
  let log: KafkaRecordLog;
  let redis: Redis;
  /** Why appends failed (PutRecords logs it and answers InternalFailure per record), for the report. */
  const appendErrors = new Set<string>();
  let brokers: string[];
  let killed: KilledNode | undefined;

  beforeAll(async () => {
    cluster = await clusterBrokers();
    brokers = cluster.env.WHARF_KAFKA_BROKERS.split(',');
    redis = new Redis(process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380');
    // The defaults (no replication settings): RF min(3, brokers) = 3, min.insync.replicas 2.
    log = new KafkaRecordLog({ brokers, log: () => undefined });
    await log.connect();
    const meta = new RedisKinesisMetadata(redis, prefix);
    ctx = new KinesisContext({
      config: defaultEngineConfig({ topicPrefix: prefix.replaceAll(':', '.'), enforceLimits: false }),
      clock: systemClock,
      store: meta,
      log,
      gate: meta,
      logger: { ...silentLogger, error: (o: object) => void appendErrors.add(String((o as { err?: unknown }).err)) },
    });
  }, 900_000);

  afterAll(async () => {
    // Other suites use the profile too: the killed broker comes back before this one ends.
    await killed?.restart();
    for (const name of (await K.ListStreams(ctx, {}, caller)).StreamNames ?? []) await K.DeleteStream(ctx, { StreamName: name, EnforceConsumerDeletion: true }, caller).catch(() => undefined);
    await deleteRedisKeys(prefix);
    await log.disconnect();
    redis.disconnect();
  });

  it('every acknowledged record is read back in order per shard; clients see retryable errors only', async () => {
    const stream = 'load';
    await K.CreateStream(ctx, { StreamName: stream, ShardCount: 3 }, caller);
    const topic = (await new RedisKinesisMetadata(redis, prefix).get({ account: caller.accountId, region: caller.region, name: stream }))!.topic;
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    await admin.disconnect();
    expect(meta.topics[0].partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]);
    expect(configs.resources[0].configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue).toBe('2');
    const leader = meta.topics[0].partitions.find((p) => p.partitionId === 0)!.leader;
    const shard0 = 'shardId-000000000000';

    // Writers: each owns 10 partition keys and a counter per key; a record is sent again (same counter)
    // until acknowledged, as a KPL does, so per key the acknowledged counters are 0, 1, 2, ...
    const acked = new Map<string, { shard: string; seq: string; counter: number }[]>();
    const errors = new Map<string, number>();
    const shard0AckTimes: number[] = [];
    let putCalls = 0;
    let slowestPutMs = 0;
    let stop = false;
    const writer = async (w: number) => {
      const keys = Array.from({ length: 10 }, (_, k) => `w${w}-k${k}`);
      const next = new Map(keys.map((k) => [k, 0]));
      while (!stop) {
        const started = Date.now();
        putCalls++;
        try {
          const out = await K.PutRecords(ctx, { StreamName: stream, Records: keys.map((k) => ({ PartitionKey: k, Data: Buffer.from(`${k}:${next.get(k)}`) })) }, caller);
          out.Records!.forEach((r, i) => {
            const key = keys[i];
            if (r.ErrorCode) {
              errors.set(r.ErrorCode, (errors.get(r.ErrorCode) ?? 0) + 1);
              return;
            }
            acked.set(key, [...(acked.get(key) ?? []), { shard: r.ShardId!, seq: r.SequenceNumber!, counter: next.get(key)! }]);
            if (r.ShardId === shard0) shard0AckTimes.push(Date.now());
            next.set(key, next.get(key)! + 1);
          });
        } catch (error) {
          // A thrown error must be the service's fault (5xx: the SDK retries), never the client's.
          const code = error instanceof AwsError ? `${error.code} (${error.status})` : `unexpected ${String(error)}`;
          errors.set(code, (errors.get(code) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 100));
        }
        slowestPutMs = Math.max(slowestPutMs, Date.now() - started);
      }
    };

    // A reader of shard 0 through GetRecords, following its iterators across the leader change.
    const read0: KinesisRecord[] = [];
    let readErrors = 0;
    const reader = (async () => {
      let it = (await K.GetShardIterator(ctx, { StreamName: stream, ShardId: shard0, ShardIteratorType: 'TRIM_HORIZON' }, caller)).ShardIterator;
      while (!stop) {
        try {
          const r = await K.GetRecords(ctx, { ShardIterator: it!, Limit: 1000 }, caller);
          read0.push(...(r.Records ?? []));
          it = r.NextShardIterator;
          if ((r.Records ?? []).length === 0) await new Promise((res) => setTimeout(res, 50));
        } catch {
          readErrors++;
          await new Promise((res) => setTimeout(res, 200));
        }
      }
    })();

    // An enhanced fan-out reader of shard 0: a subscription that ends with an error is taken up again
    // AFTER_SEQUENCE_NUMBER its last ContinuationSequenceNumber, as the KCL does.
    const consumerARN = (await K.RegisterStreamConsumer(ctx, { StreamARN: (await K.DescribeStreamSummary(ctx, { StreamName: stream }, caller)).StreamDescriptionSummary!.StreamARN, ConsumerName: 'follower' }, caller)).Consumer!.ConsumerARN!;
    const pushed0: KinesisRecord[] = [];
    let resubscribes = 0;
    const subscriber = (async () => {
      let position: { Type: 'TRIM_HORIZON' } | { Type: 'AFTER_SEQUENCE_NUMBER'; SequenceNumber: string } = { Type: 'TRIM_HORIZON' };
      while (!stop) {
        try {
          const sub = await K.SubscribeToShard(ctx, { ConsumerARN: consumerARN, ShardId: shard0, StartingPosition: position }, caller);
          for await (const event of sub.events) {
            pushed0.push(...(event.Records ?? []));
            if (event.ContinuationSequenceNumber) position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: event.ContinuationSequenceNumber };
            if (stop) {
              sub.cancel();
              break;
            }
          }
        } catch {
          resubscribes++;
          await new Promise((res) => setTimeout(res, 500));
        }
      }
    })();

    // 8 writers: calls queue behind the send in flight when the leader dies, and go out coalesced after it.
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 3000));
    const killedAt = Date.now();
    killed = await cluster.killKafkaBroker(leader);
    await new Promise((r) => setTimeout(r, 20_000));
    stop = true;
    await Promise.all(writers);
    await reader;
    await subscriber;

    // Everything acknowledged, read back after the load: per shard in sequence-number order, per key in counter order.
    const byShard = new Map<string, KinesisRecord[]>();
    for (const shard of ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']) {
      const out: KinesisRecord[] = [];
      let it = (await K.GetShardIterator(ctx, { StreamName: stream, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }, caller)).ShardIterator;
      for (;;) {
        const r = await K.GetRecords(ctx, { ShardIterator: it!, Limit: 10000 }, caller);
        out.push(...(r.Records ?? []));
        it = r.NextShardIterator;
        if ((r.Records ?? []).length === 0) break;
      }
      byShard.set(shard, out);
    }
    const present = new Set([...byShard.values()].flat().map((r) => r.SequenceNumber));
    const all = [...acked.values()].flat();
    const missing = all.filter((a) => !present.has(a.seq));
    expect(missing).toEqual([]);
    for (const [key, list] of acked) {
      const records = byShard.get(list[0].shard)!.filter((r) => r.PartitionKey === key).map((r) => Number(Buffer.from(r.Data!).toString().split(':')[1]));
      // At least once: a failed put that had landed comes again, but no counter after a higher one.
      records.forEach((c, i) => expect(c >= Math.max(-1, ...records.slice(0, i)), `${key}: ${records.join(',')}`).toBe(true));
      expect([...new Set(records)]).toEqual(list.map((a) => a.counter));
    }
    for (const code of errors.keys()) expect(code).toMatch(/^(InternalFailure|InternalFailureException \(500\)|ServiceUnavailable)/);
    // The live reader saw shard 0 in order too, without a gap.
    const live = read0.map((r) => r.SequenceNumber!);
    expect(live).toEqual(byShard.get(shard0)!.slice(0, live.length).map((r) => r.SequenceNumber));

    // And so did the subscription, across its errors and resubscriptions.
    const pushed = pushed0.map((r) => r.SequenceNumber!);
    expect(pushed).toEqual(byShard.get(shard0)!.slice(0, pushed.length).map((r) => r.SequenceNumber));
    expect(pushed.length).toBeGreaterThan(0);

    const afterKill = shard0AckTimes.filter((t) => t >= killedAt);
    const gap = afterKill.length > 0 ? afterKill[0] - killedAt : Infinity;
    expect(afterKill.length).toBeGreaterThan(0);
    console.log(
      `Kafka leader ${leader} of shard 0 killed: ${all.length} records acknowledged in ${putCalls} PutRecords, all read back; ` +
        `errors ${JSON.stringify(Object.fromEntries(errors))} (${[...appendErrors].join(' | ')}); shard 0 writable again ${gap} ms after the kill; slowest PutRecords ${slowestPutMs} ms; ` +
        `live GetRecords reader: ${live.length} records, ${readErrors} errors; SubscribeToShard: ${pushed.length} records, ${resubscribes} resubscriptions`,
    );
  }, 120_000);
});
