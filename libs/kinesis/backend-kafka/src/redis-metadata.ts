import { join } from 'node:path';
import type Redis from 'ioredis';
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

type Script = 'cas_stream' | 'admit_put' | 'admit_get' | 'lease';

/** The scripts of ../lua (each one atomic step; keys are passed in, so the scripts know no naming rules), by their KEYS count. */
const scripts = new LuaScriptSet<Script>({
  dir: join(__dirname, '..', 'lua'),
  prefix: 'wharf_kinesis_',
  scripts: { cas_stream: 4, admit_put: 1, admit_get: 0, lease: 1 },
});

/**
 * Stream metadata and the per-shard counters in Redis, shared by every kinesis process:
 *   <p>:<account>:<region>:stream:<name>     the stream document (JSON)
 *   <p>:<account>:<region>:stream:<name>:v   its version (every change bumps it; puts check it)
 *   <p>:<account>:<region>:streams           names (sorted set, for ListStreams)
 *   <p>:watched                              streams the background tick looks at (reshard pending, ON_DEMAND)
 *   <p>:<account>:<region>:account           account settings
 *   <p>:w:<stream arn>:<shard>:<second>      records/bytes written (30 s)
 *   <p>:r:<stream arn>:<shard>:<second>      GetRecords calls/bytes (10 s)
 *   <p>:sub:<consumer arn>:<shard>           the 5-second window of a new subscription; :owner its token
 */
export class RedisKinesisMetadata implements MetadataStore, ThroughputGate {
  private readonly run: LuaRunner<Script>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'wharf:kinesis',
  ) {
    this.run = scripts.define(redis);
  }

  private base(account: string, region: string): string {
    return `${this.prefix}:${account}:${region}`;
  }

  private docKey(k: StreamKey): string {
    return `${this.base(k.account, k.region)}:stream:${k.name}`;
  }

  private watchedMember(k: StreamKey): string {
    return JSON.stringify([k.account, k.region, k.name]);
  }

  private casKeys(k: StreamKey): string[] {
    const doc = this.docKey(k);
    return [doc, `${doc}:v`, `${this.base(k.account, k.region)}:streams`, `${this.prefix}:watched`];
  }

  private watchFlag(meta: StreamMeta): string {
    return meta.pending || meta.mode === 'ON_DEMAND' ? '1' : '0';
  }

  // --- MetadataStore ------------------------------------------------------------------------------------

  async get(key: StreamKey): Promise<StreamMeta | undefined> {
    const raw = await this.redis.get(this.docKey(key));
    return raw ? (JSON.parse(raw) as StreamMeta) : undefined;
  }

  async version(key: StreamKey): Promise<number | undefined> {
    const v = await this.redis.get(`${this.docKey(key)}:v`);
    return v === null ? undefined : Number(v);
  }

  async create(meta: StreamMeta): Promise<boolean> {
    const ok = await this.run('cas_stream', this.casKeys(meta), ['', JSON.stringify(meta), meta.version, meta.name, this.watchFlag(meta), this.watchedMember(meta)]);
    return ok === 1;
  }

  async update<T>(key: StreamKey, mutate: (meta: StreamMeta) => T, notFound: () => Error): Promise<{ result: T; meta: StreamMeta }> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const meta = await this.get(key);
      if (!meta) throw notFound();
      const expected = meta.version;
      const result = mutate(meta);
      meta.version = expected + 1;
      const ok = await this.run('cas_stream', this.casKeys(key), [
        expected,
        JSON.stringify(meta),
        meta.version,
        key.name,
        this.watchFlag(meta),
        this.watchedMember(key),
      ]);
      if (ok === 1) return { result, meta };
      await new Promise((r) => setTimeout(r, Math.random() * 5 * Math.min(attempt + 1, 10)));
    }
    throw new Error(`stream ${key.name}: too much contention updating its metadata`);
  }

  async remove(key: StreamKey): Promise<void> {
    const [doc, version, names, watched] = this.casKeys(key);
    await this.redis.multi().del(doc, version).zrem(names, key.name).srem(watched, this.watchedMember(key)).exec();
  }

  async list(account: string, region: string): Promise<string[]> {
    return this.redis.zrange(`${this.base(account, region)}:streams`, 0, -1);
  }

  async getMany(account: string, region: string, names: string[]): Promise<StreamMeta[]> {
    if (names.length === 0) return [];
    const raws = await this.redis.mget(names.map((name) => this.docKey({ account, region, name })));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as StreamMeta);
  }

  async watched(): Promise<StreamKey[]> {
    const members = await this.redis.smembers(`${this.prefix}:watched`);
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
    await this.redis.set(`${this.base(account, region)}:account`, JSON.stringify(settings));
  }

  // --- ThroughputGate -----------------------------------------------------------------------------------

  private counterPrefix(kind: 'w' | 'r', k: StreamKey): string {
    return `${this.prefix}:${kind}:${k.account}:${k.region}:${k.name}:`;
  }

  async admitPut(key: StreamKey, version: number, entries: PutAdmissionEntry[], now: number, limits?: ShardLimits): Promise<PutAdmission> {
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
    const out = (await this.run('admit_put', [`${this.docKey(key)}:v`], args)) as number[];
    if (out[0] === -1) return { kind: 'missing' };
    if (out[0] === -2) return { kind: 'stale' };
    return { kind: 'admitted', accepted: out.map((x) => x === 1) };
  }

  async admitGet(key: StreamKey, shard: number, now: number, limits: ShardLimits): Promise<boolean> {
    const ok = await this.run('admit_get', [], [`${this.counterPrefix('r', key)}${shard}:`, Math.floor(now / 1000), limits.readCallsPerSecond, limits.readBytesPerSecond]);
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
