// Processes the benchmark runs and measures: Wharf's apps (this tree, or the baseline commit built into a
// worktree under tmp/), ElasticMQ, kinesalite, and the shared brokers' pids (for their CPU).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { openInspector } from './inspector.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Wharf's own Redis (brokers.sh: appendfsync always), the durable default the issue's goal is measured with;
// the baseline commit gets the same URL, so both sides pay for the same fsyncs.
export const REDIS_URL = process.env.WHARF_REDIS_URL || 'redis://127.0.0.1:6380';
export const AMQP_URL = process.env.WHARF_AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
export const KAFKA_BROKERS = (process.env.WHARF_KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const children = new Set();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});
// Ctrl-C or a timeout's SIGTERM: leave no server behind ('exit' above kills them).
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** CPU time (user + system) a process used so far, in ms (/proc/<pid>/stat, 100 ticks a second). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}
export const sumCpuMs = (pids) => pids.reduce((s, p) => s + cpuMs(p), 0);
/** CPU-ms the whole machine has been busy since boot, all cores (/proc/stat: everything but idle and iowait). */
export function machineBusyMs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) * 10;
}
export const clientCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * What the machine does while the bench does nothing: the share of all cores busy over `ms`, and the processes
 * that used the most CPU meanwhile. Every ratio assumes a quiet machine: the brokers of a cluster left up by
 * CI's node-loss suites (three Kafka, two RabbitMQ, a Redis cluster) took 20–30% off a Kinesis put.
 */
export async function idleLoad(ms = 3000) {
  const pids = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const before = new Map(pids().map((p) => [p, cpuMs(p)]));
  const m0 = machineBusyMs();
  await sleep(ms);
  const share = (machineBusyMs() - m0) / (ms * cpus().length);
  const busiest = [...before]
    .map(([pid, c]) => ({ pid, ms: cpuMs(pid) - c }))
    .filter((p) => p.ms > 0 && Number(p.pid) !== process.pid)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((p) => ({ ...p, share: p.ms / (ms * cpus().length), command: commandOf(p.pid) }));
  return { share, busiest };
}
function commandOf(pid) {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 100);
    return command || `[${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()}]`; // a kernel thread has no command line
  } catch {
    return '?';
  }
}

/** The pid listening on a local TCP port (a shared broker), from `ss`; undefined when not found. */
export function pidOnPort(port) {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    return Number(/pid=(\d+)/.exec(out)?.[1]) || undefined;
  } catch {
    return undefined;
  }
}
export function brokerPids() {
  const port = (url, def) => Number(new URL(url).port || def);
  return {
    redis: pidOnPort(port(REDIS_URL, 6379)),
    rabbitmq: pidOnPort(port(AMQP_URL.replace(/^amqp/, 'http'), 5672)),
    kafka: pidOnPort(Number(KAFKA_BROKERS[0].split(':')[1] || 9092)),
  };
}

async function spawnReady(name, cmd, args, { cwd = root, env = {}, ready, stdio = 'pipe' }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', stdio, stdio] });
  children.add(child);
  let out = '';
  let head = ''; // the start of the output (the inspector's URL is printed first), kept whole
  const keep = (d) => {
    out = (out + d).slice(-4000);
    if (head.length < 8000) head += d;
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.outputHead = () => head;
  const deadline = Date.now() + 300_000; // a loaded 2-core machine takes minutes to start a JVM or Nest
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${out}`);
    if (await ready().catch(() => false)) return child;
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${out}`);
}

async function stopAll(list) {
  for (const c of list) if (c.exitCode === null) c.kill('SIGTERM');
  const deadline = Date.now() + 5000;
  while (list.some((c) => c.exitCode === null) && Date.now() < deadline) await sleep(100);
  for (const c of list) {
    if (c.exitCode === null) c.kill('SIGKILL');
    children.delete(c);
  }
}

const health = (url) => async () => (await fetch(`${url}/health`)).status === 200;

