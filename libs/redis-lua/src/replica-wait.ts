import type { Cluster, Redis } from 'ioredis';

/** A standalone Redis or a Redis Cluster: both have the same command methods; callers need not know which. */
export type RedisClient = Redis | Cluster;

/**
 * How many replicas must hold a write before it is acknowledged (Redis replication is asynchronous: a
 * master that dies right after answering takes the write with it unless a replica already has it).
 * `replicas: 0` = answer after the master alone (standalone Redis, or when configuration says so).
 */
export interface ReplicaWait {
  replicas: number;
  timeoutMs: number;
}

const NO_WAIT: ReplicaWait = { replicas: 0, timeoutMs: 0 };
const policies = new WeakMap<object, ReplicaWait>();

/** The client carries its policy (set by the factory that built it), so every store on it follows it. */
export function setReplicaWait(client: RedisClient, wait: ReplicaWait): void {
  policies.set(client, wait);
}

export function replicaWaitOf(client: RedisClient): ReplicaWait {
  return policies.get(client) ?? NO_WAIT;
}

/** A write reached fewer replicas than required: the request fails (retryably) instead of claiming durability. */
export class ReplicaWaitError extends Error {
  readonly code = 'WHARF_REDIS_NOT_REPLICATED';
  constructor(
    readonly acknowledged: number,
    readonly required: number,
    timeoutMs: number,
  ) {
    super(`Redis write reached ${acknowledged} of ${required} replica(s) within ${timeoutMs} ms; not acknowledged`);
  }
}

/** Throws ReplicaWaitError when WAIT's answer is short of the policy. */
export function checkReplicas(answer: unknown, wait: ReplicaWait): void {
  const n = Number(answer);
  if (!(n >= wait.replicas)) throw new ReplicaWaitError(Number.isFinite(n) ? n : 0, wait.replicas, wait.timeoutMs);
}

type Reply = [Error | null, unknown];
export type Pipeline = ReturnType<RedisClient['pipeline']>;

// Refusals after which a command certainly did not run: the slot is served elsewhere now (failover,
// resharding) or the cluster is between states.
const NOT_RUN_HERE = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;

/**
 * Runs a pipeline for one slot, sent again while its first command is refused by a cluster redirect.
 * ioredis follows MOVED for a pipeline only when every reply says MOVED, and a WAIT behind a refused
 * command answers normally: so the pipelines here follow redirects themselves (slots refreshed, a short
 * pause, up to ~8 s: a failover's node timeout and election).
 */
export async function execForSlot(client: RedisClient, build: (p: Pipeline) => void): Promise<Reply[]> {
  for (let attempt = 1; ; attempt++) {
    const p = client.pipeline();
    build(p);
    const results = (await p.exec()) as Reply[] | null;
    if (!results) throw new Error('Redis pipeline was discarded');
    const refused = results[0]?.[0];
    if (!refused || !NOT_RUN_HERE.test(refused.message) || !isClusterClient(client) || attempt >= 20) return results;
    if (refused.message.startsWith('MOVED')) client.refreshSlotsCache();
    await new Promise((resolve) => setTimeout(resolve, Math.min(attempt, 5) * 100));
  }
}

/** Throws the first error of a pipeline's replies. */
export function replies(results: Reply[]): unknown[] {
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/**
 * After writes on the slot of `slotKey`, waits until the policy's replicas have them (one round trip on the
 * connection to that slot's master: WAIT counts what this connection wrote there). Nothing when the policy
 * asks for no replica.
 */
export async function awaitReplicas(client: RedisClient, slotKey: string): Promise<void> {
  const wait = replicaWaitOf(client);
  if (wait.replicas <= 0) return;
  // EXISTS only routes the pipeline to the slot's master (WAIT itself has no key).
  const [, acknowledged] = replies(await execForSlot(client, (p) => p.exists(slotKey).wait(wait.replicas, wait.timeoutMs)));
  checkReplicas(acknowledged, wait);
}

/** Another connection of the same kind (standalone or cluster) with some options changed, e.g. for SUBSCRIBE. */
export function duplicateClient(client: RedisClient, options: Record<string, unknown>): RedisClient {
  if (isClusterClient(client)) return client.duplicate([], { ...options, redisOptions: { ...client.options.redisOptions, ...options } });
  return client.duplicate(options);
}

/** True for a Redis Cluster client. */
export function isClusterClient(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/**
 * Keys matching `pattern` on a standalone Redis (SCAN, not KEYS): for one-off work such as moving keys of an
 * older layout. Nothing on a cluster.
 */
export async function scanStandalone(client: RedisClient, pattern: string): Promise<string[]> {
  if (isClusterClient(client)) return [];
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}
