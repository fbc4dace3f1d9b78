import type { StreamMeta } from '../model';
import type {
  AccountSettings,
  AppendEntry,
  MetadataStore,
  PutAdmission,
  PutAdmissionEntry,
  ReadOptions,
  ReadResult,
  RecordLog,
  ShardLimits,
  StoredRecord,
  StreamKey,
  ThroughputGate,
} from '../ports';

/**
 * In-memory ports for the engine: one process, nothing durable. Unit tests drive the engine with them (and an
 * injected clock); they follow the same contracts as the Kafka log and the Redis store.
 */
export class MemoryRecordLog implements RecordLog {
  readonly topics = new Map<string, { partitions: StoredRecord[][]; start: number[]; retentionMs: number }>();

  async createTopic(topic: string, partitions: number, retentionMs: number): Promise<void> {
    if (this.topics.has(topic)) throw new Error(`topic ${topic} exists`);
    this.topics.set(topic, { partitions: Array.from({ length: partitions }, () => []), start: Array(partitions).fill(0), retentionMs });
  }

  async deleteTopic(topic: string): Promise<void> {
    this.topics.delete(topic);
  }

  async ensurePartitions(topic: string, total: number): Promise<void> {
    const t = this.topic(topic);
    while (t.partitions.length < total) {
      t.partitions.push([]);
      t.start.push(0);
    }
  }

  async setRetention(topic: string, retentionMs: number): Promise<void> {
    this.topic(topic).retentionMs = retentionMs;
  }

  async append(topic: string, entries: AppendEntry[]): Promise<number[]> {
    const t = this.topic(topic);
    return entries.map((e) => {
      const log = t.partitions[e.partition];
      if (!log) throw new Error(`no partition ${e.partition}`);
      const offset = t.start[e.partition] + log.length;
      log.push({ offset, timestamp: e.timestamp, partitionKey: e.partitionKey, data: e.data });
      return offset;
    });
  }

  async read(topic: string, partition: number, offset: number, options: ReadOptions): Promise<ReadResult> {
    const t = this.topic(topic);
    const log = t.partitions[partition];
    const start = t.start[partition];
    const from = Math.max(offset, start);
    const records: StoredRecord[] = [];
    let bytes = 0;
    for (let i = from - start; i < log.length && records.length < options.maxRecords; i++) {
      if (records.length > 0 && bytes + log[i].data.length > options.maxBytes) break;
      records.push(log[i]);
      bytes += log[i].data.length;
    }
    return { records, highWatermark: start + log.length, logStartOffset: start };
  }

  async watermarks(topic: string, partition: number): Promise<{ low: number; high: number }> {
    const t = this.topic(topic);
    return { low: t.start[partition], high: t.start[partition] + t.partitions[partition].length };
  }

  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number> {
    const t = this.topic(topic);
    const hit = t.partitions[partition].find((r) => r.timestamp >= timestamp);
    return hit ? hit.offset : t.start[partition] + t.partitions[partition].length;
  }

  /** Drops records older than `before` (what Kafka's retention does). */
  trim(topic: string, partition: number, before: number): void {
    const t = this.topic(topic);
    const log = t.partitions[partition];
    let n = 0;
    while (n < log.length && log[n].timestamp < before) n++;
    log.splice(0, n);
    t.start[partition] += n;
  }

  private topic(topic: string) {
    const t = this.topics.get(topic);
    if (!t) throw Object.assign(new Error(`unknown topic ${topic}`), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    return t;
  }
}

const keyString = (k: StreamKey) => `${k.account}/${k.region}/${k.name}`;

export class MemoryMetadata implements MetadataStore, ThroughputGate {
  private readonly docs = new Map<string, string>();
  private readonly counters = new Map<string, { r: number; b: number; c: number }>();
  private readonly settings = new Map<string, AccountSettings>();
  private readonly subs = new Map<string, { token: string; until: number }>();
  private readonly owners = new Map<string, string>();
  private readonly leases = new Map<string, { owner: string; until: number }>();

  constructor(private readonly now: () => number) {}

  async get(key: StreamKey): Promise<StreamMeta | undefined> {
    const raw = this.docs.get(keyString(key));
    return raw ? (JSON.parse(raw) as StreamMeta) : undefined;
  }

  async version(key: StreamKey): Promise<number | undefined> {
    return (await this.get(key))?.version;
  }

  async create(meta: StreamMeta): Promise<boolean> {
    if (this.docs.has(keyString(meta))) return false;
    this.docs.set(keyString(meta), JSON.stringify(meta));
    return true;
  }

