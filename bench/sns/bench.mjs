#!/usr/bin/env node
// SNS benchmark: Wharf (apps/sns on RabbitMQ, delivering through apps/sqs on Redis) beside raw amqplib on the
// same RabbitMQ, with the same messages, in the same run.
//
//   Wharf publish      Publish through @aws-sdk/client-sns (C requests in flight), msgs/s acknowledged.
//   Wharf fan-out      publish → three SQS subscriptions → received and deleted by @aws-sdk/client-sqs
//                      consumers; deliveries/s = 3·N / (first publish → last receive).
//   raw publish        amqplib confirm channel, persistent, to a fanout exchange bound to three durable queues
//                      (C confirms outstanding), msgs/s.
//   raw fan-out        same publishes, three amqplib consumers (manual ack); deliveries/s end to end.
//
//   node bench/sns/bench.mjs [--messages 10000] [--concurrency 64] [--size 256] [--raw] [--batch] [--rounds 2]
//
// --raw: RawMessageDelivery on the subscriptions (no envelope, no signature). --batch: PublishBatch of 10.
// Needs built apps (npm run build), Redis and RabbitMQ running (WHARF_REDIS_URL, WHARF_AMQP_URL).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { flag, opt } from '../lib/args.mjs';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, PublishBatchCommand, DeleteTopicCommand } = require('@aws-sdk/client-sns');
const { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteMessageBatchCommand, DeleteQueueCommand } = require('@aws-sdk/client-sqs');
const { NodeHttpHandler } = require('@smithy/node-http-handler');
const amqp = require('amqplib');
const http = require('node:http');

const N = Number(opt('messages', 10000));
const C = Number(opt('concurrency', 64));
const SIZE = Number(opt('size', 256));
const ROUNDS = Number(opt('rounds', 2));
const RAW = flag('raw');
const BATCH = flag('batch');
const CONSUMERS = Number(opt('consumers', 4)); // receive loops per queue
const AMQP_URL = process.env.WHARF_AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tag = randomBytes(3).toString('hex');
const body = (i) => `${String(i).padStart(8, '0')}:${'x'.repeat(Math.max(0, SIZE - 9))}`;

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

