import type { StreamMeta } from './model';

/** Identifies a stream's metadata in the store. */
export interface StreamKey {
  account: string;
  region: string;
  name: string;
}

// ---------------------------------------------------------------------------------------------------------
// Records: the broker side (a Kafka topic per stream, a partition per shard).

export interface AppendEntry {
  partition: number;
  partitionKey: string;
  data: Uint8Array;
  /** Arrival time to store with the record, epoch ms. */
  timestamp: number;
}

export interface StoredRecord {
  offset: number;
  timestamp: number;
  partitionKey: string;
  data: Uint8Array;
}

export interface ReadOptions {
  maxRecords: number;
  maxBytes: number;
  /** How long the broker may wait for the first record (0 = answer at once). */
  maxWaitMs: number;
}

export interface ReadResult {
  /** Records from the requested offset on (or from the log start when that offset was already trimmed). */
  records: StoredRecord[];
  highWatermark: number;
  logStartOffset: number;
}

export interface RecordLog {
  createTopic(topic: string, partitions: number, retentionMs: number): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  /** Grows the topic to at least `total` partitions (no-op when it already has them). */
  ensurePartitions(topic: string, total: number): Promise<void>;
  setRetention(topic: string, retentionMs: number): Promise<void>;
  /** Appends durably (acknowledged by all in-sync replicas); returns each entry's offset, in entry order. */
  append(topic: string, entries: AppendEntry[]): Promise<number[]>;
  read(topic: string, partition: number, offset: number, options: ReadOptions): Promise<ReadResult>;
  /** low = first offset still stored, high = offset the next record will get. */
  watermarks(topic: string, partition: number): Promise<{ low: number; high: number }>;
  /** First offset whose timestamp is ≥ `timestamp`, else the high watermark. */
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number>;
}

// ---------------------------------------------------------------------------------------------------------
// Metadata: shared by every kinesis process.

export interface AccountSettings {
  minimumThroughputBillingCommitment?: { status: string; startedAt?: number; endedAt?: number; earliestAllowedEndAt?: number };
}

export interface MetadataStore {
  get(key: StreamKey): Promise<StreamMeta | undefined>;
  /** The stored document's version (undefined when the stream is gone): a cheap staleness check. */
  version(key: StreamKey): Promise<number | undefined>;
  /** Stores a new stream; false when the name is taken. */
  create(meta: StreamMeta): Promise<boolean>;
  /**
   * Atomic read-modify-write: `mutate` changes the document it is given (it may run more than once when
   * another process changed the stream meanwhile) and may throw to abort. The store bumps `version` on
   * every write. Returns its result and the stored document; throws `notFound()` when the stream is gone.
   */
  update<T>(key: StreamKey, mutate: (meta: StreamMeta) => T, notFound: () => Error): Promise<{ result: T; meta: StreamMeta }>;
  remove(key: StreamKey): Promise<void>;
  /** Stream names of an account and region, sorted. */
  list(account: string, region: string): Promise<string[]>;
  getMany(account: string, region: string, names: string[]): Promise<StreamMeta[]>;
  /** Streams (of every account) that have a reshard pending or run ON_DEMAND: the background tick looks at these. */
  watched(): Promise<StreamKey[]>;
  getAccountSettings(account: string, region: string): Promise<AccountSettings>;
  putAccountSettings(account: string, region: string, settings: AccountSettings): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Throughput: per-shard counters shared by every process (also the routing-version check of puts).

export interface PutAdmissionEntry {
  /** The shard the put's latest routing sent the record to. */
  shard: number;
  /** The Data's bytes and the partition key's UTF-8 bytes: what a record counts against every size limit. */
  bytes: number;
}

export type PutAdmission =
  | { kind: 'missing' }
  | { kind: 'stale' }
  | { kind: 'admitted'; accepted: boolean[] };

export interface ShardLimits {
  writeRecordsPerSecond: number;
  writeBytesPerSecond: number;
  readCallsPerSecond: number;
  readBytesPerSecond: number;
}

export interface ThroughputGate {
  /**
   * Checks the routing version the entries were routed with, then (when `limits` is given) admits each entry
   * in order while its shard stays within the per-second limits. Every admitted entry is counted.
   */
  admitPut(key: StreamKey, version: number, entries: PutAdmissionEntry[], now: number, limits?: ShardLimits): Promise<PutAdmission>;
  /** One GetRecords call on a shard: false when over 5 calls/s or when the shard's read bytes are used up. */
  admitGet(key: StreamKey, shard: number, now: number, limits: ShardLimits): Promise<boolean>;
  recordGetBytes(key: StreamKey, shard: number, bytes: number, now: number): Promise<void>;
  /** Bytes and records written to each shard during the `seconds` whole seconds before `now`. */
  writeTotals(key: StreamKey, shards: number[], now: number, seconds: number): Promise<Array<{ bytes: number; records: number }>>;
  /** Starts a subscription of consumer × shard: false when another one started less than `windowMs` ago. */
  claimSubscription(consumerArn: string, shard: number, token: string, windowMs: number): Promise<boolean>;
  /** The token of the newest subscription of consumer × shard (a superseded one ends itself). */
  subscriptionOwner(consumerArn: string, shard: number): Promise<string | undefined>;
  /** A short lease for background work (so one process at a time runs it). */
  tryLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
}
