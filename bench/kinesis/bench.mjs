#!/usr/bin/env node
// Kinesis throughput: Wharf (on Kafka, acks=all) beside kinesalite and kinesis-local (both in memory) and raw
// kafkajs produce/fetch of the same data, all in one run. Usage (after `npm run build`, brokers up):
//   node bench/kinesis/bench.mjs [records=20000] [rounds=3] [concurrency=8]
// Prints records/s and MiB/s for PutRecords (1 KiB records, 100 keys, 5 shards, 500 per call) and for a full
// GetRecords drain (5 shards in parallel, Limit 10000), and the ratios. Each target runs `rounds` times,
// interleaved with the others, and the median round counts (the machine is shared: single runs are noisy).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteStreamCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { Kafka, logLevel } from 'kafkajs';
import { client, createStream } from '../lib/kinesis-rows.mjs';
import { freePort } from '../lib/servers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONCURRENCY = Number(process.argv[4] ?? 8);
const SHARDS = 5;
const KEYS = 100;
const RECORD = 1024;
const BATCH = 500;
const MiB = 1024 * 1024;
const payload = randomBytes(RECORD);
const run = `b${Date.now().toString(36)}`;
let round = 0;
const children = [];

async function start(name, cmd, args, { cwd = root, env = {}, ready }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  children.push(child);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${out}`);
    if (await ready().catch(() => false)) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not start:\n${out}`);
}

/** PutRecords of N records, CONCURRENCY calls in flight; failed entries are sent again. */
async function putAll(c, stream) {
  const perShard = new Map();
  let next = 0;
  let resent = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < N) {
      const from = next;
      next = Math.min(N, next + BATCH);
      let records = Array.from({ length: next - from }, (_, i) => ({ PartitionKey: `key-${(from + i) % KEYS}`, Data: payload }));
      while (records.length) {
        const r = await c.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
        const failed = [];
        r.Records.forEach((e, i) => {
          if (e.ErrorCode) failed.push(records[i]);
          else perShard.set(e.ShardId, (perShard.get(e.ShardId) ?? 0) + 1);
        });
        resent += failed.length;
        records = failed;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, perShard, resent };
}

/** Drains every shard from TRIM_HORIZON (5 in parallel) until each returned all its records. */
async function drain(c, stream, perShard) {
  const started = process.hrtime.bigint();
  let bytes = 0;
  await Promise.all(
    [...perShard].map(async ([shardId, expected]) => {
      let it = (await c.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      let got = 0;
      while (got < expected) {
        const r = await c.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10_000 }));
        got += r.Records.length;
        for (const rec of r.Records) bytes += rec.Data.length;
        it = r.NextShardIterator;
      }
    }),
  );
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes };
}

async function kinesisTarget(name, url, http1) {
  const c = client(url, http1);
  const stream = `${run}-${name.replace(/[^a-z0-9]/gi, '')}-${round}`;
  await createStream(c, stream, SHARDS);
  const put = await putAll(c, stream);
  const get = await drain(c, stream, put.perShard);
  await c.send(new DeleteStreamCommand({ StreamName: stream })).catch(() => undefined);
  c.destroy();
  if (get.bytes !== N * RECORD) throw new Error(`${name}: drained ${get.bytes} bytes, expected ${N * RECORD}`);
  return { name, put: put.seconds, get: get.seconds, note: put.resent ? `${put.resent} entries throttled and resent` : '' };
}

async function rawKafka(brokers) {
  const kafka = new Kafka({ brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `wharf.bench.${run}.raw${round}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: SHARDS }] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'warm-up', value: payload }] }); // metadata + connection, untimed
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const from = next;
        next = Math.min(N, next + BATCH);
        await producer.send({ topic, acks: -1, messages: Array.from({ length: next - from }, (_, i) => ({ key: `key-${(from + i) % KEYS}`, value: payload })) });
      }
    }),
  );
  const put = Number(process.hrtime.bigint() - t0) / 1e9;
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}.g`, maxBytesPerPartition: 10 * MiB, maxBytes: 50 * MiB });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let got = 0;
  let joined;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = process.hrtime.bigint()));
  const get = await new Promise((res) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        got += batch.messages.length;
        if (got >= N + 1) res(Number(process.hrtime.bigint() - joined) / 1e9);
      },
    });
  });
  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  return { name: 'raw kafkajs (produce acks=all / consumer fetch)', put, get, note: 'fetch timed from the group join (join excluded)' };
}