/**
 * Wharf's sqs, sns, kinesis and edge built in `tree` (this checkout or the baseline worktree), on free ports,
 * each run under its own Redis prefixes and Kafka topic prefix; the brokers are the shared ones.
 */
export async function startWharf(label, tree, { inspect = false, oneProcess = false } = {}) {
  const run = `wharf:bench:${label}:${Date.now().toString(36)}`;
  const env = { WHARF_LOG_LEVEL: 'warn', WHARF_REDIS_URL: REDIS_URL, WHARF_AMQP_URL: AMQP_URL, WHARF_KAFKA_BROKERS: KAFKA_BROKERS.join(',') };
  if (oneProcess) return startOneProcess(label, tree, run, env, inspect);
  const app = async (name, portVar, extra = {}) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const main = join(tree, 'apps', name, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is not built`);
    const nodeArgs = (process.env[`BENCH_${name.toUpperCase()}_NODE_ARGS`] ?? '').split(' ').filter(Boolean);
    if (inspect) nodeArgs.push('--inspect=127.0.0.1:0');
    const child = await spawnReady(`${label} ${name}`, process.execPath, [...nodeArgs, main], { cwd: tree, env: { ...env, ...extra, [portVar]: String(port) }, ready: health(url) });
    return { url, child };
  };
  const own = serviceEnv(label, run);
  const sqs = await app('sqs', 'SQS_PORT', { SQS_REDIS_PREFIX: own.SQS_REDIS_PREFIX });
  const sns = await app('sns', 'SNS_PORT', { SNS_REDIS_PREFIX: own.SNS_REDIS_PREFIX, WHARF_SQS_URL: sqs.url });
  const kinesis = await app('kinesis', 'KINESIS_PORT', {
    KINESIS_REDIS_PREFIX: own.KINESIS_REDIS_PREFIX,
    KINESIS_TOPIC_PREFIX: own.KINESIS_TOPIC_PREFIX,
    KINESIS_ENFORCE_LIMITS: own.KINESIS_ENFORCE_LIMITS,
  });
  const edge = await app('edge', 'EDGE_PORT', { WHARF_SQS_URL: sqs.url, WHARF_SNS_URL: sns.url, WHARF_KINESIS_URL: kinesis.url });
  const children = { sqs: sqs.child, sns: sns.child, kinesis: kinesis.child, edge: edge.child };
  const pids = Object.fromEntries(Object.entries(children).map(([name, child]) => [name, child.pid]));
  const inspectors = {};
  if (inspect) for (const [name, child] of Object.entries(children)) inspectors[name] = await openInspector(`${label} ${name}`, child.outputHead());
  return {
    label,
    urls: { sqs: sqs.url, sns: sns.url, kinesis: kinesis.url, edge: edge.url },
    pids,
    inspectors,
    async stop() {
      for (const i of Object.values(inspectors)) i.close();
      await stopAll([edge.child, kinesis.child, sns.child, sqs.child]);
      await dropKeys(run);
    },
  };
}

/** Per-run settings of each service: its own Redis prefixes and Kafka topics, the Kinesis limits off. */
const serviceEnv = (label, run) => ({
  SQS_REDIS_PREFIX: `${run}:sqs:`,
  SNS_REDIS_PREFIX: `${run}:sns:`,
  KINESIS_REDIS_PREFIX: `${run}:kinesis:`,
  KINESIS_TOPIC_PREFIX: `wharf.bench.${label}.${Date.now().toString(36)}`,
  KINESIS_ENFORCE_LIMITS: 'false',
});

/** The same Wharf as one process (`tools/one-process.cjs`): every service and the edge, each on its port. */
async function startOneProcess(label, tree, run, env, inspect) {
  const ports = { sqs: await freePort(), sns: await freePort(), kinesis: await freePort(), edge: await freePort() };
  const urls = Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`]));
  const all = {
    ...env,
    ...serviceEnv(label, run),
    WHARF_APPS: 'sqs,sns,kinesis,edge',
    SQS_PORT: String(ports.sqs),
    SNS_PORT: String(ports.sns),
    KINESIS_PORT: String(ports.kinesis),
    EDGE_PORT: String(ports.edge),
    WHARF_SQS_URL: urls.sqs,
    WHARF_SNS_URL: urls.sns,
    WHARF_KINESIS_URL: urls.kinesis,
  };
  const nodeArgs = inspect ? ['--inspect=127.0.0.1:0'] : [];
  const ready = async () => (await Promise.all(Object.values(urls).map((u) => health(u)()))).every(Boolean);
  const child = await spawnReady(`${label} one process`, process.execPath, [...nodeArgs, join(tree, 'tools', 'one-process.cjs')], { cwd: tree, env: all, ready });
  const pids = { sqs: child.pid, sns: child.pid, kinesis: child.pid, edge: child.pid, wharf: child.pid };
  // One process, one inspector: the profile pass reads every inspector it is given.
  const inspectors = inspect ? { wharf: await openInspector(`${label} one process`, child.outputHead()) } : {};
  return {
    label,
    urls,
    pids,
    inspectors,
    async stop() {
      for (const i of Object.values(inspectors)) i.close();
      await stopAll([child]);
      await dropKeys(run);
    },
  };
}

