import { afterEach, describe, expect, it } from 'vitest';
import { redactUrl } from './broker-checks';
import { parseRedisTarget, replicaWaitFromEnv } from './redis-client';

describe('parseRedisTarget', () => {
  it('a redis:// URL is one standalone Redis, as written', () => {
    expect(parseRedisTarget('redis://127.0.0.1:6380')).toEqual({ kind: 'standalone', url: 'redis://127.0.0.1:6380' });
    expect(parseRedisTarget('rediss://u:p@h:6380/2')).toEqual({ kind: 'standalone', url: 'rediss://u:p@h:6380/2' });
  });

  it('redis-cluster:// lists seed nodes, with credentials and TLS', () => {
    expect(parseRedisTarget('redis-cluster://127.0.0.1:7001,127.0.0.1:7002,h3')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7001 },
        { host: '127.0.0.1', port: 7002 },
        { host: 'h3', port: 6379 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
    expect(parseRedisTarget('rediss-cluster://app:s%40cret@[::1]:7001/')).toEqual({
      kind: 'cluster',
      nodes: [{ host: '::1', port: 7001 }],
      username: 'app',
      password: 's@cret',
      tls: true,
    });
    expect(parseRedisTarget('redis-cluster://:pw@a:1')).toMatchObject({ password: 'pw', username: undefined });
  });

  it('refuses a node without a usable port', () => {
    expect(() => parseRedisTarget('redis-cluster://a:1,b:x')).toThrow(/bad Redis Cluster node "b:x"/);
    expect(() => parseRedisTarget('redis-cluster://a:70000')).toThrow(/bad Redis Cluster node/);
  });

  it('the password of a cluster URL is hidden in reports', () => {
    expect(redactUrl('redis-cluster://app:secret@h1:7001,h2:7002')).toBe('redis-cluster://app:***@h1:7001,h2:7002');
  });
});

describe('replicaWaitFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('waits for one replica on a cluster and none on standalone Redis by default', () => {
    delete process.env.WHARF_REDIS_WAIT_REPLICAS;
    delete process.env.WHARF_REDIS_WAIT_TIMEOUT_MS;
    expect(replicaWaitFromEnv(parseRedisTarget('redis-cluster://a:1'))).toEqual({ replicas: 1, timeoutMs: 1000 });
    expect(replicaWaitFromEnv(parseRedisTarget('redis://a:1'))).toEqual({ replicas: 0, timeoutMs: 1000 });
  });

  it('configuration says otherwise', () => {
    process.env.WHARF_REDIS_WAIT_REPLICAS = '0';
    process.env.WHARF_REDIS_WAIT_TIMEOUT_MS = '250';
    expect(replicaWaitFromEnv(parseRedisTarget('redis-cluster://a:1'))).toEqual({ replicas: 0, timeoutMs: 250 });
    process.env.WHARF_REDIS_WAIT_REPLICAS = '2';
    expect(replicaWaitFromEnv(parseRedisTarget('redis://a:1')).replicas).toBe(2);
  });
});
