import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Redis, { Cluster } from 'ioredis';
import { repoRoot } from './app-process';

/** The Redis Cluster of tools/brokers' cluster profile (3 masters, 3 replicas), as WHARF_REDIS_URL names it. */
export const PROFILE_REDIS_CLUSTER_URL =
  'redis-cluster://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005,127.0.0.1:7006';

/**
 * A Redis Cluster for suites that run on one: WHARF_REDIS_CLUSTER_URL when set, else the cluster profile's
 * (`brokers.sh up --profile cluster redis` first: idempotent, it starts what is down and waits until healthy).
 */
export function redisClusterUrl(): string {
  const url = process.env.WHARF_REDIS_CLUSTER_URL;
  if (url) return url;
  execFileSync('bash', [join(repoRoot, 'tools/brokers/brokers.sh'), 'up', '--profile', 'cluster', 'redis'], { stdio: 'inherit', timeout: 180_000 });
  return PROFILE_REDIS_CLUSTER_URL;
}

/**
 * A test's Redis client for `url`: standalone (redis://) or a Redis Cluster (redis-cluster://h1:p1,h2:p2, the
 * form service-kit's createRedisClient reads; no credentials here).
 */
export function testRedisClient(url = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380'): Redis | Cluster {
  const m = /^redis-cluster:\/\/([^/@]+)\/?$/.exec(url);
  if (!m) return new Redis(url);
  return new Cluster(
    m[1].split(',').map((hp) => {
      const [host, port] = hp.split(':');
      return { host, port: Number(port) };
    }),
  );
}

/**
 * Deletes every key under the given prefixes: what a test run wrote. SCAN, not KEYS, so other test
 * files sharing the Redis are not blocked while it walks the keyspace; on a cluster, on every master.
 */
export async function deleteRedisKeys(
  prefixes: string | readonly string[],
  url = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380',
): Promise<void> {
  const client = testRedisClient(url);
  try {
    const nodes = client instanceof Cluster ? await masters(client) : [client];
    for (const node of nodes) {
      for (const prefix of typeof prefixes === 'string' ? [prefixes] : prefixes) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          // one key at a time on a cluster: a DEL of several keys must stay in one slot
          if (keys.length) await (client instanceof Cluster ? Promise.all(keys.map((k) => node.del(k))) : node.del(...keys));
        } while (cursor !== '0');
      }
    }
  } finally {
    client.disconnect();
  }
}

async function masters(cluster: Cluster): Promise<Redis[]> {
  if (cluster.status !== 'ready') await new Promise<void>((resolve, reject) => cluster.once('ready', resolve).once('error', reject));
  return cluster.nodes('master');
}
