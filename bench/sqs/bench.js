#!/usr/bin/env node
// SQS benchmark: Wharf (apps/sqs on Redis) beside ElasticMQ (from Maven) in the same run, through the
// official SDK (AWS JSON 1.0). Prints msgs/s for both and the ratio, plus p50/p99 of single SendMessage.
//
//   node bench/sqs/bench.js [--messages 20000] [--rounds 3] [--procs 1] [--concurrency 16] [--skip-elasticmq]
//
// Needs: a built apps/sqs (npm run build), Redis at WHARF_REDIS_URL (default 127.0.0.1:6380), Java 17 and
// Maven for ElasticMQ (jars fetched once by `mvn -f bench/sqs/elasticmq/pom.xml package`).
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync, readdirSync } = require('node:fs');
const { createServer } = require('node:net');
const { join, resolve } = require('node:path');
const {
  SQSClient,
  CreateQueueCommand,
  SendMessageCommand,
  SendMessageBatchCommand,
  ReceiveMessageCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
} = require('@aws-sdk/client-sqs');
const { NodeHttpHandler } = require('@smithy/node-http-handler');
const http = require('node:http');

const root = resolve(__dirname, '../..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const MESSAGES = Number(opt('messages', 20000));
const FIFO_MESSAGES = Number(opt('fifo-messages', MESSAGES));
const PROCS = Number(opt('procs', 1));
const CONCURRENCY = Number(opt('concurrency', 16));
const LATENCY_SAMPLES = Number(opt('latency-samples', 2000));
const ROUNDS = Number(opt('rounds', 3));
const RAW = !args.includes('--no-raw');
const SKIP_ELASTICMQ = args.includes('--skip-elasticmq');
const REDIS_URL = process.env.WHARF_REDIS_URL || 'redis://127.0.0.1:6380';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
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
async function waitHttp(url, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`${url} did not answer`);
}

const COMMANDS = {
  CreateQueue: CreateQueueCommand,
  SendMessage: SendMessageCommand,
  SendMessageBatch: SendMessageBatchCommand,
  ReceiveMessage: ReceiveMessageCommand,
  DeleteMessageBatch: DeleteMessageBatchCommand,
  DeleteQueue: DeleteQueueCommand,
};

/** The official SDK (AWS JSON 1.0, SigV4-signed, MD5s checked): what applications see. */
function sdkApi(endpoint) {
  const c = client(endpoint);
  return { send: (op, input) => c.send(new COMMANDS[op](input)) };
}

/**
 * A bare AWS JSON 1.0 caller (keep-alive HTTP, no signing, no MD5 checks): far cheaper per request than
 * the SDK, so on a small machine it shows what the server can do rather than what the client can send.
 */
function rawApi(endpoint) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const { hostname, port } = new URL(endpoint);
  return {
    send: (op, input) =>
      new Promise((resolveCall, reject) => {
        const body = Buffer.from(JSON.stringify(input));
        const req = http.request(
          {
            agent,
            hostname,
            port,
            method: 'POST',
            path: '/',
            headers: {
              'content-type': 'application/x-amz-json-1.0',
              'x-amz-target': `AmazonSQS.${op}`,
              'content-length': body.length,
              authorization: 'AWS4-HMAC-SHA256 Credential=x/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
            },
          },
          (res) => {
            const chunks = [];
            res.on('data', (d) => chunks.push(d));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode !== 200) return reject(new Error(`${op} ${res.statusCode} ${text}`));
              resolveCall(text ? JSON.parse(text) : {});
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
  };
}

function client(endpoint) {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 256 }) }),
  });
}

// ---- servers -----------------------------------------------------------------------------------------

