#!/usr/bin/env node
// @wharf/kinesis-consumer end to end on Wharf Kinesis (Kafka) with leases in Redis. Usage (after `npm run build`,
// brokers up):   node bench/kinesis-consumer/bench.mjs [records=20000] [takeovers=5] [leaseMs=3000]
// 1. Puts `records` truck positions (~120 bytes, 100 trucks) on a 5-shard stream, then times, over that same
//    stream: a raw GetRecords loop (5 shards in parallel, Limit 10000, ≤ 5 calls/s per shard; first and again
//    last), and 1, 3 and 5 worker processes consuming it from TRIM_HORIZON (fresh leases each time) until every record is processed.
//    Worker runs are timed from one start signal sent once every process has loaded: taking and balancing the
//    leases and reading are counted, Node's own start-up is not (it is printed beside).
// 2. Takeover after kill -9: two workers share 2 shards; one is killed; time until the other holds both
//    (by the survivor's own leaseTaken time). `takeovers` times, median printed.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';

const require = createRequire(import.meta.url);
const { startApp, deleteRedisKeys } = require('@wharf/testing');
const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.argv[2] ?? 20_000);
const TAKEOVERS = Number(process.argv[3] ?? 5);
const LEASE_MS = Number(process.argv[4] ?? 3000);
const run = `kcb${Date.now().toString(36)}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const app = await startApp('kinesis', { portEnv: 'KINESIS_PORT', env: { KINESIS_REDIS_PREFIX: `wharf:bench:${run}`, KINESIS_TOPIC_PREFIX: `wharf.bench.${run}` } });
const client = new KinesisClient({ endpoint: app.url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 10 });
const children = new Set();

async function createStream(name, shards) {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const d = (await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription;
    if (d.StreamStatus === 'ACTIVE') return d.Shards.map((s) => s.ShardId);
    await sleep(100);
  }
}

async function putTrucks(stream, count) {
  const perShard = new Map();
  for (let from = 0; from < count; from += 500) {
    let records = Array.from({ length: Math.min(500, count - from) }, (_, i) => {
      const truck = `truck-${(from + i) % 100}`;
      return { PartitionKey: truck, Data: Buffer.from(JSON.stringify({ truck, n: Math.floor((from + i) / 100), lat: 52.37, lon: 4.89 })) };
    });
    while (records.length) {
      const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
      out.Records.forEach((e) => e.ShardId && perShard.set(e.ShardId, (perShard.get(e.ShardId) ?? 0) + 1));
      records = records.filter((_, i) => out.Records[i].ErrorCode);
      if (records.length) await sleep(200);
    }
  }
  return perShard;
}

/** The baseline: what one process reading every shard itself (no leases, no checkpoints) gets. */
async function rawLoop(stream, perShard) {
  const started = performance.now();
  await Promise.all([...perShard].map(async ([ShardId, expected]) => {
    let it = (await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    let got = 0;
    let last = 0;
    while (got < expected) {
      const wait = last + 200 - performance.now();
      if (wait > 0) await sleep(wait);
      last = performance.now();
      const r = await client.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10_000 }));
      got += r.Records.length;
      it = r.NextShardIterator;
    }
  }));
  return (performance.now() - started) / 1000;
}

function startWorker(id, stream, leasePrefix) {
  const child = spawn(process.execPath, [join(here, 'worker.mjs')], {
    env: { ...process.env, KINESIS_URL: app.url, STREAM: stream, LEASE_PREFIX: leasePrefix, LEASE_MS: String(LEASE_MS), WORKER_ID: id },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  const w = { id, child, count: 0, events: [], exited: new Promise((r) => child.once('exit', r)) };
  w.exited.then(() => children.delete(child));
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      if (msg.ev === 'count') w.count = msg.n;
      else w.events.push(msg);
    }
  });
  return w;
}

async function until(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${typeof what === 'function' ? what() : what}`);
    await sleep(20);
  }
}

