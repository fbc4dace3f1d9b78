import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { setReplicaWait, type RedisClient, type ReplicaWait } from '@wharf/redis-lua';
import { envInt } from './config';

/*
 * The one place a Redis connection is made from Wharf's settings. WHARF_REDIS_URL chooses:
 *   redis://[user:pass@]host:port[/db]           one standalone Redis (rediss:// for TLS)
 *   redis-cluster://[user:pass@]h1:p1,h2:p2,...  a Redis Cluster: any of its nodes (the rest are discovered);
 *                                                rediss-cluster:// for TLS
 * Both give an ioredis client with the same commands (`RedisClient`). Durability: on a cluster every
 * acknowledged write waits for WHARF_REDIS_WAIT_REPLICAS replicas (default 1; 0 on standalone Redis) for at
 * most WHARF_REDIS_WAIT_TIMEOUT_MS (default 1000) — see @wharf/redis-lua's replica-wait.ts.
 */

export type RedisTarget =
  | { kind: 'standalone'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };

/** Reads a Redis URL setting (forms above). Throws on a malformed cluster list. */
export function parseRedisTarget(url: string): RedisTarget {
  const m = /^(rediss?)-cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/.exec(url.trim());
  if (!m) return { kind: 'standalone', url };
  const [, scheme, auth, hosts] = m;
  const nodes = hosts.split(',').map((hp) => {
    const i = hp.lastIndexOf(':');
    const host = (i > 0 ? hp.slice(0, i) : hp).replace(/^\[|\]$/g, '');
    const port = i > 0 ? Number(hp.slice(i + 1)) : 6379;
    if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad Redis Cluster node "${hp}" in ${scheme}-cluster URL`);
    return { host, port };
  });
  let username: string | undefined;
  let password: string | undefined;
  if (auth) {
    const j = auth.indexOf(':');
    username = j >= 0 ? decodeURIComponent(auth.slice(0, j)) || undefined : undefined;
    password = decodeURIComponent(j >= 0 ? auth.slice(j + 1) : auth) || undefined;
  }
  return { kind: 'cluster', nodes, username, password, tls: scheme === 'rediss' };
}

/** The replica policy for a target, from the environment (defaults: 1 replica on a cluster, none standalone). */
export function replicaWaitFromEnv(target: RedisTarget): ReplicaWait {
  return {
    replicas: envInt('WHARF_REDIS_WAIT_REPLICAS', target.kind === 'cluster' ? 1 : 0),
    timeoutMs: envInt('WHARF_REDIS_WAIT_TIMEOUT_MS', 1_000),
  };
}

export interface RedisClientOptions {
  /** Per-connection options (maxRetriesPerRequest, lazyConnect, …), for standalone and for each cluster node. */
  redis?: RedisOptions;
  /** Overrides the replica policy read from the environment. */
  replicaWait?: ReplicaWait;
}

/**
 * A client for the Redis (or Redis Cluster) that `url` names. Subscribers: `client.duplicate()` gives a
 * connection of the same kind for SUBSCRIBE (on a cluster a plain PUBLISH reaches every node's subscribers).
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): RedisClient {
  const target = parseRedisTarget(url);
  const redisOptions = options.redis ?? {};
  let client: RedisClient;
  if (target.kind === 'standalone') {
    client = new Redis(target.url, redisOptions);
  } else {
    const { enableAutoPipelining, lazyConnect, enableOfflineQueue, enableReadyCheck, ...perNode } = redisOptions;
    const clusterOptions: ClusterOptions = {
      redisOptions: { ...perNode, username: target.username, password: target.password, ...(target.tls ? { tls: {} } : {}) },
      enableAutoPipelining,
      lazyConnect,
      enableOfflineQueue,
      enableReadyCheck,
      scaleReads: 'master', // reads see every acknowledged write
      // after a master dies its slots move to the promoted replica: retry there rather than fail at once
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 300,
      maxRedirections: 16,
    };
    client = new Cluster(target.nodes, clusterOptions);
  }
  setReplicaWait(client, options.replicaWait ?? replicaWaitFromEnv(target));
  return client;
}

/** True when the client talks to a Redis Cluster. */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}
