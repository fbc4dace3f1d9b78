import Redis, { type Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ReplicaWaitError } from '@wharf/redis-lua';
import { createRedisClient } from '@wharf/service-kit';
import { deleteRedisKeys, redisClusterUrl } from '@wharf/testing';
import { RedisStore } from './redis-store';

// The SQS backend on a Redis Cluster (3 masters, 3 replicas): the backend's suites run here a second time
// (every script on one slot, cross-queue moves as single-slot steps, long polls through cluster pub/sub,
// WAIT for a replica behind every acknowledged write), plus what only a cluster shows.
// The cluster: WHARF_REDIS_CLUSTER_URL, else the cluster profile of tools/brokers (started here if down).

const CLUSTER_URL = redisClusterUrl();
// the suites below read WHARF_REDIS_URL when imported: they run on the cluster, with WAIT for one replica
process.env.WHARF_REDIS_URL = CLUSTER_URL;
await import('./engine-redis.int.spec');
await import('./cross-queue-moves.int.spec');
await import('./fifo-lock.int.spec');
await import('./redis-inspector.int.spec');
const { REDIS_URL } = await import('./testing');

const prefix = `wharf:test:cluster-${process.pid}:`;
const stores: RedisStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await deleteRedisKeys(prefix, CLUSTER_URL);
});

const T0 = 1_700_000_000_000;

function store(replicas: number): RedisStore {
  const s = new RedisStore({
    client: createRedisClient(CLUSTER_URL, { redis: { enableAutoPipelining: true }, replicaWait: { replicas, timeoutMs: 300 } }),
    keyPrefix: prefix,
  });
  stores.push(s);
  return s;
}

/** host:port of the master and of a replica serving `key`'s slot. */
async function slotNodes(cluster: Cluster, key: string): Promise<{ master: string; replica: string }> {
  const slot = Number(await cluster.cluster('KEYSLOT', key));
  const ranges = (await cluster.cluster('SLOTS')) as [number, number, ...[string, number, string][]][];
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range || range.length < 4) throw new Error(`slot ${slot}: no master with a replica`);
  const [, , master, replica] = range as [number, number, [string, number], [string, number]];
  return { master: `${master[0]}:${master[1]}`, replica: `${replica[0]}:${replica[1]}` };
}

describe('SQS on a Redis Cluster: what only a cluster shows', () => {
  it('the suites above ran on the cluster', () => {
    expect(REDIS_URL).toBe(CLUSTER_URL);
    expect(CLUSTER_URL).toMatch(/^redis-cluster:\/\//);
  });

  it('a dead-letter move between queues on two different masters', async () => {
    const s = store(1);
    const cluster = s.redis as Cluster;
    const account = '111111111111'; // its own account: ListQueues below sees these two only
    // names until the two queues' slots belong to different masters
    let src = { account, name: 'src-0' };
    let dlq = { account, name: 'dlq-0' };
    for (let i = 0; (await slotNodes(cluster, `${s.base(src)}m`)).master === (await slotNodes(cluster, `${s.base(dlq)}m`)).master; i++) {
      dlq = { account, name: `dlq-${i + 1}` };
      src = { account, name: `src-${i + 1}` };
    }
    for (const r of [src, dlq]) expect((await s.createQueue(r, {}, {}, {}, T0, 0)).kind).toBe('created');
    await s.send(src, [{ id: 'poison', payload: 'p', delayMs: 0 }], T0);
    const options = { max: 10, visibilityMs: 0, inflightLimit: 1000, attemptTtlMs: 1000, maxReceiveCount: 1, dlq, sourceArn: 'arn:aws:sqs:us-east-1:000000000000:src' };
    expect(await s.receive(src, options, T0 + 1)).toMatchObject({ kind: 'ok', messages: [{ id: 'poison', receiveCount: 1 }] });
    expect(await s.receive(src, options, T0 + 2)).toMatchObject({ kind: 'ok', messages: [] });
    expect(await s.receive(dlq, { ...options, maxReceiveCount: undefined, dlq: undefined }, T0 + 3)).toMatchObject({
      kind: 'ok',
      messages: [{ id: 'poison', receiveCount: 2, deadLetterSourceArn: options.sourceArn }],
    });
    expect(await s.listQueues(account, '', undefined, 10)).toEqual([dlq.name, src.name].sort());
  });

  it('an acknowledged send is on the replica of its slot when SendMessage answers', async () => {
    const s = store(1);
    const q = { account: '000000000000', name: 'acked' };
    await s.createQueue(q, {}, {}, {}, T0, 0);
    const { replica } = await slotNodes(s.redis as Cluster, `${s.base(q)}m`);
    const [host, port] = replica.split(':');
    const onReplica = new Redis({ host, port: Number(port) });
    try {
      await onReplica.readonly();
      for (let i = 0; i < 20; i++) {
        await s.send(q, [{ id: `m${i}`, payload: `p${i}`, delayMs: 0 }], T0);
        // read at once from the replica: WAIT made the answer wait for it
        expect(await onReplica.hget(`${s.base(q)}m`, `m${i}`)).toBe(`p${i}`);
      }
    } finally {
      onReplica.disconnect();
    }
  });

  it('fewer replicas than required: the write is not acknowledged (ReplicaWaitError, a retryable 500 to the client)', async () => {
    const s = store(2); // each master has one replica
    const q = { account: '000000000000', name: 'two-replicas' };
    await expect(s.createQueue(q, {}, {}, {}, T0, 0)).rejects.toBeInstanceOf(ReplicaWaitError);
    await expect(s.send(q, [{ id: 'x', payload: 'p', delayMs: 0 }], T0)).rejects.toMatchObject({ acknowledged: 1, required: 2 });
  });
});
