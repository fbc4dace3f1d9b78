// clusterBrokers() of @wharf/testing (issue 14), the kill switches other suites use: on a PRIVATE copy of the
// cluster profile (own run dir and ports, so the shared profile other suites run on is never killed), kill -9
// one node of each cluster, see the cluster carry on without it, restart it, see it whole again. Costs a cold
// start of the profile (~1 min on 2 cores) and its stop (~20 s).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Cluster } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterBrokers, uniqueId, type ClusterBrokers } from '@wharf/testing';

let cluster: ClusterBrokers;
const since = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

beforeAll(async () => {
  const t0 = Date.now();
  cluster = await clusterBrokers({ runDir: mkdtempSync(join(tmpdir(), 'wharf-cluster-kill-')), redisPort: 8001, kafkaPort: 19292, rabbitmqPort: 6701, rabbitmqNodePrefix: 'wharf-kt-c' });
  console.log(`private cluster profile up in ${since(t0)}`);
}, 900_000);
afterAll(async () => { await cluster?.destroy(); }, 300_000);

describe('clusterBrokers() on a private copy of the cluster profile', () => {
  it('gives the services\' variables for that copy', () => {
    expect(cluster.env.WHARF_REDIS_URL).toBe('redis-cluster://127.0.0.1:8001,127.0.0.1:8002,127.0.0.1:8003,127.0.0.1:8004,127.0.0.1:8005,127.0.0.1:8006');
    expect(cluster.env.WHARF_KAFKA_BROKERS).toBe('127.0.0.1:19292,127.0.0.1:19293,127.0.0.1:19294');
    expect(cluster.env.WHARF_AMQP_URL.split(',')).toHaveLength(3);
  });

  it('kill -9 of a Redis master: a replica takes its slots, writes go on; restart brings the cluster back whole', async () => {
    const nodes = cluster.env.WHARF_REDIS_URL.replace('redis-cluster://', '').split(',').map((hp) => ({ host: '127.0.0.1', port: Number(hp.split(':')[1]) }));
    const client = new Cluster(nodes, { retryDelayOnFailover: 200, retryDelayOnClusterDown: 300, maxRedirections: 50 });
    try {
      const key = uniqueId('kill');
      await client.set(key, 'before');
      const slot = await client.cluster('KEYSLOT', key);
      const master = (await client.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1];
      const t0 = Date.now();
      const killed = await cluster.killRedisMaster(master);
      expect(killed.port).toBe(master);
      const heir = await killed.promoted();
      console.log(`redis: replica ${heir} promoted ${since(t0)} after kill -9 of master ${master}`);
      expect(heir).not.toBe(master);
      expect(await client.get(key)).toBe('before');
      await client.set(key, 'after');
      expect(await client.get(key)).toBe('after');
      const t1 = Date.now();
      await killed.restart();
      console.log(`redis: restart and healthy again in ${since(t1)}`);
      expect(await cluster.healthy()).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('kill -9 of a Kafka node: two brokers left, acks=all writes to an RF3 topic go on; restart makes three', async () => {
    const kafka = new Kafka({ clientId: 'cluster-kill-spec', brokers: cluster.env.WHARF_KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10 } });
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const topic = uniqueId('kill');
    await admin.connect();
    await producer.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      const killed = await cluster.killKafkaBroker(2);
      let live: number[] = [];
      for (let i = 0; i < 100; i++) {
        live = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort();
        if (live.length === 2) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(live).toEqual([1, 3]);
      const sent = await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((p) => ({ partition: p, value: `after kill ${p}` })) });
      expect(sent.every((r) => r.errorCode === 0)).toBe(true);
      const t0 = Date.now();
      await killed.restart();
      console.log(`kafka: node 2 restarted and listed again in ${since(t0)}`);
      expect((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await producer.disconnect();
      await admin.disconnect();
    }
  });

  it('kill -9 of a RabbitMQ node: a quorum queue keeps taking messages on the other two; restart makes three running', async () => {
    const [url1] = cluster.env.WHARF_AMQP_URL.split(',');
    const management = cluster.env.WHARF_RABBITMQ_MANAGEMENT_URL;
    const running = async () => {
      const u = new URL(management);
      const res = await fetch(`${u.origin}/api/nodes`, { headers: { authorization: `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}` } });
      return ((await res.json()) as { name: string; running: boolean }[]).filter((n) => n.running).map((n) => n.name).sort();
    };
    const queue = uniqueId('kill');
    const connection = await amqp.connect(url1);
    try {
      const channel = await connection.createConfirmChannel();
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      const killed = await cluster.killRabbitMqNode(2);
      expect(killed.node).toBe('wharf-kt-c2@localhost');
      let nodes: string[] = [];
      for (let i = 0; i < 100; i++) {
        nodes = await running();
        if (nodes.length === 2) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(nodes).toEqual(['wharf-kt-c1@localhost', 'wharf-kt-c3@localhost']);
      await new Promise<void>((resolve, reject) => channel.sendToQueue(queue, Buffer.from('with one node down'), { persistent: true }, (e) => (e ? reject(e) : resolve())));
      const t0 = Date.now();
      await killed.restart();
      console.log(`rabbitmq: node 2 restarted and running in the cluster again in ${since(t0)}`);
      expect(await running()).toEqual(['wharf-kt-c1@localhost', 'wharf-kt-c2@localhost', 'wharf-kt-c3@localhost']);
      const got = await channel.get(queue, { noAck: true });
      expect(got && got.content.toString()).toBe('with one node down');
      await channel.deleteQueue(queue);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
});
