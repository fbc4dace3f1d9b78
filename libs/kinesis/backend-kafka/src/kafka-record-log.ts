import { ConfigResourceTypes, ConfigSource, Kafka, logLevel as KafkaLogLevel, type Admin, type LogEntry } from 'kafkajs';
import { forRecentKeys, type AppendEntry, type ReadOptions, type ReadResult, type RecordLog, type StoredRecord } from '@wharf/kinesis-engine';
import { createCluster, type KafkaBroker, type KafkaCluster } from './kafka-internals';
import { partitionKey, ShardProducer, type ProducedRecord } from './kafka-producer';

export interface KafkaRecordLogOptions {
  brokers: string[];
  clientId?: string;
  /** Replication factor of new topics; unset: min(3, brokers in the cluster's metadata). */
  replicationFactor?: number;
  /** `min.insync.replicas` of new topics; unset: 2 when the replication factor is 3 or more, else 1. */
  minInsyncReplicas?: number;
  /** Largest record batch a topic accepts (records up to 10 MiB, many per PutRecords). */
  maxMessageBytes?: number;
  /** Most bytes one coalesced produce request carries. */
  maxProduceBytes?: number;
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: object) => void;
}

interface PendingAppend {
  topic: string;
  entries: AppendEntry[];
  bytes: number;
  resolve(offsets: number[]): void;
  reject(error: unknown): void;
}

const LATEST = -1;
const EARLIEST = -2;

/**
 * Kinesis records in Kafka: a topic per stream, a partition per shard, the partition key as the record key,
 * the arrival time as the record timestamp.
 *
 * Writes: one idempotent producer (@platformatic/kafka, see ShardProducer), acks=all, with concurrent appends
 * coalesced into one send while the previous one is in flight (natural batching, and one send at a time keeps
 * each shard's order through retries). Three sends in flight were measured no faster (bench/kinesis, put over
 * HTTP/1.1, 7 rounds against one: 1.01×): the calls that queue meanwhile go out together, and the row is CPU-bound.
 * Reads: a Fetch straight to the partition leader at an offset on kafkajs's Cluster (no consumer group, no
 * join, nothing cached per reader), and ListOffsets for watermarks and timestamps; topics through kafkajs's admin.
 *
 * Over 300 lines on purpose: one RecordLog whose produce queue, read path and known-topics cache (pruned
 * together when a topic is deleted) share that state.
 */
export class KafkaRecordLog implements RecordLog {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly readCluster: KafkaCluster;
  private readonly producer: ShardProducer;
  private brokersSeen = 0;
  private readonly queue: PendingAppend[] = [];
  private flushing = false;
  private readonly knownTopics = new Set<string>();