async function dropKeys(run) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${run}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

/**
 * The baseline commit built in a worktree under tmp/ (git worktree add, npm ci, tsc -b), reused while its
 * marker says the build finished; a half-made one (an interrupted run) is removed and made again. flock
 * keeps two benches from building it at once.
 */
export function ensureBaseline(commit) {
  const dir = join(root, 'tmp', `bench-baseline-${commit}`);
  const marker = join(dir, '.bench-ready');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === commit) return dir;
  mkdirSync(join(root, 'tmp'), { recursive: true });
  console.log(`building the baseline ${commit} in ${dir} (git worktree, npm ci, tsc; a few minutes, once)…`);
  const script = [
    'set -e',
    `cd ${JSON.stringify(root)}`,
    `if [ -f ${JSON.stringify(marker)} ]; then exit 0; fi`,
    `if [ -e ${JSON.stringify(dir)} ]; then git worktree remove --force ${JSON.stringify(dir)} || rm -rf ${JSON.stringify(dir)}; fi`,
    'git worktree prune',
    `git worktree add --detach ${JSON.stringify(dir)} ${commit}`,
    `cd ${JSON.stringify(dir)}`,
    'npm ci --no-audit --no-fund --ignore-scripts',
    'npx tsc -b tsconfig.build.json',
    `echo ${commit} > .bench-ready`,
  ].join('\n');
  execFileSync('flock', [join(root, 'tmp', 'bench-baseline.lock'), 'bash', '-c', script], { stdio: 'inherit' });
  return dir;
}

