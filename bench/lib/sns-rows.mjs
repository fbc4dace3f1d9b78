// SNS rows end to end through the edge: a standard topic with three SQS subscriptions (signed envelopes,
// the default); Publish (16 workers) or PublishBatch ×10, and SQS consumers (4 a queue, Receive ×10 +
// DeleteMessageBatch) until every message reached every queue (at least once). Publishes/s counts the
// acknowledged publishes; deliveries/s = 3·N / (first publish → last receive). The raw amqplib ceiling: a
// confirm channel publishing persistent messages (16 outstanding) to a fanout exchange bound to three durable
// queues, three consumers acking. Then the edge's own cost: p50 of sequential single Publish calls (a topic
// without subscribers) through the edge and directly, and 16-worker Publish throughput both ways; and the same
// through a bare proxy (bench/edge/bare-proxy.mjs) in front of the same sns port, the floor of any proxy hop.
import http from 'node:http';
import { CreateTopicCommand, DeleteTopicCommand, PublishBatchCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import amqp from 'amqplib';
import { check, measured, median, pool } from './measure.mjs';
import { AMQP_URL, sleep } from './servers.mjs';
import { sqsClient } from './sqs-rows.mjs';

const WORKERS = 16;
const CONSUMERS = 4;
const SIZE = 256;
const body = (n) => `${n}:${'x'.repeat(SIZE - String(n).length - 1)}`;

export function snsClient(endpoint) {
  return new SNSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) }),
  });
}

