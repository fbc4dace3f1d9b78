// Issue 14: `brokers.sh up --profile cluster` starts, on this machine, a Redis Cluster of 3 masters + 3
// replicas, three KRaft Kafka nodes and three clustered RabbitMQ nodes, and a second `up` touches nothing.
// Each cluster is checked through the clients Wharf's services use (ioredis Cluster, kafkajs, amqplib) and
// the RabbitMQ management API. The test starts the profile itself (cheap when it already runs), so
// `npx vitest run tools/brokers/cluster.int.spec.ts` works from a fresh clone; it leaves it running, as
// tools/setup.sh leaves the shared brokers (`brokers.sh down --profile cluster` stops it).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, uniqueId } from '@wharf/testing';
import amqp from 'amqplib';
import { Cluster, Redis } from 'ioredis';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BROKERS_SH = join(repoRoot, 'tools/brokers/brokers.sh');
const RUN_DIR = process.env.WHARF_BROKERS_RUN_DIR ?? '/var/tmp/wharf-brokers';

function brokers(...args: string[]): Promise<{ out: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [BROKERS_SH, ...args], { cwd: repoRoot, env: { ...process.env, CI: 'true' }, timeout: 900_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`brokers.sh ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`)) : resolve({ out: `${stdout}${stderr}`, ms: Date.now() - t0 })));
    child.stdin?.end();
  });
}

/** `export NAME=value` lines as a map. */
function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

/** Every pid file of the profile, read now: a second `up` must leave them all as they are. */
function pids(): Record<string, string> {
  const files = [
    ...[7001, 7002, 7003, 7004, 7005, 7006].map((p) => `redis-cluster/${p}/redis.pid`),
    ...[1, 2, 3].map((n) => `kafka-cluster/${n}/kafka.pid`),
    ...[1, 2, 3].map((n) => `rabbitmq-cluster/${n}/node.pid`),
  ];
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(RUN_DIR, f), 'utf8').trim()]));
}

let env: Record<string, string>;

beforeAll(async () => {
  const { out, ms } = await brokers('up', '--profile', 'cluster');
  const started = [...out.matchAll(/(\S+-cluster): (?:starting|started)/g)].map((m) => m[1]);
  console.log(`cluster profile: first up of this run took ${(ms / 1000).toFixed(1)} s (started: ${started.join(', ') || 'nothing, all was up'})`);
  env = parseEnv((await brokers('env', '--profile', 'cluster')).out);
}, 900_000);

