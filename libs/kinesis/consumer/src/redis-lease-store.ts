import { Cluster, type Redis } from 'ioredis';
import type { Lease, LeaseStore } from './lease';
import { defineScripts } from './lua-scripts';

/**
 * Leases in Redis: `<prefix>:leases` (set of shard ids) and a hash `<prefix>:lease:<shardId>` per shard with
 * owner, counter, checkpoint, subSequence, parents, requestedBy. Every conditional write is one Lua script.
 * Use one prefix per application (stream + consumer group), like a KCL lease table. On a Redis Cluster
 * the prefix must carry a hash tag (`{dashboard:trucks}`) so all of an application's lease keys share one
 * slot (the create script writes the hash and the set together; list reads them in one pipeline).
 */
export class RedisLeaseStore implements LeaseStore {
  private readonly run: ReturnType<typeof defineScripts>;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly prefix: string,
  ) {
    if (redis instanceof Cluster && !/\{[^}]+\}/.test(prefix)) {
      throw new Error(`RedisLeaseStore on a Redis Cluster needs a hash tag in its prefix, e.g. "{${prefix}}" (got "${prefix}")`);
    }
    this.run = defineScripts(redis);
  }

  private key(shardId: string): string {
    return `${this.prefix}:lease:${shardId}`;
  }

  async list(): Promise<Lease[]> {
    const ids = (await this.redis.smembers(`${this.prefix}:leases`)).sort();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.key(id));
    const rows = (await pipeline.exec()) ?? [];
    return ids.flatMap((shardId, i) => {
      const [err, hash] = rows[i] as [Error | null, Record<string, string>];
      if (err) throw err;
      return parse(shardId, hash) ?? [];
    });
  }

  async create(shardId: string, parents: string[], checkpoint?: string): Promise<boolean> {
    return (await this.run('create', [this.key(shardId), `${this.prefix}:leases`], [shardId, parents.join(','), checkpoint ?? ''])) === 1;
  }

  async take(shardId: string, owner: string, counter: number): Promise<Lease | null> {
    const next = Number(await this.run('take', [this.key(shardId)], [owner, counter]));
    return next < 0 ? null : this.get(shardId);
  }

  async renew(shardId: string, owner: string, counter: number): Promise<Lease | null> {
    const r = (await this.run('renew', [this.key(shardId)], [owner, counter])) as [number, string] | null;
    if (!r) return null;
    const lease = await this.get(shardId);
    return lease && { ...lease, owner, counter: Number(r[0]), requestedBy: r[1] || undefined };
  }

  async checkpoint(shardId: string, owner: string, sequence: string, subSequence?: number): Promise<boolean> {
    return (await this.run('checkpoint', [this.key(shardId)], [owner, sequence, subSequence ?? ''])) === 1;
  }

  async release(shardId: string, owner: string, counter: number, handTo?: string): Promise<boolean> {
    return (await this.run('release', [this.key(shardId)], [owner, counter, handTo ?? ''])) === 1;
  }

  async requestHandover(shardId: string, requester: string, owner: string): Promise<boolean> {
    return (await this.run('request-handover', [this.key(shardId)], [requester, owner])) === 1;
  }

  private async get(shardId: string): Promise<Lease | null> {
    return parse(shardId, await this.redis.hgetall(this.key(shardId)));
  }
}

function parse(shardId: string, h: Record<string, string>): Lease | null {
  if (!h.counter) return null;
  return {
    shardId,
    owner: h.owner || undefined,
    counter: Number(h.counter),
    checkpoint: h.checkpoint || undefined,
    subSequence: h.subSequence ? Number(h.subSequence) : undefined,
    parents: h.parents ? h.parents.split(',') : [],
    requestedBy: h.requestedBy || undefined,
  };
}
