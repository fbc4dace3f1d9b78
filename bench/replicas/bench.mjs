#!/usr/bin/env node
// Issue 14's bench: SQS and Kinesis throughput through the SDK v3 at an edge, with 1, 2 and 3 replicas of
// the service on the cluster profile (Redis Cluster with WAIT 1, Kafka RF3 / min ISR 2 / acks=all), each
// beside the single-node figure (shared Redis 6380, Kafka 9092, 1 replica) measured in the same run.
// Every configuration starts once and stays up; rounds are interleaved (the order alternates), figures are
// medians. Each row checks its messages back: SQS standard at least once, Kinesis exactly once per record
// (bench/lib's rows). Server CPU per 1,000 counts the replicas and the edge (own) and, where their pids are
// cheap to find, the brokers (Redis / Kafka processes; shared ones also carry whatever else runs on them).
//
//   npm run bench:replicas -- [--rounds 3] [--sqs 20000] [--records 100000] [--configs single,c1,c2,c3] [--only sqs,kinesis]
//   npm run bench:replicas -- --report tmp/bench-replicas-results.json     # the table of a saved run again
//
// Needs `npm run build`, the shared brokers (`npm run brokers:up`) and the cluster profile
// (`bash tools/brokers/brokers.sh up --profile cluster`; this runs it, idempotent, and never stops it).
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { kinesisRows } from '../lib/kinesis-rows.mjs';
import { median } from '../lib/measure.mjs';
import { brokerPids, cpuMs, root } from '../lib/servers.mjs';
import { sqsRows } from '../lib/sqs-rows.mjs';
import { opt } from '../lib/args.mjs';

const require = createRequire(import.meta.url);
const { startReplicas, startEdgeFor, clusterBrokers, deleteRedisKeys } = require('../../libs/testing/dist/index.js');

const ROUNDS = Number(opt('rounds', 3));
const SQS_MESSAGES = Number(opt('sqs', 20000));
const RECORDS = Number(opt('records', 100000));
const CONFIGS = opt('configs', 'single,c1,c2,c3').split(',');
const ONLY = opt('only', 'sqs,kinesis').split(',');
const ROWS = [
  ['sqsSend', 'SQS standard SendMessageBatch ×10, 16 workers', 'msg/s'],
  ['sqsReceive', 'SQS standard Receive ×10 + DeleteMessageBatch, 16 workers', 'msg/s'],
  ['kinPut', 'Kinesis PutRecords 500 × 1 KiB, 5 shards, 8 in flight (HTTP/1.1)', 'rec/s'],
  ['kinGet', 'Kinesis GetRecords drain, 5 shards in parallel', 'rec/s'],
];
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const pidFile = (f) => {
  try {
    return Number(readFileSync(f, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
};

/*
 * The whole machine's CPU (/proc/stat, all cores), sampled every 200 ms, so that each phase can say how many
 * of the cores were busy meanwhile — this bench's processes, the brokers and whatever else runs on the box.
 */
const stat = [];
const sampleStat = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.reduce((a, b) => a + b, 0);
  stat.push({ t: performance.now(), busy: total - idle, total, brokers: sampleBrokers() });
};
/*
 * Brokers' CPU, sampled with the machine's: each broker is a pid source (a fixed pid, or a pid file of the
 * cluster profile, re-read each time, since another suite's kill test may replace a node meanwhile). A
 * phase counts each broker's CPU between consecutive samples of the same pid, so a node killed and restarted
 * during a phase loses the few hundred ms around it instead of turning the sum negative.
 */
const brokerSources = new Map(); // name -> () => pid
const sampleBrokers = () => {
  const now = {};
  for (const [name, pidOf] of brokerSources) {
    const pid = pidOf();
    if (pid) now[name] = { pid, cpu: cpuMs(pid) };
  }
  return now;
};
/** Broker CPU-ms of the named sources between performance.now() times t0 and t1. */
const brokersMs = (names, t0, t1) => {
  const window = stat.filter((s) => s.t >= t0 - 100 && s.t <= t1 + 100);
  let ms = 0;
  for (let i = 1; i < window.length; i++) {
    for (const name of names) {
      const a = window[i - 1].brokers[name];
      const b = window[i].brokers[name];
      if (a && b && a.pid === b.pid && b.cpu >= a.cpu) ms += b.cpu - a.cpu;
    }
  }
  return ms;
};
/** The named brokers whose pid changed (or that were down) between t0 and t1: another suite killed a node. */
const restartedBrokers = (names, t0, t1) => {
  const window = stat.filter((s) => s.t >= t0 - 100 && s.t <= t1 + 100);
  return names.filter((name) => window.some((s) => s.brokers[name]?.pid !== window[0]?.brokers[name]?.pid || !s.brokers[name]));
};
const at = (t) => stat.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), stat[0]);
/** Cores busy machine-wide between performance.now() times t0 and t1. */
const machineCores = (t0, t1) => {
  const a = at(t0);
  const b = at(t1);
  return b.total > a.total ? ((b.busy - a.busy) / (b.total - a.total)) * cpus().length : NaN;
};