async function startApp(name, portEnv, env) {
  const port = await freePort();
  // BENCH_SNS_NODE_ARGS / BENCH_SQS_NODE_ARGS: extra node flags for a service (e.g. --cpu-prof).
  const extra = (process.env[`BENCH_${name.toUpperCase()}_NODE_ARGS`] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, join(root, 'apps', name, 'dist', 'main.js')], {
    cwd: root,
    env: { ...process.env, WHARF_LOG_LEVEL: 'warn', ...env, [portEnv]: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let errors = '';
  child.stderr.on('data', (d) => {
    errors += d;
  });
  child.on('exit', (code, signal) => {
    if (code && !stopping) console.error(`${name} exited (${code ?? signal}):\n${errors.slice(-2000)}`);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return { url, child };
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start`);
}

const children = [];
let stopping = false;
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

const agent = () => new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: C * 2 }) });

async function pool(count, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        await fn(i);
      }
    }),
  );
}

async function wharfRound(sns, sqs, round, pids) {
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `bench-${tag}-${round}` }))).TopicArn;
  const queues = [];
  for (let q = 0; q < 3; q++) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-${tag}-${round}-${q}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes.QueueArn, Attributes: RAW ? { RawMessageDelivery: 'true' } : {} }),
    );
    queues.push(QueueUrl);
  }
  await sleep(300);
  let received = 0;
  let lastReceive = 0;
  let stop = false;
  const consumers = queues.flatMap((QueueUrl) =>
    Array.from({ length: CONSUMERS }, async () => {
      while (!stop) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        const msgs = r.Messages ?? [];
        if (!msgs.length) continue;
        received += msgs.length;
        lastReceive = performance.now();
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
      }
    }),
  );
  const cpu0 = { sns: cpuMs(pids.sns), sqs: cpuMs(pids.sqs), client: clientCpuMs() };
  const start = performance.now();
  if (BATCH) {
    await pool(Math.ceil(N / 10), C, async (b) => {
      const entries = [];
      for (let i = b * 10; i < Math.min(N, b * 10 + 10); i++) entries.push({ Id: `e${i % 10}`, Message: body(i) });
      const r = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
      if (r.Failed?.length) throw new Error(`batch failures: ${JSON.stringify(r.Failed[0])}`);
    });
  } else {
    await pool(N, C, (i) => sns.send(new PublishCommand({ TopicArn: topicArn, Message: body(i) })));
  }
  const published = performance.now();
  const deadline = Date.now() + 300_000;
  while (received < 3 * N && Date.now() < deadline) await sleep(20);
  stop = true;
  await Promise.all(consumers);
  const deliveries = 3 * N;
  const result = {
    publish: (N / (published - start)) * 1000,
    fanout: received >= 3 * N ? ((3 * N) / (lastReceive - start)) * 1000 : NaN,
    received,
    // CPU ms per delivery (one message into one subscriber's hands), independent of other load on the machine.
    cpu: {
      sns: (cpuMs(pids.sns) - cpu0.sns) / deliveries,
      sqs: (cpuMs(pids.sqs) - cpu0.sqs) / deliveries,
      client: (clientCpuMs() - cpu0.client) / deliveries,
    },
  };
  for (const QueueUrl of queues) await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  return result;
}

async function rawRound(round) {
  const conn = await amqp.connect(AMQP_URL);
  const pub = await conn.createConfirmChannel();
  const exchange = `bench.raw.${tag}.${round}`;
  await pub.assertExchange(exchange, 'fanout', { durable: true });
  const queues = [];
  for (let q = 0; q < 3; q++) {
    const name = `${exchange}.${q}`;
    await pub.assertQueue(name, { durable: true });
    await pub.bindQueue(name, exchange, '');
    queues.push(name);
  }
  let received = 0;
  let lastReceive = 0;
  const consumer = await conn.createChannel();
  await consumer.prefetch(512);
  for (const q of queues) {
    await consumer.consume(q, (m) => {
      if (!m) return; // cancelled: the queue was deleted
      received++;
      lastReceive = performance.now();
      consumer.ack(m);
    });
  }
  const start = performance.now();
  await pool(N, C, (i) => new Promise((res, rej) => pub.publish(exchange, '', Buffer.from(body(i)), { persistent: true }, (err) => (err ? rej(err) : res()))));
  const published = performance.now();
  const deadline = Date.now() + 120_000;
  while (received < 3 * N && Date.now() < deadline) await sleep(5);
  const result = { publish: (N / (published - start)) * 1000, fanout: ((3 * N) / (lastReceive - start)) * 1000, received };
  for (const q of queues) await pub.deleteQueue(q);
  await pub.deleteExchange(exchange);
  await conn.close();
  return result;
}

/** CPU time (user + system) a process used so far, in ms (Linux /proc; ticks are 1/100 s). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
const clientCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const fmt = (v) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')}/s` : 'n/a');

async function main() {
  const prefix = `wharf:bench:${tag}:`;
  const sqsApp = await startApp('sqs', 'SQS_PORT', { SQS_REDIS_PREFIX: `${prefix}sqs:` });
  const snsApp = await startApp('sns', 'SNS_PORT', { SNS_REDIS_PREFIX: `${prefix}sns:`, WHARF_SQS_URL: sqsApp.url });
  const sns = new SNSClient({ endpoint: snsApp.url, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: agent() });
  const sqs = new SQSClient({ endpoint: sqsApp.url, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: agent() });
  const rows = [];
  try {
    console.log(`sns bench: ${N} messages of ${SIZE} B, ${C} in flight, 3 SQS subscriptions (${RAW ? 'raw' : 'signed envelope'}), ${BATCH ? 'PublishBatch' : 'Publish'}, ${ROUNDS} rounds`);
    for (let r = 0; r < ROUNDS; r++) {
      const raw = await rawRound(r);
      const wharf = await wharfRound(sns, sqs, r, { sns: snsApp.child.pid, sqs: sqsApp.child.pid });
      rows.push({ raw, wharf });
      const metrics = await (await fetch(`${snsApp.url}/metrics`)).text();
      const sum = Number(/wharf_sns_sqs_batch_entries_sum (\S+)/.exec(metrics)?.[1]);
      const count = Number(/wharf_sns_sqs_batch_entries_count (\S+)/.exec(metrics)?.[1]);
      wharf.batch = sum / count;
      console.log(
        `round ${r + 1}: wharf publish ${fmt(wharf.publish)} fan-out ${fmt(wharf.fanout)} deliveries | raw amqplib publish ${fmt(raw.publish)} fan-out ${fmt(raw.fanout)} deliveries` +
          ` | CPU ms per delivery: sns ${wharf.cpu.sns.toFixed(3)}, sqs ${wharf.cpu.sqs.toFixed(3)}, SDK client ${wharf.cpu.client.toFixed(3)} (load ${loadavg()[0].toFixed(1)}); SQS batch ${wharf.batch.toFixed(1)} entries avg`,
      );
    }
  } finally {
    stopping = true;
    sqsApp.child.kill('SIGTERM');
    snsApp.child.kill('SIGTERM');
    const { Redis } = require('ioredis');
    const redis = new Redis(process.env.WHARF_REDIS_URL || 'redis://127.0.0.1:6380');
    const keys = await redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    await redis.quit();
  }
  const best = (f) => Math.max(...rows.map(f));
  const wp = best((r) => r.wharf.publish);
  const wf = best((r) => r.wharf.fanout);
  const rp = best((r) => r.raw.publish);
  const rf = best((r) => r.raw.fanout);
  console.log(`\nbest of ${ROUNDS}            publish msgs/s     fan-out deliveries/s (publish → 3 subscribers received)`);
  console.log(`wharf (SDK → sns → sqs)  ${fmt(wp).padStart(14)}     ${fmt(wf).padStart(14)}`);
  console.log(`raw amqplib (same broker) ${fmt(rp).padStart(13)}     ${fmt(rf).padStart(14)}`);
  console.log(`ratio wharf / raw         ${(wp / rp).toFixed(2).padStart(13)}     ${(wf / rf).toFixed(2).padStart(14)}`);
  const cpu = rows[rows.length - 1].wharf.cpu;
  console.log(`CPU per delivery (last round): sns ${cpu.sns.toFixed(3)} ms, sqs ${cpu.sqs.toFixed(3)} ms, SDK publisher+consumers ${cpu.client.toFixed(3)} ms`);
  console.log(`targets: ≥ 5,000 deliveries/s end to end (${wf >= 5000 ? 'met' : 'not met'}); fan-out ≥ 30% of raw (${wf / rf >= 0.3 ? 'met' : 'not met'})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
