import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoredMessage, TopicRecord } from '@wharf/sns-engine';
import { uniqueId } from '@wharf/testing';
import { RabbitConnection, RabbitSnsBus } from './index';

const url = process.env.WHARF_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
let connection: RabbitConnection;
let bus: RabbitSnsBus;
const name = uniqueId('cork');
const topic: TopicRecord = { arn: `arn:aws:sns:us-east-1:000000000000:${name}`, name, accountId: '000000000000', region: 'us-east-1', fifo: false, attributes: {}, tags: {}, createdAt: 0 };

beforeAll(async () => {
  connection = new RabbitConnection(url);
  bus = new RabbitSnsBus(connection);
  await bus.ensureTopic(topic);
});
afterAll(async () => {
  await bus.deleteTopic(topic).catch(() => undefined);
  await connection.close();
});

it('sends the frames of publishes queued in one tick in one socket write, and every publish is confirmed', async () => {
  const model = await connection.get();
  const socket = (model as unknown as { connection: { stream: { _write: unknown; _writev: unknown } } }).connection.stream;
  let writes = 0;
  for (const method of ['_write', '_writev'] as const) {
    const original = socket[method] as (...args: unknown[]) => unknown;
    socket[method] = function counted(this: unknown, ...args: unknown[]) {
      writes++;
      return original.apply(this, args);
    };
  }
  const message = (i: number): StoredMessage => ({ v: 1, kind: 'notification', messageId: `m${i}`, topicArn: topic.arn, timestamp: new Date().toISOString(), message: `body ${i}` });
  await bus.publish(topic, message(0)); // the confirm channel exists from here on
  writes = 0;
  // 20 publishes are 60 frames (method, header, body); one pass of amqplib's multiplexer carries them.
  await Promise.all(Array.from({ length: 20 }, (_, i) => bus.publish(topic, message(i + 1))));
  expect(writes).toBeGreaterThan(0);
  expect(writes).toBeLessThanOrEqual(3);
});

it('takes a comma list of nodes and passes over one that cannot be reached', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const deadPort = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  const real = new URL(url.split(',')[0]);
  const list = new RabbitConnection(`amqp://guest:guest@127.0.0.1:${deadPort}, ${url.split(',')[0]}`);
  try {
    await list.get();
    expect(list.node).toBe(`${real.hostname}:${real.port || '5672'}`);
  } finally {
    await list.close();
  }
});