/** ElasticMQ (bench/sqs/elasticmq, jars fetched once from Maven Central) on a free port. */
export async function startElasticMq() {
  const dir = join(root, 'bench', 'sqs', 'elasticmq');
  const lib = join(dir, 'lib');
  if (!existsSync(lib) || readdirSync(lib).length === 0) {
    console.log('fetching ElasticMQ from Maven Central…');
    execFileSync('mvn', ['-B', '-q', '-f', join(dir, 'pom.xml'), 'package'], { stdio: 'inherit' });
  }
  const port = await freePort();
  mkdirSync(join(root, 'tmp'), { recursive: true }); // a fresh clone has none, and --no-baseline builds nothing there
  const conf = join(root, 'tmp', `bench-elasticmq-${port}.conf`);
  writeFileSync(
    conf,
    [
      'include classpath("application.conf")',
      `node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }`,
      `rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = relaxed }`,
      'rest-stats { enabled = false }',
      'aws { region = us-east-1, accountId = 000000000000 }',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnReady('elasticmq', 'java', ['-Xmx1g', `-Dconfig.file=${conf}`, '-cp', `${lib}/*`, 'org.elasticmq.server.Main'], {
    ready: async () => (await fetch(url)).status > 0,
  });
  return { label: 'ElasticMQ', urls: { sqs: url }, pids: { elasticmq: child.pid }, stop: () => stopAll([child]) };
}

/** kinesalite (npm, in memory) on a free port. */
export async function startKinesalite() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnReady('kinesalite', process.execPath, [join(root, 'node_modules/kinesalite/cli.js'), '--port', String(port), '--createStreamMs', '0', '--shardLimit', '1000'], {
    ready: async () => (await fetch(url, { method: 'POST' })).status > 0,
  });
  return { label: 'kinesalite', urls: { kinesis: url }, pids: { kinesalite: child.pid }, stop: () => stopAll([child]) };
}

/** bench/<service>/bare-server.mjs (sqs, or sns with its SQS) on a free port: the floor of a server of those calls. */
export async function startBareServer(service) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnReady(`bare ${service}`, process.execPath, [join(root, `bench/${service}/bare-server.mjs`), String(port)], { ready: health(url) });
  return { label: `bare ${service} server`, url, pids: { bare: child.pid }, stop: () => stopAll([child]) };
}

/**
 * bench/<service>/floor-server.mjs on a free port, keeping its queues on Wharf's Redis under a prefix of its own
 * (dropped when it stops), with `more` arguments after the prefix.
 */
async function startFloorOnRedis(service, label, more = []) {
  const run = `wharf:bench:${service}-floor:${Date.now().toString(36)}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnReady(`${service} floor`, process.execPath, [join(root, `bench/${service}/floor-server.mjs`), String(port), REDIS_URL, `${run}:`, ...more], { ready: health(url) });
  return {
    label,
    url,
    pids: { floor: child.pid },
    async stop() {
      await stopAll([child]);
      await dropKeys(run);
    },
  };
}

/** bench/sqs/floor-server.mjs: the floor of an SQS server on Redis. */
export const startSqsFloor = () => startFloorOnRedis('sqs', 'SQS floor on Redis');

/**
 * bench/sns/floor-server.mjs: the floor of SNS fan-out to SQS on durable brokers, topics and subscriptions on
 * Wharf's RabbitMQ (each topic's exchange and queues go with its DeleteTopic), queues on its Redis.
 */
export const startSnsFloor = () => startFloorOnRedis('sns', 'SNS floor on RabbitMQ and Redis', [AMQP_URL]);

/**
 * bench/kinesis/floor-server.mjs on free ports (HTTP/1.1 and h2c), producing to a fresh 5-partition topic: the floor of a Kinesis
 * put on Kafka. `stored()` counts the records in its topic (each row checks every record it put got there).
 */
export async function startKinesisFloor() {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'wharf-floor', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topic = `wharf.bench.floor.${Date.now().toString(36)}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 5, replicationFactor: 1 }], waitForLeaders: true });
  const port = await freePort();
  const h2cPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnReady('kinesis floor', process.execPath, [join(root, 'bench/kinesis/floor-server.mjs'), topic, String(port), String(h2cPort)], { ready: health(url) });
  return {
    label: 'Kinesis floor',
    urls: { kinesis: url, kinesisH2: `http://127.0.0.1:${h2cPort}` },
    pids: { floor: child.pid },
    stored: async () => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0),
    async stop() {
      await stopAll([child]);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** bench/edge/bare-proxy.mjs in front of `upstream` on a free port: the floor of a proxy hop, for the edge row. */
export async function startBareProxy(upstream) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnReady('bare proxy', process.execPath, [join(root, 'bench/edge/bare-proxy.mjs'), upstream, String(port)], { ready: health(url) });
  return { label: 'bare proxy', urls: { proxy: url }, pids: { proxy: child.pid }, stop: () => stopAll([child]) };
}