/** One configuration: `count` replicas each of sqs and kinesis behind one edge, on the given brokers. */
async function startConfig(key, count, brokerEnv, brokerPidList) {
  const run = `wharf:bench:replicas:${key}:${Date.now().toString(36)}`;
  const env = { WHARF_LOG_LEVEL: 'warn', ...brokerEnv };
  const sqs = await startReplicas('sqs', { count, env: { ...env, SQS_REDIS_PREFIX: `${run}:sqs:` } });
  const kinesis = await startReplicas('kinesis', {
    count,
    env: { ...env, KINESIS_REDIS_PREFIX: `${run}:kinesis:`, KINESIS_TOPIC_PREFIX: `wharf.bench.replicas.${key}.${Date.now().toString(36)}`, KINESIS_ENFORCE_LIMITS: 'false' },
  });
  const edge = await startEdgeFor({ sqs, kinesis }, { env });
  return {
    key,
    count,
    edge,
    pids: {
      // brokers' CPU is counted here (brokersMs), not by bench/lib's measured(), which reads fixed pids
      sqs: { own: [edge.child.pid, ...sqs.processes.map((p) => p.child.pid)] },
      kinesis: { own: [edge.child.pid, ...kinesis.processes.map((p) => p.child.pid)] },
    },
    brokers: {
      sqs: brokerPidList.redis,
      kinesis: [...brokerPidList.redis, ...brokerPidList.kafka],
    },
    async stop() {
      await edge.stop();
      await Promise.all([sqs.stop(), kinesis.stop()]);
      await deleteRedisKeys([`${run}:`], brokerEnv.WHARF_REDIS_URL).catch((e) => console.error(`cleanup of ${run}: ${e.message}`));
    },
  };
}

