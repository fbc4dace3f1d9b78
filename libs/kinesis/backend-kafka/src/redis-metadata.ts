import { join } from 'node:path';
import { durableWrite, scanStandalone, type RedisClient } from '@wharf/redis-lua';
import type {
  AccountSettings,
  MetadataStore,
  PutAdmission,
  PutAdmissionEntry,
  ShardLimits,
  StreamKey,
  StreamMeta,
  ThroughputGate,
} from '@wharf/kinesis-engine';
import { LuaScriptSet, type LuaRunner } from '@wharf/redis-lua';

type Script = 'cas_stream' | 'admit_put' | 'count_put' | 'admit_get' | 'lease';

/** The scripts of ../lua (each one atomic step; keys are passed in, so the scripts know no naming rules), by their KEYS count. */
const scripts = new LuaScriptSet<Script>({
  dir: join(__dirname, '..', 'lua'),
  prefix: 'wharf_kinesis_',
  scripts: { cas_stream: 2, admit_put: 1, count_put: 1, admit_get: 1, lease: 1 },
  // throughput counters: a failover that loses a second of them only lets a little more through
  noReplicaWait: ['admit_put', 'count_put', 'admit_get'],
});

/**
 * Stream metadata and the per-shard counters in Redis (standalone or Cluster), shared by every kinesis
 * process. A stream's keys share one hash slot (tag `{<account>:<region>:<name>}`, written S below), so its
 * scripts run on one node; the lists of streams share another (`{kinesis-meta}`), written after the stream
 * on create and change and before it on delete (a crash in between leaves a stream not yet listed, which
 * the next change or DeleteStream settles, never a listed stream that is not there):
 *   <p>:S:stream                             the stream document (JSON)
 *   <p>:S:v                                  its version (every change bumps it; puts check it)
 *   <p>:S:w:<shard>:<second>                 records/bytes written (30 s)
 *   <p>:S:r:<shard>:<second>                 GetRecords calls/bytes (10 s)
 *   <p>:{kinesis-meta}:<account>:<region>:streams   names (sorted set, for ListStreams)
 *   <p>:{kinesis-meta}:watched               streams the background tick looks at (reshard pending, ON_DEMAND)
 *   <p>:<account>:<region>:account           account settings
 *   <p>:sub:<consumer arn>:<shard>           the 5-second window of a new subscription; :owner its token
 */