async function consumeWith(workers, stream) {
  const prefix = `wharf:bench:${run}:leases:${workers}`;
  const spawned = performance.now();
  const ws = Array.from({ length: workers }, (_, i) => startWorker(`w${i + 1}`, stream, prefix));
  await until(() => ws.every((w) => w.events.some((e) => e.ev === 'loaded')), 120_000, 'workers loaded');
  const started = performance.now();
  for (const w of ws) w.child.kill('SIGUSR2');
  await until(() => ws.reduce((n, w) => n + w.count, 0) >= N, 300_000, () => `${workers} workers: ${ws.map((w) => `${w.id} processed ${w.count}, ${JSON.stringify(w.events)}`).join('; ')}`);
  const seconds = (performance.now() - started) / 1000;
  const processed = ws.reduce((n, w) => n + w.count, 0);
  if (process.env.BENCH_TIMELINE) {
    const t0 = Date.now() - (performance.now() - started);
    const lines = ws.flatMap((w) => w.events.filter((e) => e.t).map((e) => [e.t - t0, w.id, e.ev, e.shard]));
    for (const l of lines.sort((x, y) => x[0] - y[0])) console.log(`  ${Math.round(l[0])} ms ${l.slice(1).join(' ')}`);
  }
  for (const w of ws) w.child.kill('SIGTERM');
  await Promise.all(ws.map((w) => w.exited));
  return { seconds, processed, startup: (started - spawned) / 1000 };
}

const held = (w) => {
  const s = new Set();
  for (const e of w.events) e.ev === 'leaseTaken' ? s.add(e.shard) : s.delete(e.shard);
  return s;
};

async function takeover(i, stream) {
  const prefix = `wharf:bench:${run}:takeover:${i}`;
  const [a, b] = [startWorker('a', stream, prefix), startWorker('b', stream, prefix)];
  await until(() => [a, b].every((w) => w.events.some((e) => e.ev === 'loaded')), 120_000, 'workers loaded');
  for (const w of [a, b]) w.child.kill('SIGUSR2');
  await until(() => held(a).size === 1 && held(b).size === 1, 60_000, () => `two workers with a shard each: ${JSON.stringify([a.events, b.events])}`);
  await sleep(500 + Math.random() * 1000); // kill at a random point of the renewal cycle
  const killedAt = Date.now();
  a.child.kill('SIGKILL');
  await until(() => held(b).size === 2, 60_000, 'takeover');
  const taken = b.events.filter((e) => e.ev === 'leaseTaken').pop().t;
  b.child.kill('SIGTERM');
  await Promise.all([a.exited, b.exited]);
  return taken - killedAt;
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
try {
  const stream = `${run}-trucks`;
  await createStream(stream, 5);
  const perShard = await putTrucks(stream, N);
  const results = [['raw GetRecords loop (1 process, no leases)', await rawLoop(stream, perShard), N]];
  for (const workers of [1, 3, 5]) {
    const r = await consumeWith(workers, stream);
    results.push([`kinesis-consumer, ${workers} worker process${workers > 1 ? 'es' : ''}`, r.seconds, r.processed, r.startup]);
  }
  // Again at the end: the first read of a fresh stream pays for cold caches (Kafka, the app's JIT).
  results.push(['raw GetRecords loop again, last', await rawLoop(stream, perShard), N]);
  console.log(`\n${fmt(N)} records, 5 shards, leases ${LEASE_MS} ms`);
  console.log(`${''.padEnd(46)} ${'seconds'.padStart(8)} ${'rec/s'.padStart(8)}`);
  for (const [name, s, processed, startup] of results) {
    const note = [startup === undefined ? '' : `processes loaded in ${startup.toFixed(1)} s before the start signal`, processed > N ? `${processed - N} redelivered` : ''].filter(Boolean).join(', ');
    console.log(`${name.padEnd(46)} ${s.toFixed(2).padStart(8)} ${fmt(N / s).padStart(8)}  ${note}`);
  }

  const small = `${run}-takeover`;
  await createStream(small, 2);
  await putTrucks(small, 200);
  const times = [];
  for (let i = 0; i < TAKEOVERS; i++) times.push(await takeover(i, small));
  console.log(`takeover after kill -9 (lease ${LEASE_MS} ms): median ${fmt(median(times))} ms of [${times.map(fmt).join(', ')}]`);
  for (const s of [stream, small]) await client.send(new DeleteStreamCommand({ StreamName: s, EnforceConsumerDeletion: true })).catch(() => undefined);
} finally {
  for (const c of children) c.kill('SIGKILL');
  client.destroy();
  await app.stop();
  await deleteRedisKeys(`wharf:bench:${run}`);
}
