import { join } from 'node:path';
import { durableWrite, LuaScriptSet, type LuaRunner, type RedisClient } from '@wharf/redis-lua';
import type { DedupRecord, FifoStore } from '@wharf/sns-engine';
import { SnsKeys } from './keys';

/** The SNS FIFO script (lua/, found the same from src/ in tests and from dist/). */
const fifoScripts = new LuaScriptSet({ dir: join(__dirname, '..', 'lua'), prefix: 'wharf_sns_', scripts: { release_dedup: 1 } });

/**
 * FIFO dedup records (SET NX with expiry) and per-topic sequence counters (INCR) in Redis: one key per
 * command, so any cluster node may hold them; every write waits for the client's replicas.
 */
export class RedisFifoStore implements FifoStore {
  private readonly keys: SnsKeys;
  private readonly run: LuaRunner<'release_dedup'>;

  constructor(private readonly redis: RedisClient, prefix?: string) {
    this.keys = new SnsKeys(prefix);
    this.run = fifoScripts.define(redis);
  }

  async reserve(key: string, record: DedupRecord, ttlMs: number): Promise<DedupRecord | undefined> {
    // NX + GET: stores when free and answers nil, else answers what is there (Redis ≥ 7.0).
    const k = this.keys.dedup(key);
    const [previous] = (await durableWrite(this.redis, k, (p) => p.set(k, JSON.stringify(record), 'PX', ttlMs, 'NX', 'GET'))) as (string | null)[];
    return previous ? (JSON.parse(previous) as DedupRecord) : undefined;
  }

  async commit(key: string, record: DedupRecord, ttlMs: number) {
    const k = this.keys.dedup(key);
    await durableWrite(this.redis, k, (p) => p.set(k, JSON.stringify(record), 'PX', ttlMs));
  }

  async release(key: string, owner: string) {
    await this.run('release_dedup', [this.keys.dedup(key)], [owner]);
  }

  async get(key: string) {
    const text = await this.redis.get(this.keys.dedup(key));
    return text ? (JSON.parse(text) as DedupRecord) : undefined;
  }

  async nextSequence(topicArn: string) {
    const k = this.keys.sequence(topicArn);
    // a sequence number handed out must never be handed out again after a failover
    const [n] = await durableWrite(this.redis, k, (p) => p.incr(k));
    return BigInt(n as number);
  }
}