async function startWharf() {
  const main = join(root, 'apps/sqs/dist/main.js');
  if (!existsSync(main)) throw new Error('apps/sqs is not built: npm run build');
  const prefix = `wharf:bench:${Date.now().toString(36)}:`;
  const procs = [];
  const urls = [];
  for (let i = 0; i < PROCS; i++) {
    const port = await freePort();
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, SQS_PORT: String(port), SQS_REDIS_PREFIX: prefix, WHARF_LOG_LEVEL: 'warn', WHARF_REDIS_URL: REDIS_URL },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    procs.push(child);
    urls.push(`http://127.0.0.1:${port}`);
  }
  for (const u of urls) await waitHttp(`${u}/health`);
  return {
    name: `Wharf (${PROCS} process${PROCS > 1 ? 'es' : ''})`,
    urls,
    pids: procs.map((p) => p.pid),
    redis: true,
    async stop() {
      for (const p of procs) p.kill('SIGTERM');
      await sleep(300);
      // remove the bench keys
      const Redis = require('ioredis');
      const r = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await r.unlink(...keys);
      } while (cursor !== '0');
      r.disconnect();
    },
  };
}

async function startElasticMq() {
  const dir = join(__dirname, 'elasticmq');
  const lib = join(dir, 'lib');
  if (!existsSync(lib) || readdirSync(lib).length === 0) {
    console.log('fetching ElasticMQ from Maven Central…');
    execFileSync('mvn', ['-B', '-q', '-f', join(dir, 'pom.xml'), 'package'], { stdio: 'inherit' });
  }
  const port = await freePort();
  const conf = join(root, 'tmp', 'bench-elasticmq.conf');
  mkdirSync(join(root, 'tmp'), { recursive: true });
  writeFileSync(
    conf,
    [
      'include classpath("application.conf")',
      'node-address { protocol = http, host = "127.0.0.1", port = ' + port + ', context-path = "" }',
      'rest-sqs { enabled = true, bind-port = ' + port + ', bind-hostname = "127.0.0.1", sqs-limits = relaxed }',
      'rest-stats { enabled = false }',
      'aws { region = us-east-1, accountId = 000000000000 }',
    ].join('\n'),
  );
  const child = spawn('java', ['-Xmx1g', `-Dconfig.file=${conf}`, '-cp', `${lib}/*`, 'org.elasticmq.server.Main'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(url);
  return {
    name: 'ElasticMQ',
    urls: [url],
    pids: [child.pid],
    async stop() {
      child.kill('SIGTERM');
      await sleep(300);
    },
  };
}

// ---- workloads ---------------------------------------------------------------------------------------

/** Producers send batches of 10, consumers receive 10 and delete in batches, until every message is deleted. */
async function throughput(server, { fifo, total, groups, raw = false }) {
  const clients = server.urls.map(raw ? rawApi : sdkApi);
  const name = `bench-${fifo ? 'fifo' : 'std'}-${Date.now().toString(36)}${fifo ? '.fifo' : ''}`;
  const { QueueUrl: url0 } = await clients[0].send('CreateQueue', {
    QueueName: name,
    Attributes: fifo ? { FifoQueue: 'true', VisibilityTimeout: '60' } : { VisibilityTimeout: '60' },
  });
  // Queue URLs carry the first process' host; every client sends to its own endpoint regardless.
  const urlFor = () => url0;
  const batches = Math.ceil(total / 10);
  let nextBatch = 0;
  let deleted = 0;
  let receives = 0;
  const started = Date.now();
  const producer = async (i) => {
    const c = clients[i % clients.length];
    for (let b = nextBatch++; b < batches; b = nextBatch++) {
      const entries = Array.from({ length: 10 }, (_, k) => {
        const n = b * 10 + k;
        const e = { Id: `m${k}`, MessageBody: `message ${n} ${'x'.repeat(100)}` };
        if (fifo) {
          e.MessageGroupId = `group-${n % groups}`;
          e.MessageDeduplicationId = `d${n}`;
        }
        return e;
      });
      await c.send('SendMessageBatch', { QueueUrl: urlFor(), Entries: entries });
    }
  };
  const consumer = async (i) => {
    const c = clients[i % clients.length];
    while (deleted < batches * 10) {
      const r = await c.send('ReceiveMessage', { QueueUrl: urlFor(), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
      const msgs = r.Messages || [];
      receives++;
      if (!msgs.length) continue;
      await c.send('DeleteMessageBatch', {
        QueueUrl: urlFor(),
        Entries: msgs.map((m, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle })),
      });
      deleted += msgs.length;
    }
  };
  await Promise.all([
    ...Array.from({ length: CONCURRENCY }, (_, i) => producer(i)),
    ...Array.from({ length: CONCURRENCY }, (_, i) => consumer(i)),
  ]);
  const seconds = (Date.now() - started) / 1000;
  if (process.env.BENCH_DEBUG) console.log(`${server.name} ${fifo ? 'fifo' : 'standard'}: ${receives} receives, ${(batches * 10 / receives).toFixed(2)} msgs/receive, ${seconds.toFixed(1)} s`);
  await clients[0].send('DeleteQueue', { QueueUrl: url0 }).catch(() => undefined);
  return (batches * 10) / seconds;
}

/** Sequential single SendMessage calls: p50 / p99 in ms. */
async function latency(server) {
  const c = client(server.urls[0]);
  const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: `bench-lat-${Date.now().toString(36)}` }));
  const samples = [];
  for (let i = 0; i < LATENCY_SAMPLES + 200; i++) {
    const t = process.hrtime.bigint();
    await c.send(new SendMessageCommand({ QueueUrl, MessageBody: `latency ${i}` }));
    if (i >= 200) samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  await c.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
  return { p50: samples[Math.floor(samples.length * 0.5)], p99: samples[Math.floor(samples.length * 0.99)] };
}

/** CPU seconds (user + system) the server's processes, and Redis for Wharf, have used so far. */
async function cpuSeconds(server) {
  let total = 0;
  for (const pid of server.pids) {
    try {
      const f = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
    } catch {
      return NaN;
    }
  }
  if (server.redis) {
    const Redis = require('ioredis');
    const r = new Redis(REDIS_URL);
    const info = await r.info('cpu');
    r.disconnect();
    const get = (k) => Number((new RegExp(`${k}:([0-9.]+)`).exec(info) || [])[1] || 0);
    total += get('used_cpu_user') + get('used_cpu_sys');
  }
  return total;
}

/** Runs a throughput workload and also reports the server CPU it cost per 1,000 messages. */
async function costed(server, options) {
  const before = await cpuSeconds(server);
  const rate = await throughput(server, options);
  const used = (await cpuSeconds(server)) - before;
  const total = Math.ceil(options.total / 10) * 10;
  return { rate, cpuMsPer1k: (used * 1000 * 1000) / total };
}

/** One round of every workload on one server. */
async function round(server) {
  const standard = await throughput(server, { fifo: false, total: MESSAGES });
  const fifo = await throughput(server, { fifo: true, total: FIFO_MESSAGES, groups: 100 });
  const lat = await latency(server);
  const out = { standard, fifo, ...lat };
  if (RAW) {
    const st = await costed(server, { fifo: false, total: MESSAGES, raw: true });
    const ff = await costed(server, { fifo: true, total: FIFO_MESSAGES, groups: 100, raw: true });
    Object.assign(out, { rawStandard: st.rate, rawFifo: ff.rate, cpuStandard: st.cpuMsPer1k, cpuFifo: ff.cpuMsPer1k });
  }
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  console.log(`SQS bench: ${MESSAGES} standard + ${FIFO_MESSAGES} FIFO messages (100 groups), ${CONCURRENCY} producers + ${CONCURRENCY} consumers, batches of 10, ${LATENCY_SAMPLES} single sends`);
  // Both servers stay up; rounds alternate between them and each figure is the median of its rounds, so
  // a burst of other load on a shared machine hits both sides alike.
  const servers = [await startWharf()];
  if (!SKIP_ELASTICMQ) servers.push(await startElasticMq());
  const runs = servers.map(() => []);
  try {
    for (const s of servers) await throughput(s, { fifo: false, total: 2000 }); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < servers.length; i++) {
        const res = await round(servers[i]);
        runs[i].push(res);
        console.log(
          `round ${r + 1} ${servers[i].name}: SDK standard ${res.standard.toFixed(0)} msg/s, FIFO ${res.fifo.toFixed(0)} msg/s, ` +
            `send p50 ${res.p50.toFixed(2)} ms, p99 ${res.p99.toFixed(2)} ms` +
            (RAW
              ? `; raw JSON standard ${res.rawStandard.toFixed(0)} msg/s (${res.cpuStandard.toFixed(0)} CPU-ms/1k msgs), ` +
                `FIFO ${res.rawFifo.toFixed(0)} msg/s (${res.cpuFifo.toFixed(0)} CPU-ms/1k msgs)`
              : ''),
        );
      }
    }
  } finally {
    for (const s of servers) await s.stop();
  }
  const results = servers.map((s, i) => ({
    name: s.name,
    standard: median(runs[i].map((x) => x.standard)),
    fifo: median(runs[i].map((x) => x.fifo)),
    p50: median(runs[i].map((x) => x.p50)),
    p99: median(runs[i].map((x) => x.p99)),
    ...(RAW
      ? {
          rawStandard: median(runs[i].map((x) => x.rawStandard)),
          rawFifo: median(runs[i].map((x) => x.rawFifo)),
          cpuStandard: median(runs[i].map((x) => x.cpuStandard)),
          cpuFifo: median(runs[i].map((x) => x.cpuFifo)),
        }
      : {}),
  }));
  const fmt = (n) => n.toFixed(0).padStart(9);
  console.log(`\nmedians of ${ROUNDS} rounds`);
  console.log('                      standard msg/s   FIFO msg/s   send p50 ms   send p99 ms');
  for (const r of results) {
    console.log(`${r.name.padEnd(22)}${fmt(r.standard)}        ${fmt(r.fifo)}   ${r.p50.toFixed(2).padStart(11)}   ${r.p99.toFixed(2).padStart(11)}`);
  }
  if (RAW) {
    console.log('\n                      raw JSON standard msg/s   raw JSON FIFO msg/s   server CPU-ms per 1k msgs (standard / FIFO)');
    for (const r of results) {
      console.log(`${r.name.padEnd(22)}${fmt(r.rawStandard)}                  ${fmt(r.rawFifo)}          ${r.cpuStandard.toFixed(0)} / ${r.cpuFifo.toFixed(0)}`);
    }
  }
  const out = { when: new Date().toISOString(), messages: MESSAGES, rounds: ROUNDS, procs: PROCS, concurrency: CONCURRENCY, results, runs };
  if (results.length === 2) {
    const [w, e] = results;
    out.ratios = { standard: w.standard / e.standard, fifo: w.fifo / e.fifo, p50: w.p50 / e.p50, p99: w.p99 / e.p99 };
    if (RAW) {
      Object.assign(out.ratios, {
        rawStandard: w.rawStandard / e.rawStandard,
        rawFifo: w.rawFifo / e.rawFifo,
        cpuStandard: w.cpuStandard / e.cpuStandard,
        cpuFifo: w.cpuFifo / e.cpuFifo,
      });
    }
    console.log(
      `\nratio Wharf/ElasticMQ: standard ${out.ratios.standard.toFixed(2)}x, FIFO ${out.ratios.fifo.toFixed(2)}x, ` +
        `send latency p50 ${out.ratios.p50.toFixed(2)}x, p99 ${out.ratios.p99.toFixed(2)}x (lower latency ratio is better)`,
    );
    if (RAW) {
      console.log(
        `raw JSON ratio: standard ${out.ratios.rawStandard.toFixed(2)}x, FIFO ${out.ratios.rawFifo.toFixed(2)}x; ` +
          `server CPU per message (Wharf incl. Redis / ElasticMQ): standard ${out.ratios.cpuStandard.toFixed(2)}x, FIFO ${out.ratios.cpuFifo.toFixed(2)}x`,
      );
    }
    console.log(`targets: standard >= 3x ElasticMQ: ${out.ratios.standard >= 3 ? 'met' : 'NOT met'}; FIFO >= 10,000 msg/s: ${w.fifo >= 10000 ? 'met' : 'NOT met'}`);
  }
  mkdirSync(join(root, 'tmp'), { recursive: true });
  writeFileSync(join(root, 'tmp', 'bench-sqs.json'), JSON.stringify(out, null, 2));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
