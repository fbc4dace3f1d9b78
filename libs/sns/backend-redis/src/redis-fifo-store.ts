import type { Redis } from 'ioredis';
import type { DedupRecord, FifoStore } from '@wharf/sns-engine';
import { SnsKeys } from './keys';

const RELEASE = `
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).owner == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** FIFO dedup records (SET NX with expiry) and per-topic sequence counters (INCR) in Redis. */
export class RedisFifoStore implements FifoStore {
  private readonly keys: SnsKeys;

  constructor(private readonly redis: Redis, prefix?: string) {
    this.keys = new SnsKeys(prefix);
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
    await this.redis.eval(RELEASE, 1, this.keys.dedup(key), owner);
  }

  async get(key: string) {
    const text = await this.redis.get(this.keys.dedup(key));
    return text ? (JSON.parse(text) as DedupRecord) : undefined;
  }

  async nextSequence(topicArn: string) {
    return BigInt(await this.redis.incr(this.keys.sequence(topicArn)));
  }
}