describe('the cluster profile', () => {
  it('exports the variables the services read, one list per cluster', () => {
    expect(env.WHARF_REDIS_URL).toBe('redis-cluster://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005,127.0.0.1:7006');
    expect(env.WHARF_KAFKA_BROKERS).toBe('127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094');
    expect(env.WHARF_AMQP_URL).toBe('amqp://guest:guest@127.0.0.1:5701,amqp://guest:guest@127.0.0.1:5702,amqp://guest:guest@127.0.0.1:5703');
    expect(env.WHARF_RABBITMQ_MANAGEMENT_URL).toBe('http://guest:guest@127.0.0.1:15701');
    expect(readFileSync(join(RUN_DIR, 'cluster.env'), 'utf8')).toContain(`WHARF_REDIS_URL=${env.WHARF_REDIS_URL}\n`);
  });

  describe('Redis Cluster', () => {
    const nodes = () => env.WHARF_REDIS_URL.replace('redis-cluster://', '').split(',').map((hp) => ({ host: hp.split(':')[0], port: Number(hp.split(':')[1]) }));
    let masters: Cluster;
    let replicas: Cluster;
    beforeAll(() => {
      masters = new Cluster(nodes(), { scaleReads: 'master' });
      replicas = new Cluster(nodes(), { scaleReads: 'slave' });
    });
    afterAll(() => {
      masters?.disconnect();
      replicas?.disconnect();
    });

    it('has 3 masters owning all slots, each with a replica, and every node says cluster_state:ok', async () => {
      for (const { port } of nodes()) {
        const node = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
        try {
          expect(await node.cluster('INFO')).toMatch(/cluster_state:ok/);
          // Wharf's durability flags, as on 6380
          expect(await node.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
          expect(await node.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
        } finally {
          node.disconnect();
        }
      }
      const slots = await masters.cluster('SLOTS'); // [from, to, master, ...replicas][]
      const owners = new Set(slots.map((range) => range[2]?.[1]));
      expect(owners.size).toBe(3);
      expect(slots.reduce((n, [from, to]) => n + to - from + 1, 0)).toBe(16384);
      for (const range of slots) expect(range.length - 3).toBeGreaterThanOrEqual(1); // a replica beside its master
    });

    it('keys in slots of all three masters are written through the cluster client and read back from replicas', async () => {
      const prefix = uniqueId('rc');
      const slots = await masters.cluster('SLOTS');
      const ownerOf = async (key: string) => {
        const slot = (await masters.cluster('KEYSLOT', key)) as number;
        const range = slots.find(([from, to]) => slot >= from && slot <= to);
        if (!range?.[2]) throw new Error(`slot ${slot} has no owner`);
        return range[2][1];
      };
      // keys until each master owns at least one
      const keys = new Map<number, string>();
      for (let i = 0; keys.size < 3 && i < 200; i++) {
        const key = `${prefix}:${i}`;
        const owner = await ownerOf(key);
        if (!keys.has(owner)) keys.set(owner, key);
      }
      expect(keys.size).toBe(3);
      for (const key of keys.values()) await masters.set(key, `value of ${key}`);
      for (const key of keys.values()) expect(await masters.get(key)).toBe(`value of ${key}`);
      // replication is asynchronous: poll the replicas briefly
      for (const key of keys.values()) {
        let seen: string | null = null;
        for (let i = 0; i < 50 && seen === null; i++) {
          seen = await replicas.get(key);
          if (seen === null) await new Promise((r) => setTimeout(r, 100));
        }
        expect(seen).toBe(`value of ${key}`);
      }
      for (const key of keys.values()) await masters.del(key); // one by one: they are in different slots
    });
  });

  describe('Kafka, three KRaft nodes', () => {
    const kafka = () => new Kafka({ clientId: 'cluster-int-spec', brokers: env.WHARF_KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });

    it('three brokers; a new topic gets 3 replicas, all in sync, min.insync.replicas 2; acks=all works', async () => {
      const admin = kafka().admin();
      const producer = kafka().producer({ allowAutoTopicCreation: false });
      const topic = uniqueId('rf3');
      await admin.connect();
      try {
        const { brokers: live } = await admin.describeCluster();
        expect(live.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
        // no replication factor given: the brokers' default.replication.factor (3) applies
        expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
        let partitions: { replicas: number[]; isr: number[] }[] = [];
        for (let i = 0; i < 50; i++) {
          ({ partitions } = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]);
          if (partitions.length === 3 && partitions.every((p) => p.isr.length === 3)) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(partitions).toHaveLength(3);
        for (const p of partitions) {
          expect([...p.replicas].sort()).toEqual([1, 2, 3]);
          expect([...p.isr].sort()).toEqual([1, 2, 3]);
        }
        const [config] = (await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }], includeSynonyms: false })).resources;
        expect(config.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue).toBe('2');
        await producer.connect();
        const [sent] = await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'v' }] });
        expect(sent.errorCode).toBe(0);
      } finally {
        await producer.disconnect();
        await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        await admin.disconnect();
      }
    });
  });

  describe('RabbitMQ, three clustered nodes', () => {
    const urls = () => env.WHARF_AMQP_URL.split(',');
    const mgmt = (port: number) => async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/${path}`, { headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` } });
      expect(res.status).toBe(200);
      return res.json() as Promise<unknown>;
    };

    it('every management API sees the same three nodes running', async () => {
      for (const port of [15701, 15702, 15703]) {
        const nodes = (await mgmt(port)('nodes')) as { name: string; running: boolean }[];
        expect(nodes.filter((n) => n.running).map((n) => n.name).sort()).toEqual(['wharf-c1@localhost', 'wharf-c2@localhost', 'wharf-c3@localhost']);
      }
    });

    it('guest/guest connects to each node; a quorum queue declared on one has 3 members, is published to on another and consumed from the third', async () => {
      const queue = uniqueId('qq');
      const [c1, c2, c3] = await Promise.all(urls().map((u) => amqp.connect(u)));
      try {
        const declare = await c1.createChannel();
        await declare.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        const publish = await c2.createConfirmChannel();
        await new Promise<void>((resolve, reject) => publish.sendToQueue(queue, Buffer.from('across the cluster'), { persistent: true }, (e) => (e ? reject(e) : resolve())));
        const consume = await c3.createChannel();
        let got: amqp.GetMessage | false = false;
        for (let i = 0; i < 50 && !got; i++) {
          got = await consume.get(queue, { noAck: true });
          if (!got) await new Promise((r) => setTimeout(r, 100));
        }
        expect(got && got.content.toString()).toBe('across the cluster');
        const info = (await mgmt(15701)(`queues/%2F/${queue}`)) as { type: string; members: string[]; online: string[] };
        expect(info.type).toBe('quorum');
        expect([...info.members].sort()).toEqual(['wharf-c1@localhost', 'wharf-c2@localhost', 'wharf-c3@localhost']);
        await declare.deleteQueue(queue);
      } finally {
        await Promise.all([c1, c2, c3].map((c) => c.close().catch(() => undefined)));
      }
    });
  });

  it('a second up finds everything up and restarts nothing; status exits 0', async () => {
    const before = pids();
    const { out, ms } = await brokers('up', '--profile', 'cluster');
    console.log(`cluster profile: warm up took ${(ms / 1000).toFixed(2)} s`);
    expect(out).toMatch(/redis-cluster: already up/);
    expect(out).toMatch(/kafka-cluster: already running/);
    expect(out).toMatch(/rabbitmq-cluster: already up/);
    expect(pids()).toEqual(before);
    const status = await brokers('status', '--profile', 'cluster');
    expect(status.out.trim().split('\n').map((l) => l.split(/\s+/)[2])).toEqual(['up', 'up', 'up']);
  }, 120_000);
});