  async update<T>(key: StreamKey, mutate: (meta: StreamMeta) => T, notFound: () => Error): Promise<{ result: T; meta: StreamMeta }> {
    const meta = await this.get(key);
    if (!meta) throw notFound();
    const result = mutate(meta);
    meta.version++;
    this.docs.set(keyString(key), JSON.stringify(meta));
    return { result, meta };
  }

  async remove(key: StreamKey): Promise<void> {
    this.docs.delete(keyString(key));
  }

  async list(account: string, region: string): Promise<string[]> {
    return [...this.docs.keys()].filter((k) => k.startsWith(`${account}/${region}/`)).map((k) => k.split('/')[2]).sort();
  }

  async getMany(account: string, region: string, names: string[]): Promise<StreamMeta[]> {
    const out: StreamMeta[] = [];
    for (const name of names) {
      const m = await this.get({ account, region, name });
      if (m) out.push(m);
    }
    return out;
  }

  async watched(): Promise<StreamKey[]> {
    return [...this.docs.values()]
      .map((raw) => JSON.parse(raw) as StreamMeta)
      .filter((m) => m.pending || m.mode === 'ON_DEMAND')
      .map((m) => ({ account: m.account, region: m.region, name: m.name }));
  }

  async getAccountSettings(account: string, region: string): Promise<AccountSettings> {
    return structuredClone(this.settings.get(`${account}/${region}`) ?? {});
  }

  async putAccountSettings(account: string, region: string, settings: AccountSettings): Promise<void> {
    this.settings.set(`${account}/${region}`, structuredClone(settings));
  }

  private counter(k: string) {
    let c = this.counters.get(k);
    if (!c) this.counters.set(k, (c = { r: 0, b: 0, c: 0 }));
    return c;
  }

  async admitPut(key: StreamKey, version: number, entries: PutAdmissionEntry[], now: number, limits?: ShardLimits): Promise<PutAdmission> {
    const meta = await this.get(key);
    if (!meta) return { kind: 'missing' };
    if (meta.version !== version) return { kind: 'stale' };
    const sec = Math.floor(now / 1000);
    const accepted = entries.map((e) => {
      const c = this.counter(`w/${keyString(key)}/${e.shard}/${sec}`);
      if (limits && c.r > 0 && (c.r + 1 > limits.writeRecordsPerSecond || c.b + e.bytes > limits.writeBytesPerSecond)) return false;
      c.r++;
      c.b += e.bytes;
      return true;
    });
    return { kind: 'admitted', accepted };
  }

  async admitGet(key: StreamKey, shard: number, now: number, limits: ShardLimits): Promise<boolean> {
    const sec = Math.floor(now / 1000);
    const c = this.counter(`r/${keyString(key)}/${shard}/${sec}`);
    c.c++;
    if (c.c > limits.readCallsPerSecond) return false;
    let total = 0;
    for (let s = sec - 4; s <= sec; s++) total += this.counters.get(`r/${keyString(key)}/${shard}/${s}`)?.b ?? 0;
    return total <= 5 * limits.readBytesPerSecond;
  }

  async recordGetBytes(key: StreamKey, shard: number, bytes: number, now: number): Promise<void> {
    this.counter(`r/${keyString(key)}/${shard}/${Math.floor(now / 1000)}`).b += bytes;
  }

  async writeTotals(key: StreamKey, shards: number[], now: number, seconds: number): Promise<Array<{ bytes: number; records: number }>> {
    const sec = Math.floor(now / 1000);
    return shards.map((shard) => {
      let bytes = 0;
      let records = 0;
      for (let s = sec - seconds; s < sec; s++) {
        const c = this.counters.get(`w/${keyString(key)}/${shard}/${s}`);
        bytes += c?.b ?? 0;
        records += c?.r ?? 0;
      }
      return { bytes, records };
    });
  }

  async claimSubscription(consumerArn: string, shard: number, token: string, windowMs: number): Promise<boolean> {
    const k = `${consumerArn}/${shard}`;
    const current = this.subs.get(k);
    if (current && current.until > this.now()) return false;
    this.subs.set(k, { token, until: this.now() + windowMs });
    this.owners.set(k, token);
    return true;
  }

  async subscriptionOwner(consumerArn: string, shard: number): Promise<string | undefined> {
    return this.owners.get(`${consumerArn}/${shard}`);
  }

  async tryLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const l = this.leases.get(name);
    if (l && l.owner !== owner && l.until > this.now()) return false;
    this.leases.set(name, { owner, until: this.now() + ttlMs });
    return true;
  }
}