async function main() {
  const brokers = (process.env.WHARF_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const wharfPort = await freePort();
  const wharfUrl = `http://127.0.0.1:${wharfPort}`;
  await start('wharf', process.execPath, [join(root, 'apps/kinesis/dist/main.js')], {
    env: { KINESIS_PORT: String(wharfPort), KINESIS_ENFORCE_LIMITS: 'false', KINESIS_REDIS_PREFIX: `wharf:bench:${run}`, KINESIS_TOPIC_PREFIX: `wharf.bench.${run}`, WHARF_LOG_LEVEL: 'warn' },
    ready: async () => (await fetch(`${wharfUrl}/health`)).status === 200,
  });
  console.log(
    `records ${N} × ${RECORD} B (${((N * RECORD) / MiB).toFixed(0)} MiB), ${KEYS} keys, ${SHARDS} shards, PutRecords of ${BATCH}, ${CONCURRENCY} calls in flight; ` +
      `median of ${ROUNDS} rounds; node ${process.version}`,
  );
  const targets = [
    ['raw', () => rawKafka(brokers)],
    ['wharf (SDK default: HTTP/2)', () => kinesisTarget('wharf-h2', wharfUrl, false)],
    ['wharf (HTTP/1.1)', () => kinesisTarget('wharf-h1', wharfUrl, true)],
    ['kinesalite (in memory, HTTP/1.1)', async () => {
      const port = await freePort();
      const child = await start('kinesalite', process.execPath, [join(root, 'node_modules/kinesalite/cli.js'), '--port', String(port), '--createStreamMs', '0', '--shardLimit', '1000'], {
        ready: async () => (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' })).status > 0,
      });
      try {
        return await kinesisTarget('kinesalite', `http://127.0.0.1:${port}`, true);
      } finally {
        child.kill('SIGTERM');
      }
    }],
    // kinesis-local (LocalStack's Kinesis engine) reads server.json from its working directory; its HTTP/2 fails the SDK.
    ['kinesis-local (in memory, HTTP/1.1)', async () => {
      const [port, tls] = [await freePort(), await freePort()];
      const child = await start('kinesis-local', process.execPath, ['main.js'], {
        cwd: join(root, 'node_modules/kinesis-local'),
        env: { KINESIS_MOCK_PLAIN_PORT: String(port), KINESIS_MOCK_TLS_PORT: String(tls), LOG_LEVEL: 'WARN', SHARD_LIMIT: '1000' },
        ready: async () => (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' })).status > 0,
      });
      try {
        return await kinesisTarget('kinesis-local', `http://127.0.0.1:${port}`, true);
      } finally {
        child.kill('SIGTERM');
      }
    }],
  ];
  const runs = new Map(targets.map(([name]) => [name, []]));
  for (round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of targets) {
      try {
        const r = await fn();
        runs.get(name).push({ ...r, name: name === 'raw' ? r.name : name });
        process.stderr.write(`round ${round + 1}/${ROUNDS} ${name}: put ${Math.round(N / r.put)} rec/s, get ${Math.round(N / r.get)} rec/s\n`);
      } catch (error) {
        runs.get(name).push({ name, error: String(error.message ?? error).split('\n')[0] });
      }
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = [...runs.values()].map((rs) => {
    const ok = rs.filter((r) => !r.error);
    if (ok.length === 0) return rs[0];
    return { ...ok[0], put: median(ok.map((r) => r.put)), get: median(ok.map((r) => r.get)) };
  });
  const mib = (N * RECORD) / MiB;
  const fmt = (s) => (s ? `${Math.round(N / s).toLocaleString('en-US').padStart(9)} rec/s ${(mib / s).toFixed(1).padStart(6)} MiB/s` : '—'.padStart(30));
  console.log(`\n${'target'.padEnd(48)} ${'PutRecords'.padEnd(30)}  ${'GetRecords drain'.padEnd(30)}  note`);
  for (const r of results) console.log(`${r.name.padEnd(48)} ${r.error ? `failed: ${r.error}` : `${fmt(r.put)}  ${fmt(r.get)}  ${r.note ?? ''}`}`);
  const by = (prefix) => results.find((r) => r.name.startsWith(prefix) && !r.error);
  const w = by('wharf (SDK');
  const ratio = (a, b) => (a && b ? (b / a).toFixed(2) + '×' : 'n/a');
  if (w) {
    console.log('\nratios (wharf over HTTP/2 ÷ other; >1 = wharf faster)');
    for (const other of ['kinesalite', 'kinesis-local', 'raw kafkajs']) {
      const o = by(other);
      console.log(`  vs ${other.padEnd(14)} put ${ratio(w.put, o?.put).padStart(7)}   get ${ratio(w.get, o?.get).padStart(7)}`);
    }
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill('SIGTERM');
  });