async function main() {
  console.log(`bench:replicas: ${ROUNDS} interleaved rounds, configs ${CONFIGS.join(',')}, SQS ${SQS_MESSAGES} msgs, Kinesis ${RECORDS} records, node ${process.version}, load ${load()}`);
  const single = brokerPids();
  const singleEnv = { WHARF_REDIS_URL: 'redis://127.0.0.1:6380', WHARF_KAFKA_BROKERS: '127.0.0.1:9092', WHARF_AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' };
  const cluster = CONFIGS.some((c) => c.startsWith('c')) ? await clusterBrokers() : undefined;
  brokerSources.set('redis', () => single.redis);
  brokerSources.set('kafka', () => single.kafka);
  const clusterPids = cluster && { redis: [], kafka: [] };
  if (cluster) {
    for (const port of [7001, 7002, 7003, 7004, 7005, 7006]) {
      brokerSources.set(`redis-${port}`, () => pidFile(join(cluster.runDir, 'redis-cluster', String(port), 'redis.pid')));
      clusterPids.redis.push(`redis-${port}`);
    }
    for (const n of [1, 2, 3]) {
      brokerSources.set(`kafka-${n}`, () => pidFile(join(cluster.runDir, 'kafka-cluster', String(n), 'kafka.pid')));
      clusterPids.kafka.push(`kafka-${n}`);
    }
  }
  console.log(`brokers whose CPU is counted: ${JSON.stringify(sampleBrokers())}`);
  const configs = [];
  const runs = [];
  const failures = [];
  sampleStat();
  const sampler = setInterval(sampleStat, 200);
  try {
    for (const c of CONFIGS) {
      const t0 = Date.now();
      if (c === 'single') configs.push(await startConfig('single', 1, singleEnv, { redis: ['redis'], kafka: ['kafka'] }));
      else configs.push(await startConfig(c, Number(c.slice(1)), cluster.env, clusterPids));
      console.log(`started ${c} in ${((Date.now() - t0) / 1000).toFixed(1)} s (load ${load()})`);
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...configs].reverse() : configs;
      for (const c of order) {
        const tag = `r${round}-${c.key}`;
        // A row that throws (a failed check, or an error the SDK gave up on: the shared cluster may be losing a
        // node to another suite's kill test) has no figure this round; it is printed and counted, not hidden.
        const attempt = async (cfg, group, fn) => {
          try {
            return await fn();
          } catch (e) {
            failures.push({ round, config: cfg.key, group, error: String(e?.message ?? e).slice(0, 300) });
            console.log(`  round ${round + 1} ${cfg.key.padEnd(6)} ${group} FAILED: ${String(e?.message ?? e).slice(0, 300)} (load ${load()})`);
            return undefined;
          }
        };
        // `end`: when the phase ended (the rows run their two phases back to back, so the first ends where the second starts)
        const record = (row, fig, end, group) => {
          const brokerCpu = (brokersMs(c.brokers[group], end - fig.ms, end) / (fig.rate * fig.ms / 1000)) * 1000;
          const r = { round, config: c.key, row, rate: fig.rate, ownCpu: fig.ownCpu, serverCpu: fig.ownCpu + brokerCpu, clientCpu: fig.clientCpu, ms: fig.ms, load: loadavg()[0] };
          // cores the server (replicas + edge + brokers) kept busy: CPU-ms per message × messages per second
          r.serverCores = (r.serverCpu * r.rate) / 1e6;
          r.machineCores = machineCores(end - fig.ms, end);
          r.restarted = restartedBrokers(c.brokers[group], end - fig.ms, end);
          runs.push(r);
          console.log(`  round ${round + 1} ${c.key.padEnd(6)} ${row.padEnd(10)} ${Math.round(r.rate).toLocaleString('en-US').padStart(7)}/s in ${(r.ms / 1000).toFixed(1)} s; CPU-ms/1k own ${r.ownCpu.toFixed(0)}, with brokers ${r.serverCpu.toFixed(0)}, client ${r.clientCpu.toFixed(0)}; cores busy: server ${r.serverCores.toFixed(2)}, machine ${r.machineCores.toFixed(2)}/${cpus().length}; load ${load()}${r.restarted.length ? `; DISTURBED: ${r.restarted.join(', ')} killed/restarted meanwhile (not this bench)` : ''}`);
        };
        if (ONLY.includes('sqs')) {
          const r = await attempt(c, 'sqs', () => sqsRows({ endpoint: c.edge.url, pids: c.pids.sqs, fifo: false, messages: SQS_MESSAGES, tag }));
          if (r) {
            const end = performance.now() - 150; // less DeleteQueue
            record('sqsSend', r.send, end - r.receive.ms, 'sqs');
            record('sqsReceive', r.receive, end, 'sqs');
          }
        }
        if (ONLY.includes('kinesis')) {
          // http2 false: the edge speaks HTTP/1.1; PutRecords then a GetRecords drain of the same stream
          const r = await attempt(c, 'kinesis', () => kinesisRows({ endpoint: c.edge.url, pids: c.pids.kinesis, drainRecords: RECORDS, tag, http2: false }));
          if (r) {
            const end = performance.now() - 300; // less DeleteStream
            record('kinPut', r.putH1, end - r.get.ms, 'kinesis');
            record('kinGet', r.get, end, 'kinesis');
          }
        }
      }
    }
    report(runs, failures);
  } finally {
    clearInterval(sampler);
    for (const c of configs) await c.stop().catch((e) => console.error(`stop ${c.key}: ${e.message}`));
  }
}

