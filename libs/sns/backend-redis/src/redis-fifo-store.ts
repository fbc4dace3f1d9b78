import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { LuaScriptSet, type LuaRunner } from '@wharf/redis-lua';
import type { DedupRecord, FifoStore } from '@wharf/sns-engine';
import { SnsKeys } from './keys';

/** The SNS FIFO script (lua/, found the same from src/ in tests and from dist/). */
const fifoScripts = new LuaScriptSet({ dir: join(__dirname, '..', 'lua'), prefix: 'wharf_sns_', scripts: { release_dedup: 1 } });

/** FIFO dedup records (SET NX with expiry) and per-topic sequence counters (INCR) in Redis. */
export class RedisFifoStore implements FifoStore {
  private readonly keys: SnsKeys;
  private readonly run: LuaRunner<'release_dedup'>;

  constructor(private readonly redis: Redis, prefix?: string) {
    this.keys = new SnsKeys(prefix);
    this.run = fifoScripts.define(redis);
  }

  async reserve(key: string, record: DedupRecord, ttlMs: number): Promise<DedupRecord | undefined> {
    // NX + GET: stores when free and answers nil, else answers what is there (Redis ≥ 7.0).
    const previous = await this.redis.set(this.keys.dedup(key), JSON.stringify(record), 'PX', ttlMs, 'NX', 'GET');
    return previous ? (JSON.parse(previous) as DedupRecord) : undefined;
  }

  async commit(key: string, record: DedupRecord, ttlMs: number) {
    await this.redis.set(this.keys.dedup(key), JSON.stringify(record), 'PX', ttlMs);
  }

  async release(key: string, owner: string) {
    await this.run('release_dedup', [this.keys.dedup(key)], [owner]);
  }

  async get(key: string) {
    const text = await this.redis.get(this.keys.dedup(key));
    return text ? (JSON.parse(text) as DedupRecord) : undefined;
  }

  async nextSequence(topicArn: string) {
    return BigInt(await this.redis.incr(this.keys.sequence(topicArn)));
  }
}