export class RedisKinesisMetadata implements MetadataStore, ThroughputGate {
  private readonly run: LuaRunner<Script>;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'wharf:kinesis',
  ) {
    this.run = scripts.define(redis);
  }

  private base(account: string, region: string): string {
    return `${this.prefix}:${account}:${region}`;
  }

  /** `<p>:{<account>:<region>:<name>}:` — every key of one stream, on one slot. */
  private streamBase(k: StreamKey): string {
    return `${this.prefix}:{${k.account}:${k.region}:${k.name}}:`;
  }

  private docKey(k: StreamKey): string {
    return `${this.streamBase(k)}stream`;
  }

  private versionKey(k: StreamKey): string {
    return `${this.streamBase(k)}v`;
  }

  private namesKey(account: string, region: string): string {
    return `${this.prefix}:{kinesis-meta}:${account}:${region}:streams`;
  }

  private watchedKey(): string {
    return `${this.prefix}:{kinesis-meta}:watched`;
  }

  private watchedMember(k: StreamKey): string {
    return JSON.stringify([k.account, k.region, k.name]);
  }

  private casKeys(k: StreamKey): string[] {
    return [this.docKey(k), this.versionKey(k)];
  }

  /** The lists' step of a create or change: listed by name, watched or not (idempotent). */
  private async listStream(k: StreamKey, watch: string): Promise<void> {
    await durableWrite(this.redis, this.watchedKey(), (p) => {
      p.zadd(this.namesKey(k.account, k.region), 0, k.name);
      if (watch === '1') p.sadd(this.watchedKey(), this.watchedMember(k));
      else p.srem(this.watchedKey(), this.watchedMember(k));
    });
  }

  private watchFlag(meta: StreamMeta): string {
    return meta.pending || meta.mode === 'ON_DEMAND' ? '1' : '0';
  }

  private legacy?: Promise<void>;

  /**
   * Streams of the layout before Redis Cluster (`<p>:<account>:<region>:stream:<name>` and `:v`, the lists
   * `<p>:<account>:<region>:streams` and `<p>:watched`) moved to today's keys, once per process, on a
   * standalone Redis (a cluster never had them). Several processes may do it at once: each step is idempotent.
   */
  private migrateLegacy(): Promise<void> {
    this.legacy ??= (async () => {
      const p = this.prefix;
      for (const old of await scanStandalone(this.redis, `${p}:*:stream:*`)) {
        const m = /^(.*):([^:{}]+):([^:{}]+):stream:([^:{}]+)$/.exec(old);
        if (!m || m[1] !== p) continue;
        const key = { account: m[2], region: m[3], name: m[4] };
        // RENAMENX: a process that moved it first wins; the old key is gone either way
        await this.redis.renamenx(`${old}:v`, this.versionKey(key)).catch(() => 0);
        await this.redis.renamenx(old, this.docKey(key)).catch(() => 0);
        await this.redis.del(old, `${old}:v`);
      }
      for (const old of await scanStandalone(this.redis, `${p}:*:*:streams`)) {
        const m = /^(.*):([^:{}]+):([^:{}]+):streams$/.exec(old);
        if (!m || m[1] !== p) continue;
        const names = this.namesKey(m[2], m[3]);
        await this.redis.zunionstore(names, 2, names, old);
        await this.redis.del(old);
      }
      if (!(this.redis as { isCluster?: boolean }).isCluster && (await this.redis.exists(`${p}:watched`))) {
        await this.redis.sunionstore(this.watchedKey(), this.watchedKey(), `${p}:watched`);
        await this.redis.del(`${p}:watched`);
      }
    })().catch((err: unknown) => {
      this.legacy = undefined; // tried again by the next call
      throw err;
    });
    return this.legacy;
  }

  // --- MetadataStore ------------------------------------------------------------------------------------

  async get(key: StreamKey): Promise<StreamMeta | undefined> {
    await this.migrateLegacy();
    const raw = await this.redis.get(this.docKey(key));
    return raw ? (JSON.parse(raw) as StreamMeta) : undefined;
  }

  async version(key: StreamKey): Promise<number | undefined> {
    const v = await this.redis.get(this.versionKey(key));
    return v === null ? undefined : Number(v);
  }

  async create(meta: StreamMeta): Promise<boolean> {
    const ok = await this.run('cas_stream', this.casKeys(meta), ['', JSON.stringify(meta), meta.version]);
    if (ok === 1) await this.listStream(meta, this.watchFlag(meta));
    return ok === 1;
  }

  async update<T>(key: StreamKey, mutate: (meta: StreamMeta) => T, notFound: () => Error): Promise<{ result: T; meta: StreamMeta }> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const meta = await this.get(key);
      if (!meta) throw notFound();
      const expected = meta.version;
      const result = mutate(meta);
      meta.version = expected + 1;
      const ok = await this.run('cas_stream', this.casKeys(key), [expected, JSON.stringify(meta), meta.version]);
      if (ok === 1) {
        await this.listStream(key, this.watchFlag(meta));
        return { result, meta };
      }
      await new Promise((r) => setTimeout(r, Math.random() * 5 * Math.min(attempt + 1, 10)));
    }
    throw new Error(`stream ${key.name}: too much contention updating its metadata`);
  }

  async remove(key: StreamKey): Promise<void> {
    await durableWrite(this.redis, this.watchedKey(), (p) =>
      p.zrem(this.namesKey(key.account, key.region), key.name).srem(this.watchedKey(), this.watchedMember(key)),
    );
    await durableWrite(this.redis, this.docKey(key), (p) => p.del(this.docKey(key), this.versionKey(key)));
  }

  async list(account: string, region: string): Promise<string[]> {
    await this.migrateLegacy();
    return this.redis.zrange(this.namesKey(account, region), 0, -1);
  }

  async getMany(account: string, region: string, names: string[]): Promise<StreamMeta[]> {
    if (names.length === 0) return [];
    // one GET per stream (each on its own slot), sent together
    const raws = await Promise.all(names.map((name) => this.redis.get(this.docKey({ account, region, name }))));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as StreamMeta);
  }

  async watched(): Promise<StreamKey[]> {
    await this.migrateLegacy();
    const members = await this.redis.smembers(this.watchedKey());
    return members.map((m) => {
      const [account, region, name] = JSON.parse(m) as string[];
      return { account, region, name };
    });
  }

  async getAccountSettings(account: string, region: string): Promise<AccountSettings> {
    const raw = await this.redis.get(`${this.base(account, region)}:account`);
    return raw ? (JSON.parse(raw) as AccountSettings) : {};
  }

  async putAccountSettings(account: string, region: string, settings: AccountSettings): Promise<void> {
    const k = `${this.base(account, region)}:account`;
    await durableWrite(this.redis, k, (p) => p.set(k, JSON.stringify(settings)));
  }

  // --- ThroughputGate -----------------------------------------------------------------------------------

  private counterPrefix(kind: 'w' | 'r', k: StreamKey): string {
    return `${this.streamBase(k)}${kind}:`;
  }

  async admitPut(key: StreamKey, version: number, entries: PutAdmissionEntry[], now: number, limits?: ShardLimits): Promise<PutAdmission> {
    if (!limits) return this.countPut(key, version, entries, now);
    const args: (string | number)[] = [
      String(version),
      Math.floor(now / 1000),
      limits ? 1 : 0,
      limits?.writeRecordsPerSecond ?? 0,
      limits?.writeBytesPerSecond ?? 0,
      this.counterPrefix('w', key),
      entries.length,
    ];
    for (const e of entries) args.push(e.shard, e.bytes);
    const out = (await this.run('admit_put', [this.versionKey(key)], args)) as number[];
    if (out[0] === -1) return { kind: 'missing' };
    if (out[0] === -2) return { kind: 'stale' };
    return { kind: 'admitted', accepted: out.map((x) => x === 1) };
  }

  /**
   * Limits off: nothing can be refused, so the put's totals per shard (a few, not one pair per entry: 5 shards
   * instead of 1,000 arguments for 500 records) go to Redis.
   */
  private async countPut(key: StreamKey, version: number, entries: PutAdmissionEntry[], now: number): Promise<PutAdmission> {
    const totals = new Map<number, { records: number; bytes: number }>();
    for (const e of entries) {
      const t = totals.get(e.shard);
      if (t) {
        t.records++;
        t.bytes += e.bytes;
      } else totals.set(e.shard, { records: 1, bytes: e.bytes });
    }
    const args: (string | number)[] = [String(version), Math.floor(now / 1000), this.counterPrefix('w', key), totals.size];
    for (const [shard, t] of totals) args.push(shard, t.records, t.bytes);
    const out = (await this.run('count_put', [this.versionKey(key)], args)) as number;
    if (out === -1) return { kind: 'missing' };
    if (out === -2) return { kind: 'stale' };
    return { kind: 'admitted', accepted: entries.map(() => true) };
  }

  async admitGet(key: StreamKey, shard: number, now: number, limits: ShardLimits): Promise<boolean> {
    const ok = await this.run('admit_get', [this.versionKey(key)], [`${this.counterPrefix('r', key)}${shard}:`, Math.floor(now / 1000), limits.readCallsPerSecond, limits.readBytesPerSecond]);
    return ok === 1;
  }

  async recordGetBytes(key: StreamKey, shard: number, bytes: number, now: number): Promise<void> {
    const k = `${this.counterPrefix('r', key)}${shard}:${Math.floor(now / 1000)}`;
    await this.redis.multi().hincrby(k, 'b', bytes).expire(k, 10).exec();
  }

  async writeTotals(key: StreamKey, shards: number[], now: number, seconds: number): Promise<Array<{ bytes: number; records: number }>> {
    const sec = Math.floor(now / 1000);
    const pipeline = this.redis.pipeline();
    for (const shard of shards) for (let s = sec - seconds; s < sec; s++) pipeline.hmget(`${this.counterPrefix('w', key)}${shard}:${s}`, 'r', 'b');
    const results = (await pipeline.exec()) ?? [];
    return shards.map((_, i) => {
      let records = 0;
      let bytes = 0;
      for (let j = 0; j < seconds; j++) {
        const [r, b] = (results[i * seconds + j]?.[1] as (string | null)[]) ?? [];
        records += Number(r ?? 0);
        bytes += Number(b ?? 0);
      }
      return { records, bytes };
    });
  }

  async claimSubscription(consumerArn: string, shard: number, token: string, windowMs: number): Promise<boolean> {
    const k = `${this.prefix}:sub:${consumerArn}:${shard}`;
    const ok = await this.redis.set(k, token, 'PX', windowMs, 'NX');
    if (ok !== 'OK') return false;
    await this.redis.set(`${k}:owner`, token, 'PX', 15 * 60 * 1000);
    return true;
  }

  async subscriptionOwner(consumerArn: string, shard: number): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}:sub:${consumerArn}:${shard}:owner`)) ?? undefined;
  }

  async tryLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.run('lease', [`${this.prefix}:lease:${name}`], [owner, ttlMs])) === 1;
  }
}
