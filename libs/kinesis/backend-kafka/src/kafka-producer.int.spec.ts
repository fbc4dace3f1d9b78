import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { uniqueId } from '@wharf/testing';
import { partitionKey, ShardProducer } from './kafka-producer';

const brokers = (process.env.WHARF_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

describe('ShardProducer on Kafka', () => {
  let admin: Admin;
  let producer: ShardProducer;
  const topic = `wharf.test.${uniqueId('sp')}`;

  beforeAll(async () => {
    admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    producer = new ShardProducer({ brokers, clientId: 'wharf-test', retries: 3 });
  });

  afterAll(async () => {
    await producer.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const record = (partition: number, n: number) => ({ topic, partition, key: Buffer.from(`k${n}`), value: Buffer.from(`v${n}`), timestamp: BigInt(1_700_000_000_000 + n) });

  it('writes each partition as one ordered batch and answers its base offset', async () => {
    const offsets = await producer.send([record(0, 1), record(1, 2), record(0, 3), record(0, 4)]);
    expect(offsets.get(partitionKey(topic, 0))).toBe(0);
    expect(offsets.get(partitionKey(topic, 1))).toBe(0);
    const again = await producer.send([record(0, 5)]);
    expect(again.get(partitionKey(topic, 0))).toBe(3);
  });

  it('writes to a partition another process added after its metadata was cached (the client would fold it into an old one)', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
    for (let i = 0; i < 100; i++) {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      if (meta.topics[0].partitions.length === 4 && meta.topics[0].partitions.every((p) => p.leader >= 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const offsets = await producer.send([record(3, 6)]);
    expect([...offsets.keys()]).toEqual([partitionKey(topic, 3)]);
    const ends = await admin.fetchTopicOffsets(topic);
    expect(ends.find((p) => p.partition === 3)?.high).toBe('1');
    expect(ends.find((p) => p.partition === 1)?.high).toBe('1');
  });
});
