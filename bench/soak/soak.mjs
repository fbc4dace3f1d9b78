#!/usr/bin/env node
// Soak: steady mixed load through the AWS SDK v3 on all four services behind the edge, RSS of every process
// sampled, and a verdict on whether memory stays flat. Usage (after `npm run build`, brokers up):
//
//   node bench/soak/soak.mjs [--minutes 30] [--sample-seconds 10] [--rate 1] [--out tmp/soak.json] [--inspect]
//
// --inspect starts every process with its inspector on a free loopback port and samples V8's own figures
// beside RSS (heap used, heap total, external; no GC is forced during the run, so RSS behaves as without
// it), then forces a full GC in each process at the end: the heap still used after it, compared with the
// heap after a forced GC at the start of the load, tells retained objects from garbage not collected yet.
//
// Load per second at --rate 1 (≈ 110 SDK calls/s in all; the machine is shared, so the load is steady, not
// maximal): SQS standard 10 SendMessage + ReceiveMessage/DeleteMessageBatch, SQS FIFO 5 SendMessage over 4
// groups + receive/delete, SNS 5 Publish → raw SQS subscription → receive/delete, Kinesis 10 PutRecord +
// 1 PutRecords(10) + GetRecords on each of 2 shards, MQ 5 API calls (Describe/List/tags on a RabbitMQ broker).
// Every received message is checked against what was sent (lost or duplicated ones are reported).
//
// Verdict per process (see bench/soak/README.md for why these thresholds): flat when the least-squares slope
// of RSS over the second half of the run is below 1 MiB per 10 minutes and the largest sample after warm-up
// (the first 20% of the run) is within 20% of the median of those samples.
import { readFileSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openInspector } from '../lib/inspector.mjs';
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageBatchCommand, DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, DeleteTopicCommand } from '@aws-sdk/client-sns';
import {
  KinesisClient,
  CreateStreamCommand,
  DescribeStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  GetShardIteratorCommand,
  GetRecordsCommand,
  DeleteStreamCommand,
} from '@aws-sdk/client-kinesis';
import {
  MqClient,
  CreateBrokerCommand,
  DescribeBrokerCommand,
  ListBrokersCommand,
  DescribeBrokerEngineTypesCommand,
  DescribeBrokerInstanceOptionsCommand,
  CreateTagsCommand,
  ListTagsCommand,
  DeleteTagsCommand,
  DeleteBrokerCommand,
} from '@aws-sdk/client-mq';
import { flag, opt } from '../lib/args.mjs';

const { startApp, deleteRedisKeys } = createRequire(import.meta.url)('@wharf/testing');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MINUTES = Number(opt('minutes', 30));
const SAMPLE_MS = Number(opt('sample-seconds', 10)) * 1000;
const RATE = Number(opt('rate', 1));
const INSPECT = flag('inspect');
const OUT = opt('out', join(root, 'tmp', `soak-${Date.now()}.json`));
const SLOPE_LIMIT_MIB_PER_10MIN = 1;
const MAX_OVER_MEDIAN = 0.2;
const WARMUP_FRACTION = 0.2;

const MiB = 1024 * 1024;
const run = `soak${Date.now().toString(36)}`;
const prefixes = { sqs: `wharf:soak:${run}:sqs:`, sns: `wharf:soak:${run}:sns:`, kinesis: `wharf:soak:${run}:kinesis`, mq: `wharf:soak:${run}:mq:` };
const dataDir = join(root, 'tmp', 'soak', run);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = new Map();
let stopping = false;
process.on('exit', () => {
  for (const { child } of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
});


/** Starts a built app (waits for /health 200); an exit before the end of the run is reported. */
async function start(name, portEnv, env = {}) {
  const inspect = INSPECT ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim() } : {};
  const app = await startApp(name, { portEnv, env: { ...env, ...inspect }, timeoutMs: 90_000 });
  if (INSPECT) app.inspector = await openInspector(name, app.output());
  app.child.on('exit', (code, signal) => {
    if (!stopping) console.error(`!! ${name} exited (${code ?? signal}) during the soak:\n${app.output().slice(-4000)}`);
  });
  children.set(name, app);
  return app.url;
}

function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
}

