import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Redis, { Cluster } from 'ioredis';
import { repoRoot } from './app-process';

/**
 * A Redis Cluster for suites that run on one: WHARF_REDIS_CLUSTER_URL when set, else the Redis Cluster of
 * tools/brokers' cluster profile (3 masters, 3 replicas): `brokers.sh up --profile cluster redis` first
 * (idempotent: it starts what is down and waits until healthy), then its WHARF_REDIS_URL from `env`.
 */
export function redisClusterUrl(): string {
  const url = process.env.WHARF_REDIS_CLUSTER_URL;
  if (url) return url;
  const brokers = (...args: string[]) =>
    execFileSync('bash', [join(repoRoot, 'tools/brokers/brokers.sh'), ...args], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 600_000, // the profile's lock may be held by a cold start of all three clusters
    }).toString();
  brokers('up', '--profile', 'cluster', 'redis');
  const found = /^(?:export )?WHARF_REDIS_URL=(\S+)$/m.exec(brokers('env', '--profile', 'cluster'))?.[1];
  if (!found) throw new Error('brokers.sh env --profile cluster named no WHARF_REDIS_URL');
  return found;
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