/** Publish (batch = false) or PublishBatch ×10 of `messages` to a topic with three SQS subscribers. */
export async function snsFanOutRow({ endpoint, pids, messages, batch, tag }) {
  const sns = snsClient(endpoint);
  const sqs = sqsClient(endpoint);
  const name = `bench-${tag}-${batch ? 'batch' : 'single'}-${Date.now().toString(36)}`;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const queues = [];
  for (let q = 0; q < 3; q++) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${q}`, Attributes: { VisibilityTimeout: '120' } }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes.QueueArn }));
    queues.push(QueueUrl);
  }
  await sleep(300);
  const seen = queues.map(() => new Uint8Array(messages));
  let unique = 0;
  let lastReceive = 0;
  let stop = false;
  const deadline = Date.now() + 600_000;
  const consumers = queues.flatMap((QueueUrl, q) =>
    Array.from({ length: CONSUMERS }, async () => {
      while (!stop && Date.now() < deadline) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        const msgs = r.Messages ?? [];
        if (!msgs.length) continue;
        for (const m of msgs) {
          const text = JSON.parse(m.Body).Message;
          const n = Number(text.slice(0, text.indexOf(':')));
          if (seen[q][n]++ === 0) unique++;
        }
        lastReceive = performance.now();
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
      }
    }),
  );
  let publishMs = 0;
  const row = await measured(pids, async () => {
    const start = performance.now();
    if (batch) {
      await pool(Math.ceil(messages / 10), WORKERS, async (b) => {
        const entries = [];
        for (let n = b * 10; n < Math.min(messages, b * 10 + 10); n++) entries.push({ Id: `e${n % 10}`, Message: body(n) });
        const r = await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries }));
        check(!r.Failed?.length, `PublishBatch failed entries ${JSON.stringify(r.Failed?.[0])}`);
      });
    } else {
      await pool(messages, WORKERS, (n) => sns.send(new PublishCommand({ TopicArn, Message: body(n) })));
    }
    publishMs = performance.now() - start;
    while (unique < 3 * messages && Date.now() < deadline) await sleep(10);
    return { messages: 3 * messages, ms: lastReceive - start };
  });
  stop = true;
  await Promise.all(consumers);
  for (const QueueUrl of queues) await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
  await sns.send(new DeleteTopicCommand({ TopicArn })).catch(() => undefined);
  sns.destroy();
  sqs.destroy();
  check(unique === 3 * messages, `${3 * messages - unique} of ${3 * messages} deliveries never received`);
  // serverCpu/clientCpu are per 1,000 deliveries; rate = deliveries/s, publishRate = publishes/s.
  return { ...row, publishRate: (messages / publishMs) * 1000 };
}

/** The raw amqplib ceiling of the fan-out on the same RabbitMQ. */
export async function rawAmqpRow({ pids, messages, tag }) {
  const conn = await amqp.connect(AMQP_URL);
  const pub = await conn.createConfirmChannel();
  const exchange = `bench.raw.${tag}.${Date.now().toString(36)}`;
  await pub.assertExchange(exchange, 'fanout', { durable: true });
  const consumer = await conn.createChannel();
  await consumer.prefetch(512);
  const queues = [];
  let received = 0;
  let lastReceive = 0;
  for (let q = 0; q < 3; q++) {
    const name = `${exchange}.${q}`;
    await pub.assertQueue(name, { durable: true });
    await pub.bindQueue(name, exchange, '');
    queues.push(name);
    await consumer.consume(name, (m) => {
      if (!m) return;
      received++;
      lastReceive = performance.now();
      consumer.ack(m);
    });
  }
  let publishMs = 0;
  const row = await measured(pids, async () => {
    const start = performance.now();
    await pool(messages, WORKERS, (n) => new Promise((res, rej) => pub.publish(exchange, '', Buffer.from(body(n)), { persistent: true }, (e) => (e ? rej(e) : res()))));
    publishMs = performance.now() - start;
    const deadline = Date.now() + 300_000;
    while (received < 3 * messages && Date.now() < deadline) await sleep(5);
    return { messages: 3 * messages, ms: lastReceive - start };
  });
  for (const q of queues) await pub.deleteQueue(q);
  await pub.deleteExchange(exchange);
  await conn.close();
  check(received >= 3 * messages, 'raw amqplib lost deliveries');
  return { ...row, publishRate: (messages / publishMs) * 1000 };
}

/**
 * The edge's cost on single Publish calls: p50 latency and 16-worker throughput, through the edge, direct, and
 * through `bare` ({ url, pid } of bench/edge/bare-proxy.mjs in front of the same sns port): a bare proxy hop.
 */
export async function edgeRows({ edge, direct, bare, pids, samples, messages, tag }) {
  // CPU counted as the server's: the hop (the edge, or the bare proxy standing where it does) and sns.
  const pidsOf = { direct: [pids.edge, pids.sns], edge: [pids.edge, pids.sns], bare: [bare.pid, pids.sns] };
  const clients = { edge: snsClient(edge), direct: snsClient(direct), bare: snsClient(bare.url) };
  const { TopicArn } = await clients.direct.send(new CreateTopicCommand({ Name: `bench-${tag}-edge-${Date.now().toString(36)}` }));
  const latency = Object.fromEntries(Object.keys(clients).map((k) => [k, []]));
  for (let i = 0; i < 50; i++) for (const c of Object.values(clients)) await c.send(new PublishCommand({ TopicArn, Message: 'warm-up' }));
  for (let i = 0; i < samples; i++) {
    for (const [k, c] of Object.entries(clients)) {
      const t = performance.now();
      await c.send(new PublishCommand({ TopicArn, Message: body(i) }));
      latency[k].push(performance.now() - t);
    }
  }
  const through = {};
  for (const k of ['direct', 'edge', 'bare']) {
    through[k] = await measured({ own: pidsOf[k], brokers: pids.brokers }, async () => {
      await pool(messages, WORKERS, (n) => clients[k].send(new PublishCommand({ TopicArn, Message: body(n) })));
      return { messages };
    });
  }
  await clients.direct.send(new DeleteTopicCommand({ TopicArn })).catch(() => undefined);
  for (const c of Object.values(clients)) c.destroy();
  return {
    p50Edge: median(latency.edge),
    p50Direct: median(latency.direct),
    p50Bare: median(latency.bare),
    edge: through.edge,
    direct: through.direct,
    bare: through.bare,
  };
}
