// Smoke test of the brokers `npm run brokers:up` brings up: one real round-trip through each.
import { randomUUID } from 'node:crypto';
import { Client as StompClient, type IMessage } from '@stomp/stompjs';
import amqp from 'amqplib';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { activemqLogin } from './brokers';

describe('brokers on this machine', () => {
  it('Redis stores and streams a message', async () => {
    const redis = new Redis(process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380');
    const key = `wharf:smoke:${randomUUID()}`;
    try {
      const id = await redis.xadd(key, '*', 'body', 'hello redis');
      const entries = await redis.xrange(key, '-', '+');
      expect(entries).toEqual([[id, ['body', 'hello redis']]]);
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });

  it('RabbitMQ routes a message through a queue', async () => {
    const connection = await amqp.connect(process.env.WHARF_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    try {
      const channel = await connection.createConfirmChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      channel.sendToQueue(queue, Buffer.from('hello rabbit'), { persistent: true });
      await channel.waitForConfirms();
      const message = await channel.get(queue, { noAck: true });
      expect(message && message.content.toString()).toBe('hello rabbit');
    } finally {
      await connection.close();
    }
  });

  it('Kafka produces and fetches a record', async () => {
    const kafka = new Kafka({ clientId: 'wharf-smoke', brokers: [process.env.WHARF_KAFKA_BROKERS ?? '127.0.0.1:9092'], logLevel: logLevel.NOTHING });
    const topic = `wharf-smoke-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'truck-1', value: 'hello kafka' }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') });
      });
      expect(received).toBe('hello kafka');
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('the ActiveMQ pair serves STOMP over WebSocket on the active instance, and the standby opens no port', async () => {
    const endpoints = [process.env.WHARF_ACTIVEMQ_A_WS ?? 'ws://127.0.0.1:61614', process.env.WHARF_ACTIVEMQ_B_WS ?? 'ws://127.0.0.1:61624'];
    const reachable = await Promise.all(endpoints.map(canOpenWebSocket));
    // Exactly one instance holds the shared KahaDB lock and serves; the other waits.
    expect(reachable.filter(Boolean)).toHaveLength(1);
    const active = endpoints[reachable.indexOf(true)];
    const destination = `/queue/wharf.smoke.${randomUUID()}`;
    const { WHARF_ACTIVEMQ_USER: login, WHARF_ACTIVEMQ_PASSWORD: passcode } = activemqLogin();
    const client = new StompClient({
      webSocketFactory: () => new WebSocket(active, ['v12.stomp']),
      connectHeaders: { login, passcode },
      reconnectDelay: 0,
      debug: () => undefined,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        client.onConnect = () => resolve();
        client.onStompError = (frame) => reject(new Error(frame.headers.message));
        client.onWebSocketError = () => reject(new Error(`cannot connect to ${active}`));
        client.activate();
      });
      const received = new Promise<IMessage>((resolve) => client.subscribe(destination, resolve));
      client.publish({ destination, body: 'hello activemq', headers: { persistent: 'true' } });
      expect((await received).body).toBe('hello activemq');
    } finally {
      await client.deactivate();
    }
  });
});

function canOpenWebSocket(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, ['v12.stomp']);
    socket.once('open', () => { socket.close(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