// ---- counters ---------------------------------------------------------------------------------------------
const calls = new Map(); // "svc Operation" → { ok, err, lastError }
async function call(client, svc, command) {
  const key = `${svc} ${command.constructor.name.replace(/Command$/, '')}`;
  const c = calls.get(key) ?? calls.set(key, { ok: 0, err: 0, lastError: '' }).get(key);
  try {
    const out = await client.send(command);
    c.ok++;
    return out;
  } catch (err) {
    c.err++;
    c.lastError = `${err.name}: ${err.message}`.slice(0, 200);
    return undefined;
  }
}
const totalCalls = () => [...calls.values()].reduce((n, c) => n + c.ok + c.err, 0);

/** Runs `fn` every `periodMs` (skipping a tick when the previous one is still running) until the end. */
function every(periodMs, fn, until) {
  return (async () => {
    let next = Date.now();
    while (Date.now() < until() && !stopping) {
      await fn();
      next += periodMs;
      await sleep(Math.max(0, next - Date.now()));
      if (Date.now() - next > 5 * periodMs) next = Date.now(); // fell behind (machine busy): do not burst
    }
  })();
}

/**
 * Message ledger: every body acknowledged by a send is expected back exactly once (a duplicate is counted).
 * A body is expected from before its send (the receive may come back before the send's response does);
 * a send that failed leaves it uncertain: it may or may not arrive.
 */
function ledger(name) {
  const pending = new Set();
  const uncertain = new Set();
  const l = { name, sent: 0, received: 0, duplicates: 0, pending };
  l.send = async (body, send) => {
    pending.add(body);
    if (await send()) l.sent++;
    else if (pending.delete(body)) uncertain.add(body);
  };
  l.received_ = (body) => {
    if (pending.delete(body) || uncertain.delete(body)) l.received++;
    else l.duplicates++;
  };
  return l;
}