function report(runs, failures, save = true) {
  // a phase during which another suite killed a broker node of ours is left out when undisturbed rounds exist
  const of = (config, row) => {
    const all = runs.filter((r) => r.config === config && r.row === row);
    const calm = all.filter((r) => !r.restarted?.length);
    return calm.length ? calm : all;
  };
  const med = (config, row, field) => median(of(config, row).map((r) => r[field]));
  const fmt = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');
  const names = { single: 'single-node, 1 replica', c1: 'cluster, 1 replica', c2: 'cluster, 2 replicas', c3: 'cluster, 3 replicas' };
  const lines = [
    `| row | configuration | rate (median) | ÷ single-node | server CPU-ms/1k: replicas + edge (with brokers) | client CPU-ms/1k | cores busy: server / whole machine (of ${cpus().length}) | CPU ceiling on ${cpus().length} cores | load avg (1 min) of its rounds |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const [id, title, unit] of ROWS) {
    if (!runs.some((r) => r.row === id)) continue;
    const base = med('single', id, 'rate');
    for (const c of CONFIGS) {
      const rate = med(c, id, 'rate');
      const all = runs.filter((r) => r.config === c && r.row === id);
      const used = of(c, id);
      const loads = used.map((r) => r.load.toFixed(1)).join(', ') + (used.length < all.length ? ` (${all.length - used.length} disturbed round(s) left out)` : used.some((r) => r.restarted?.length) ? ' (all rounds disturbed by node kills)' : '');
      // the rate if server, brokers and client had every core of the machine to themselves: cores ÷ CPU per message
      const ceiling = (cpus().length * 1e6) / (med(c, id, 'serverCpu') + med(c, id, 'clientCpu'));
      lines.push(`| ${title} | ${names[c] ?? c} | ${fmt(rate)} ${unit} | ${(rate / base).toFixed(2)}× | ${fmt(med(c, id, 'ownCpu'))} (${fmt(med(c, id, 'serverCpu'))}) | ${fmt(med(c, id, 'clientCpu'))} | ${med(c, id, 'serverCores').toFixed(2)} / ${med(c, id, 'machineCores').toFixed(2)} | ${fmt(ceiling)} | ${loads} |`);
    }
  }
  console.log(`\nmedians of ${ROUNDS} rounds (load now ${load()})\n`);
  console.log(lines.join('\n'));
  if (failures.length) console.log(`\n${failures.length} failed row(s), no figure for them: ${JSON.stringify(failures)}`);
  if (!save) return;
  mkdirSync(join(root, 'tmp'), { recursive: true });
  writeFileSync(join(root, 'tmp', 'bench-replicas-results.json'), JSON.stringify({ when: new Date().toISOString(), rounds: ROUNDS, sqsMessages: SQS_MESSAGES, records: RECORDS, failures, runs }, null, 2));
  console.log('\n(all rounds: tmp/bench-replicas-results.json)');
}

// --report <file>: print the table of a saved run again (e.g. after the table changed)
const saved = opt('report', undefined);
(saved ? Promise.resolve().then(() => {
  const r = JSON.parse(readFileSync(saved, 'utf8'));
  report(r.runs, r.failures ?? [], false);
}) : main())
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