  constructor(private readonly options: KafkaRecordLogOptions) {
    const log = options.log;
    this.kafka = new Kafka({
      brokers: options.brokers,
      clientId: options.clientId ?? 'wharf-kinesis',
      logLevel: KafkaLogLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        const { message, ...extra } = entry.log;
        // Out-of-range fetches and coordinator warm-up are expected and handled here.
        // (and retries are bounded on purpose: a put must fail rather than hang when Kafka is away).
        if (/^\[Connection\] Response|^Limiting retries for the idempotent producer/.test(message) || entry.level > KafkaLogLevel.WARN) return;
        log?.(entry.level <= KafkaLogLevel.ERROR ? 'error' : 'warn', `kafkajs: ${message}`, extra);
      },
    });
    this.admin = this.kafka.admin();
    this.readCluster = createCluster(this.kafka, {});
    this.producer = new ShardProducer({ brokers: options.brokers, clientId: options.clientId ?? 'wharf-kinesis', retries: 15 });
  }

  async connect(): Promise<void> {
    await Promise.all([this.admin.connect(), this.readCluster.connect()]);
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.producer.close(), this.admin.disconnect(), this.readCluster.disconnect()]);
  }

  /** Health: the broker answers a metadata request. */
  async ping(): Promise<{ brokers: number }> {
    const cluster = await this.admin.describeCluster();
    return { brokers: cluster.brokers.length };
  }

  /**
   * Replication of new topics: as configured, else as many replicas as the cluster allows up to 3, and
   * acks=all then waits for 2 of 3 (one broker may die without a put failing or an acknowledged record lost).
   */
  async topicReplication(): Promise<{ replicationFactor: number; minInsyncReplicas: number }> {
    // The most brokers ever seen, not those alive now: a stream created while one is down is not weaker.
    if (this.options.replicationFactor === undefined) this.brokersSeen = Math.max(this.brokersSeen, (await this.ping()).brokers);
    const replicationFactor = this.options.replicationFactor ?? Math.min(3, Math.max(1, this.brokersSeen));
    return { replicationFactor, minInsyncReplicas: this.options.minInsyncReplicas ?? (replicationFactor >= 3 ? 2 : 1) };
  }

  async createTopic(topic: string, partitions: number, retentionMs: number): Promise<void> {
    const { replicationFactor, minInsyncReplicas } = await this.topicReplication();
    await this.admin.createTopics({
      // Not kafkajs's own wait: right after CreateTopics a KRaft broker may answer the topic's metadata with
      // UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does not retry (only LEADER_NOT_AVAILABLE); see waitForLeaders.
      waitForLeaders: false,
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor,
          configEntries: [
            { name: 'min.insync.replicas', value: String(minInsyncReplicas) },
            { name: 'retention.ms', value: String(retentionMs) },
            { name: 'retention.bytes', value: '-1' },
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'max.message.bytes', value: String(this.options.maxMessageBytes ?? 32 * 1024 * 1024) },
            { name: 'message.timestamp.type', value: 'CreateTime' },
            { name: 'message.timestamp.after.max.ms', value: String(Number.MAX_SAFE_INTEGER) },
            { name: 'message.timestamp.before.max.ms', value: String(Number.MAX_SAFE_INTEGER) },
          ],
        },
      ],
    });
    // Only a topic the broker already lists joins the clients' metadata: every refresh asks for all of them,
    // so one still being created by a parallel CreateStream would fail the others' refreshes.
    await this.waitForLeaders(topic, partitions);
    await this.withPrune(() => this.refresh(topic));
  }

  /**
   * Waits until the broker's metadata lists `topic` with `total` partitions, each with a leader. Right after
   * CreateTopics/CreatePartitions it may answer UNKNOWN_TOPIC_OR_PARTITION or LEADER_NOT_AVAILABLE a while.
   */
  private async waitForLeaders(topic: string, total: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
        const parts = meta.topics[0]?.partitions ?? [];
        if (parts.length >= total && parts.every((p) => p.leader >= 0)) return;
      } catch (error) {
        const type = (error as { type?: string }).type;
        if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
      }
      if (attempt >= 100) throw new Error(`Kafka topic ${topic} has no leader for all ${total} partitions after 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async deleteTopic(topic: string): Promise<void> {
    this.forgetTopic(topic);
    try {
      await this.admin.deleteTopics({ topics: [topic] });
    } catch (error) {
      if (!isUnknownTopic(error)) throw error;
    }
  }

  private forgetTopic(topic: string): void {
    this.knownTopics.delete(topic);
    this.readCluster.targetTopics.delete(topic);
    this.producer.forget(topic);
  }

  /**
   * kafkajs asks for the metadata of every topic it ever used, and one deleted topic (by another process,
   * say) fails the whole request: drop the topics that no longer exist, then the caller retries.
   */
  private async pruneDeletedTopics(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    for (const topic of [...this.readCluster.targetTopics]) if (!existing.has(topic)) this.forgetTopic(topic);
  }

  /** Runs `fn`; on "unknown topic" prunes deleted topics from the metadata and tries once more. */
  private async withPrune<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!isUnknownTopic(error)) throw error;
      await this.pruneDeletedTopics();
      return fn();
    }
  }

  async ensurePartitions(topic: string, total: number): Promise<void> {
    const current = await this.partitionCount(topic);
    if (current < total) {
      try {
        await this.admin.createPartitions({ topicPartitions: [{ topic, count: total }] });
      } catch (error) {
        // Another process grew it meanwhile.
        if ((await this.partitionCount(topic)) < total) throw error;
      }
    }
    // Wait until the new partitions have leaders, then make the reads see them (the producer asks when it needs them).
    await this.waitForLeaders(topic, total);
    await this.withPrune(() => this.refresh(topic, true));
  }

  /**
   * AlterConfigs (kafkajs has no incremental form) replaces every setting of the topic with those it is given:
   * sent with `retention.ms` alone it put min.insync.replicas, max.message.bytes and the timestamp settings
   * back to the broker's defaults. So the topic's own settings are read and sent back with the new retention;
   * then it waits until the broker reports it (the change reaches brokers' metadata a moment later).
   */
  async setRetention(topic: string, retentionMs: number): Promise<void> {
    const own = (await this.topicConfigs(topic)).filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && e.configName !== 'retention.ms');
    await this.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [...own.map((e) => ({ name: e.configName, value: e.configValue })), { name: 'retention.ms', value: String(retentionMs) }],
        },
      ],
    });
    for (let attempt = 0; attempt < 50; attempt++) {
      if ((await this.topicConfigs(topic)).find((e) => e.configName === 'retention.ms')?.configValue === String(retentionMs)) return;
      await sleep(100);
    }
  }

  private async topicConfigs(topic: string) {
    const described = await this.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    return described.resources[0]?.configEntries ?? [];
  }

  // --- writes -------------------------------------------------------------------------------------------

  append(topic: string, entries: AppendEntry[]): Promise<number[]> {
    const bytes = entries.reduce((n, e) => n + e.data.length + e.partitionKey.length + 64, 0);
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, entries, bytes, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const limit = this.options.maxProduceBytes ?? 8 * 1024 * 1024;
        const batch: PendingAppend[] = [];
        let size = 0;
        while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0].bytes <= limit)) {
          const next = this.queue.shift() as PendingAppend;
          batch.push(next);
          size += next.bytes;
        }
        try {
          const offsets = await this.produce(batch);
          batch.forEach((p, i) => p.resolve(offsets[i]));
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** One send for several appends; offsets come back per append, in entry order. */
  private async produce(batch: PendingAppend[]): Promise<number[][]> {
    const records: ProducedRecord[] = [];
    // A put's records share one arrival time: one BigInt for them, not one a record.
    let time = NaN;
    let timestamp = 0n;
    for (const p of batch) {
      for (const e of p.entries) {
        if (e.timestamp !== time) timestamp = BigInt((time = e.timestamp));
        records.push({
          topic: p.topic,
          partition: e.partition,
          key: keyBytes(e.partitionKey),
          value: Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength),
          timestamp,
        });
      }
    }
    const acknowledged = await this.producer.send(records);
    // The next offset of each partition written, per topic: looked up once a partition, not once a record.
    const next = new Map<string, Map<number, number>>();
    return batch.map((p) => {
      let ofTopic = next.get(p.topic);
      if (!ofTopic) next.set(p.topic, (ofTopic = new Map()));
      return p.entries.map((e) => {
        const offset = ofTopic.get(e.partition) ?? acknowledged.get(partitionKey(p.topic, e.partition));
        if (offset === undefined) throw new Error(`Kafka did not acknowledge ${p.topic}/${e.partition}`);
        ofTopic.set(e.partition, offset + 1);
        return offset;
      });
    });
  }

  // --- reads --------------------------------------------------------------------------------------------

  read(topic: string, partition: number, offset: number, options: ReadOptions): Promise<ReadResult> {
    return this.withPrune(() => this.followLeader(() => this.readOnce(topic, partition, offset, options)));
  }

  /**
   * Runs a read on a partition's leader again while leadership moves: a dead broker's connection fails, and
   * until the controller fences it (broker.session.timeout.ms, 9 s by default) and elects another leader, the
   * brokers answer NOT_LEADER/LEADER_NOT_AVAILABLE; a new leader may answer OFFSET_NOT_AVAILABLE until its
   * high watermark catches up. The read cluster's metadata is refreshed between attempts (kafkajs would keep
   * the stale leader for metadataMaxAge, 5 minutes). After `LEADER_MOVE_MS` the error goes to the caller.
   */
  private async followLeader<T>(fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!isLeaderMove(error) || Date.now() - started > LEADER_MOVE_MS) throw error;
        await sleep(Math.min(100 * 2 ** attempt, 1000));
        await this.readCluster.refreshMetadata().catch(() => undefined);
      }
    }
  }

  private async readOnce(topic: string, partition: number, offset: number, options: ReadOptions): Promise<ReadResult> {
    const broker = await this.leader(topic, partition);
    let from = offset;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await broker.fetch({
          replicaId: -1,
          isolationLevel: 1,
          maxWaitTime: options.maxWaitMs,
          minBytes: options.maxWaitMs > 0 ? 1 : 0,
          maxBytes: options.maxBytes,
          topics: [{ topic, partitions: [{ partition, fetchOffset: String(from), maxBytes: options.maxBytes }] }],
        });
        const p = response.responses[0].partitions[0];
        const records: StoredRecord[] = [];
        for (const m of p.messages) {
          const o = Number(m.offset);
          if (o < from) continue; // a batch can start before the requested offset
          records.push({
            offset: o,
            timestamp: Number(m.timestamp),
            partitionKey: m.key ? m.key.toString('utf8') : '',
            data: m.value ?? Buffer.alloc(0),
          });
          if (records.length >= options.maxRecords) break;
        }
        return { records, highWatermark: Number(p.highWatermark), logStartOffset: Number(p.lastStartOffset) };
      } catch (error) {
        if ((error as { type?: string }).type !== 'OFFSET_OUT_OF_RANGE' || attempt > 2) throw error;
        const { low, high } = await this.watermarks(topic, partition);
        if (from < low) from = low; // trimmed by retention: start at the oldest record kept
        else return { records: [], highWatermark: high, logStartOffset: low }; // past the end
      }
    }
  }

  async watermarks(topic: string, partition: number): Promise<{ low: number; high: number }> {
    const [low, high] = await Promise.all([this.listOffset(topic, partition, EARLIEST), this.listOffset(topic, partition, LATEST)]);
    return { low, high };
  }

  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number> {
    const offset = await this.listOffset(topic, partition, timestamp);
    return offset >= 0 ? offset : this.listOffset(topic, partition, LATEST);
  }

  private listOffset(topic: string, partition: number, timestamp: number): Promise<number> {
    return this.withPrune(() => this.followLeader(() => this.listOffsetOnce(topic, partition, timestamp)));
  }

  private async listOffsetOnce(topic: string, partition: number, timestamp: number): Promise<number> {
    const broker = await this.leader(topic, partition);
    const response = await broker.listOffsets({ replicaId: -1, isolationLevel: 1, topics: [{ topic, partitions: [{ partition, timestamp }] }] });
    return Number(response.responses[0].partitions[0].offset);
  }

  // --- metadata -----------------------------------------------------------------------------------------

  private async partitionCount(topic: string): Promise<number> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0]?.partitions.length ?? 0;
  }

  private async refresh(topic: string, force = false): Promise<void> {
    await this.readCluster.addTargetTopic(topic);
    if (force) await this.readCluster.refreshMetadata();
    this.knownTopics.add(topic);
  }

  /** Makes sure the read cluster knows `topic` with at least `partitions` partitions (another process may have grown it). */
  private async ensureKnown(topic: string, partitions: number): Promise<void> {
    if (!this.knownTopics.has(topic)) await this.refresh(topic);
    for (let i = 0; this.readCluster.findTopicPartitionMetadata(topic).length < partitions; i++) {
      if (i >= 20) throw new Error(`topic ${topic} has fewer than ${partitions} partitions`);
      await this.readCluster.refreshMetadata();
      if (this.readCluster.findTopicPartitionMetadata(topic).length < partitions) await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async leader(topic: string, partition: number): Promise<KafkaBroker> {
    await this.ensureKnown(topic, partition + 1);
    const leaders = this.readCluster.findLeaderForPartitions(topic, [partition]);
    const nodeId = Object.keys(leaders)[0];
    return this.readCluster.findBroker({ nodeId });
  }
}

/** How long a read follows a moving partition leader before its error reaches the caller (a retryable 500). */
const LEADER_MOVE_MS = 15_000;
const LEADER_MOVE_TYPES = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'REPLICA_NOT_AVAILABLE',
]);
const CONNECTION_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound']);

function isLeaderMove(error: unknown): boolean {
  const e = error as { type?: string; name?: string };
  return LEADER_MOVE_TYPES.has(e.type ?? '') || CONNECTION_ERRORS.has(e.name ?? '');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The topic is not there: the error itself, or the cause of kafkajs's "retries exceeded" (it retries this one). */
function isUnknownTopic(error: unknown): boolean {
  for (let e = error as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
  }
  return false;
}

/** A partition key's UTF-8 bytes, kept for recent keys as their hashes are: the Kafka client only reads a key. */
const keyBytes = forRecentKeys((partitionKey) => Buffer.from(partitionKey, 'utf8'));