async function main() {
  const started = Date.now();
  console.log(`soak ${run}: ${MINUTES} min, RSS every ${SAMPLE_MS / 1000} s, rate ×${RATE}; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  mkdirSync(dataDir, { recursive: true });
  const sqsUrl = await start('sqs', 'SQS_PORT', { SQS_REDIS_PREFIX: prefixes.sqs });
  const [snsUrl, kinesisUrl, mqUrl] = await Promise.all([
    start('sns', 'SNS_PORT', { SNS_REDIS_PREFIX: prefixes.sns, WHARF_SQS_URL: sqsUrl }),
    start('kinesis', 'KINESIS_PORT', { KINESIS_REDIS_PREFIX: prefixes.kinesis, KINESIS_TOPIC_PREFIX: `wharf.${run}` }),
    start('mq', 'MQ_PORT', { WHARF_MQ_REDIS_PREFIX: prefixes.mq, WHARF_MQ_DATA_DIR: dataDir, WHARF_MQ_ACTIVEMQ_STRATEGY: 'off' }),
  ]);
  const edgeUrl = await start('edge', 'EDGE_PORT', { WHARF_SQS_URL: sqsUrl, WHARF_SNS_URL: snsUrl, WHARF_KINESIS_URL: kinesisUrl, WHARF_MQ_URL: mqUrl });
  const config = { endpoint: edgeUrl, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  const kinesis = new KinesisClient(config); // HTTP/2 (h2c) to the edge, as the SDK does by default
  const mq = new MqClient(config);

  // ---- set-up -------------------------------------------------------------------------------------------
  const std = (await sqs.send(new CreateQueueCommand({ QueueName: `${run}-std` }))).QueueUrl;
  const fifo = (await sqs.send(new CreateQueueCommand({ QueueName: `${run}.fifo`, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl;
  const fanQ = (await sqs.send(new CreateQueueCommand({ QueueName: `${run}-sns` }))).QueueUrl;
  const fanArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: fanQ, AttributeNames: ['QueueArn'] }))).Attributes.QueueArn;
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: run }))).TopicArn;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: fanArn, Attributes: { RawMessageDelivery: 'true' } }));
  const StreamName = run;
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
  let shards = [];
  for (let i = 0; i < 100; i++) {
    const d = await kinesis.send(new DescribeStreamCommand({ StreamName }));
    if (d.StreamDescription.StreamStatus === 'ACTIVE') {
      shards = d.StreamDescription.Shards.map((s) => s.ShardId);
      break;
    }
    await sleep(200);
  }
  const broker = await mq.send(
    new CreateBrokerCommand({
      BrokerName: run,
      EngineType: 'RABBITMQ',
      DeploymentMode: 'SINGLE_INSTANCE',
      HostInstanceType: 'mq.m5.large',
      PubliclyAccessible: false,
      AutoMinorVersionUpgrade: true,
      Users: [{ Username: run, Password: 'Wharf-soak-pass-123' }],
    }),
  );
  const setupSeconds = (Date.now() - started) / 1000;

  // ---- load ---------------------------------------------------------------------------------------------
  const loadStart = Date.now();
  const end = loadStart + MINUTES * 60_000;
  const until = () => end;
  const drainUntil = () => end + 30_000; // consumers drain what is still in flight
  const ledgers = { std: ledger('SQS standard'), fifo: ledger('SQS FIFO'), sns: ledger('SNS → SQS'), kinesis: ledger('Kinesis') };
  let seq = 0;
  const body = (tag) => `${tag}:${++seq}:${'x'.repeat(200)}`;

  const consume = (QueueUrl, l) =>
    every(
      50,
      async () => {
        if (Date.now() > end && l.pending.size === 0) return;
        const r = await call(sqs, 'sqs', new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        const msgs = r?.Messages ?? [];
        if (!msgs.length) return;
        for (const m of msgs) l.received_(m.Body);
        await call(sqs, 'sqs', new DeleteMessageBatchCommand({ QueueUrl, Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
      },
      drainUntil,
    );

  const loops = [
    every(100 / RATE, async () => {
      const b = body('std');
      await ledgers.std.send(b, () => call(sqs, 'sqs', new SendMessageCommand({ QueueUrl: std, MessageBody: b })));
    }, until),
    consume(std, ledgers.std),
    every(200 / RATE, async () => {
      const b = body('fifo');
      await ledgers.fifo.send(b, () => call(sqs, 'sqs', new SendMessageCommand({ QueueUrl: fifo, MessageBody: b, MessageGroupId: `g${seq % 4}` })));
    }, until),
    consume(fifo, ledgers.fifo),
    every(200 / RATE, async () => {
      const b = body('sns');
      await ledgers.sns.send(b, () => call(sns, 'sns', new PublishCommand({ TopicArn: topicArn, Message: b })));
    }, until),
    consume(fanQ, ledgers.sns),
    every(100 / RATE, async () => {
      const b = body('kin');
      await ledgers.kinesis.send(b, () => call(kinesis, 'kinesis', new PutRecordCommand({ StreamName, PartitionKey: `k${seq % 16}`, Data: Buffer.from(b) })));
    }, until),
    every(1000 / RATE, async () => {
      const bodies = Array.from({ length: 10 }, () => body('kin'));
      const put = call(kinesis, 'kinesis', new PutRecordsCommand({ StreamName, Records: bodies.map((b, i) => ({ PartitionKey: `p${i}`, Data: Buffer.from(b) })) }));
      await Promise.all(bodies.map((b, i) => ledgers.kinesis.send(b, async () => (await put)?.Records[i].SequenceNumber)));
    }, until),
    ...shards.map(async (ShardId) => {
      let it = (await call(kinesis, 'kinesis', new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' })))?.ShardIterator;
      await every(
        1000,
        async () => {
          if (Date.now() > end && ledgers.kinesis.pending.size === 0) return;
          const r = it && (await call(kinesis, 'kinesis', new GetRecordsCommand({ ShardIterator: it, Limit: 1000 })));
          if (!r) {
            it = (await call(kinesis, 'kinesis', new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'LATEST' })))?.ShardIterator;
            return;
          }
          for (const rec of r.Records ?? []) ledgers.kinesis.received_(Buffer.from(rec.Data).toString());
          it = r.NextShardIterator;
        },
        drainUntil,
      );
    }),
    every(200 / RATE, async () => {
      const ops = [
        () => new DescribeBrokerCommand({ BrokerId: broker.BrokerId }),
        () => new ListBrokersCommand({}),
        () => new DescribeBrokerEngineTypesCommand({}),
        () => new DescribeBrokerInstanceOptionsCommand({ EngineType: 'RABBITMQ' }),
        () => new CreateTagsCommand({ ResourceArn: broker.BrokerArn, Tags: { soak: String(seq) } }),
        () => new ListTagsCommand({ ResourceArn: broker.BrokerArn }),
        () => new DeleteTagsCommand({ ResourceArn: broker.BrokerArn, TagKeys: ['soak'] }),
      ];
      await call(mq, 'mq', ops[seq++ % ops.length]());
    }, until),
  ];

  // ---- sampling -----------------------------------------------------------------------------------------
  const names = [...children.keys()];
  const samples = []; // { t (s since load start), rss: {name: bytes}, cpu: {name: s}, calls, healthy }
  const header = ['t', ...names.map((n) => `${n} MiB`), 'calls/s', 'backlog', 'load'];
  console.log(header.map((h) => h.padStart(11)).join(''));
  let lastCalls = 0;
  let unhealthy = 0;
  const sample = async () => {
    const t = (Date.now() - loadStart) / 1000;
    const rss = {};
    const cpu = {};
    for (const [name, { child }] of children) {
      rss[name] = child.exitCode === null ? rssBytes(child.pid) : NaN;
      cpu[name] = child.exitCode === null ? cpuSeconds(child.pid) : NaN;
    }
    const health = await Promise.all([...children.values()].map(({ url }) => fetch(`${url}/health`).then((r) => r.status, () => 0)));
    if (health.some((s) => s !== 200)) unhealthy++;
    const heap = INSPECT ? Object.fromEntries(await Promise.all([...children].map(async ([name, app]) => [name, await app.inspector.memory()]))) : undefined;
    const n = totalCalls();
    const backlog = Object.values(ledgers).reduce((s, l) => s + l.pending.size, 0);
    samples.push({ t, rss, cpu, calls: n, backlog, health, ...(heap && { heap }) });
    const rate = ((n - lastCalls) / (SAMPLE_MS / 1000)).toFixed(0);
    lastCalls = n;
    console.log([t.toFixed(0), ...names.map((k) => (rss[k] / MiB).toFixed(1)), rate, backlog, loadavg()[0].toFixed(2)].map((v) => String(v).padStart(11)).join(''));
  };
  // With --inspect: a full GC in every process once the warm-up is over and once at the end of the load; the
  // heap left after each is what the process really holds (the rest of its RSS is garbage and V8's reserve).
  const heapAfterGc = {};
  const collect = async (label) => {
    if (!INSPECT) return;
    const t = (Date.now() - loadStart) / 1000;
    heapAfterGc[label] = { t, ...Object.fromEntries(await Promise.all([...children].map(async ([name, app]) => [name, await app.inspector.memory(true)]))) };
  };
  await sample();
  const warmupGc = sleep(WARMUP_FRACTION * MINUTES * 60_000).then(() => collect('warm'));
  const sampler = every(SAMPLE_MS, sample, until);
  await sampler;
  await sample(); // at the end of the load; the drain after it is not measured
  await warmupGc;
  await collect('end');
  await Promise.all(loops);

  // ---- verdict ------------------------------------------------------------------------------------------
  const afterWarmup = samples.filter((s) => s.t >= WARMUP_FRACTION * MINUTES * 60);
  const secondHalf = samples.filter((s) => s.t >= (MINUTES * 60) / 2);
  console.log(`\nRSS per process (MiB); slope = least squares over the second half (${secondHalf.length} samples), in MiB per 10 min`);
  console.log(['process', 'start', 'median', 'max', 'end', 'slope', 'max/median', 'cpu s', 'verdict'].map((h) => h.padStart(11)).join(''));
  const verdicts = {};
  for (const name of names) {
    const xs = secondHalf.map((s) => s.t);
    const ys = secondHalf.map((s) => s.rss[name] / MiB);
    const slope = leastSquaresSlope(xs, ys) * 600;
    const warm = afterWarmup.map((s) => s.rss[name] / MiB);
    const med = median(warm);
    const max = Math.max(...warm);
    const flat = Number.isFinite(slope) && slope < SLOPE_LIMIT_MIB_PER_10MIN && max <= med * (1 + MAX_OVER_MEDIAN);
    const cpu = samples.at(-1).cpu[name] - samples[0].cpu[name];
    verdicts[name] = { start: samples[0].rss[name] / MiB, median: med, max, end: samples.at(-1).rss[name] / MiB, slopeMiBPer10Min: slope, maxOverMedian: max / med, cpuSeconds: cpu, flat };
    console.log(
      [name, (samples[0].rss[name] / MiB).toFixed(1), med.toFixed(1), max.toFixed(1), (samples.at(-1).rss[name] / MiB).toFixed(1), slope.toFixed(2), (max / med).toFixed(3), cpu.toFixed(0), flat ? 'flat' : 'NOT FLAT']
        .map((v) => String(v).padStart(11))
        .join(''),
    );
  }
  if (INSPECT) {
    const [w, e] = [heapAfterGc.warm, heapAfterGc.end];
    console.log(`\nV8 heap (MiB): used after a forced full GC at ${w.t.toFixed(0)} s (end of warm-up) and at ${e.t.toFixed(0)} s (end of load); growth per 10 min between them; largest heapTotal and external sampled`);
    console.log(['process', 'after GC', 'after GC', 'growth', 'heapTotal', 'external', 'rss at end'].map((h) => h.padStart(11)).join(''));
    for (const name of names) {
      const growth = ((e[name].heapUsed - w[name].heapUsed) / MiB / (e.t - w.t)) * 600;
      const most = (k) => Math.max(...samples.filter((s) => s.heap).map((s) => s.heap[name][k])) / MiB;
      verdicts[name].heapAfterGc = { warm: w[name].heapUsed / MiB, end: e[name].heapUsed / MiB, growthMiBPer10Min: growth };
      console.log([name, (w[name].heapUsed / MiB).toFixed(2), (e[name].heapUsed / MiB).toFixed(2), growth.toFixed(2), most('heapTotal').toFixed(1), most('external').toFixed(1), (e[name].rss / MiB).toFixed(1)].map((v) => String(v).padStart(11)).join(''));
    }
  }
  console.log('\ncalls by operation (ok / errors):');
  for (const [k, c] of [...calls].sort()) console.log(`  ${k.padEnd(42)} ${String(c.ok).padStart(8)} / ${c.err}${c.err ? `   last: ${c.lastError}` : ''}`);
  console.log('\nmessages: sent / received exactly once / duplicates / missing');
  for (const l of Object.values(ledgers)) console.log(`  ${l.name.padEnd(14)} ${l.sent} / ${l.received} / ${l.duplicates} / ${l.pending.size}`);
  const exited = names.filter((n) => children.get(n).child.exitCode !== null);
  const allFlat = Object.values(verdicts).every((v) => v.flat);
  const lost = Object.values(ledgers).reduce((s, l) => s + l.pending.size, 0);
  console.log(`\nhealth checks failed in ${unhealthy} of ${samples.length} samples; processes exited: ${exited.join(', ') || 'none'}; set-up ${setupSeconds.toFixed(0)} s`);
  const verdict = allFlat && exited.length === 0 && lost === 0 && unhealthy === 0;
  console.log(`VERDICT: ${verdict ? 'FLAT' : 'NOT FLAT'} (RSS ${allFlat ? 'flat' : 'not flat'}, ${lost} messages missing, ${exited.length} exits, ${unhealthy} unhealthy samples)`);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ run, minutes: MINUTES, rate: RATE, cpus: cpus().length, samples, verdicts, heapAfterGc, calls: Object.fromEntries(calls), ledgers: Object.fromEntries(Object.entries(ledgers).map(([k, l]) => [k, { sent: l.sent, received: l.received, duplicates: l.duplicates, missing: l.pending.size }])) }, null, 1));
  console.log(`samples written to ${OUT}`);

  // ---- clean-up -----------------------------------------------------------------------------------------
  await Promise.allSettled([
    sqs.send(new DeleteQueueCommand({ QueueUrl: std })),
    sqs.send(new DeleteQueueCommand({ QueueUrl: fifo })),
    sqs.send(new DeleteQueueCommand({ QueueUrl: fanQ })),
    sns.send(new DeleteTopicCommand({ TopicArn: topicArn })),
    kinesis.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true })),
    mq.send(new DeleteBrokerCommand({ BrokerId: broker.BrokerId })),
  ]);
  await sleep(2000); // the broker's vhost is removed in the background
  stopping = true;
  await Promise.all([...children.values()].map((app) => app.stop()));
  await deleteRedisKeys(Object.values(prefixes));
  rmSync(dataDir, { recursive: true, force: true });
  for (const c of [sqs, sns, kinesis, mq]) c.destroy();
  for (const app of children.values()) app.inspector?.close();
  process.exit(verdict ? 0 : 1);
}

function leastSquaresSlope(xs, ys) {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
