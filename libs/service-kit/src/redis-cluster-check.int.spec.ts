import { afterAll, describe, expect, it } from 'vitest';
import { redisClusterUrl } from '@wharf/testing';
import { redisCheck } from './broker-checks';

// The Redis health check on a Redis Cluster (WHARF_REDIS_CLUSTER_URL, else tools/brokers' cluster profile).
const url = redisClusterUrl();
const check = redisCheck(url);
afterAll(() => check.close());

describe('redisCheck on a Redis Cluster', () => {
  it('cluster_state ok and every master answers PING, twice on the kept connections', async () => {
    expect(await check.check()).toMatchObject({ masters: 3, version: expect.stringMatching(/^\d+\.\d+/), url });
    expect(await check.check()).toMatchObject({ masters: 3 });
  });

  it('a cluster nobody serves fails the check, with what failed', async () => {
    const down = redisCheck('redis-cluster://127.0.0.1:1', { timeoutMs: 500 });
    await expect(down.check()).rejects.toThrow();
    await down.close();
  });
});
