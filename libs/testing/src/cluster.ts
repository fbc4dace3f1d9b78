import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './app-process';

/*
 * The cluster profile of tools/brokers (a 3-master/3-replica Redis Cluster, three KRaft Kafka nodes, three
 * clustered RabbitMQ nodes) for tests that run Wharf on clusters and kill one node of each. The machine-wide
 * profile by default (`brokers.sh up --profile cluster`; a test that kills a node of it restarts it before it
 * ends, since other suites may use it), or a private copy on other ports and its own run dir.
 */

const BROKERS_SH = join(repoRoot, 'tools/brokers/brokers.sh');

export interface PrivateClusterOptions {
  /** Its own run dir (data, logs, pid files); removed by destroy(). */
  runDir: string;
  /** First of six Redis ports (bus +10000), first of three Kafka client ports (controllers +100), first of three AMQP ports (management +10000, distribution +20000). */
  redisPort: number;
  kafkaPort: number;
  rabbitmqPort: number;
  /** RabbitMQ node names are `<prefix>1@localhost` … `<prefix>3@localhost`. */
  rabbitmqNodePrefix: string;
}

export interface KilledNode {
  /** e.g. `redis 127.0.0.1:7002`, `kafka node 2`, `rabbitmq wharf-c2@localhost`. */
  readonly name: string;
  readonly pid: number;
  /** `brokers.sh up --profile cluster <broker>`: starts what is down, resolves when that cluster is healthy again. */
  restart(): Promise<void>;
}

export interface ClusterBrokers {
  /** WHARF_REDIS_URL, WHARF_KAFKA_BROKERS, WHARF_AMQP_URL, WHARF_RABBITMQ_MANAGEMENT_URL, … for services. */
  readonly env: Record<string, string>;
  /** The pid-file folder of the profile. */
  readonly runDir: string;
  /** Client ports of the six Redis Cluster nodes (from WHARF_REDIS_URL). */
  readonly redisPorts: readonly number[];
  /** The port of the live, connected master that serves `slot` now, as the first node that answers sees it. */
  redisMasterOfSlot(slot: number): Promise<number>;
  /** kill -9 a Redis master (the given port's node, else the first master found); its replica is promoted after the node timeout (5 s). */
  killRedisMaster(port?: number): Promise<KilledNode & { readonly port: number; promoted(timeoutMs?: number): Promise<number> }>;
  /** kill -9 one Kafka node (1, 2 or 3; default 2), broker and controller at once. */
  killKafkaBroker(nodeId?: number): Promise<KilledNode & { readonly nodeId: number }>;
  /** kill -9 the whole process group of one RabbitMQ node (1, 2 or 3; default 2). */
  killRabbitMqNode(n?: number): Promise<KilledNode & { readonly node: string }>;
  /** `brokers.sh up --profile cluster`: restarts whatever is down, waits until all three clusters are healthy. */
  up(): Promise<void>;
  /** `brokers.sh status --profile cluster`: true when all three are up. */
  healthy(): Promise<boolean>;
  /** A private copy only: stop it and delete its run dir (the shared profile is left running). */
  destroy(): Promise<void>;
}

function brokersSh(args: string[], env: Record<string, string>, timeoutMs = 900_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [BROKERS_SH, ...args], { cwd: repoRoot, env: { ...process.env, CI: 'true', ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(Object.assign(new Error(`brokers.sh ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`), { code: error.code })) : resolve(`${stdout}${stderr}`)));
    child.stdin?.end();
  });
}

function readPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${file}`);
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL (to -pid for a process group); resolves once `pid` is gone. */
async function killAndWait(target: number, pid: number): Promise<void> {
  process.kill(target, 'SIGKILL');
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) throw new Error(`pid ${pid} still alive after SIGKILL`);
}

/** The process group of a pid (field 5 of /proc/<pid>/stat). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** `redis-cli -p <port> <args…>` against one node of the Redis Cluster; its stdout. */
export function redisCli(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 }, (e, stdout) => (e ? reject(e) : resolve(stdout))));
}

export interface RedisClusterNode {
  id: string;
  port: number;
  master: boolean;
  /** For a replica, its master's id; `-` for a master. */
  masterId: string;
  /** Flagged `fail` (or `fail?`) by the node asked. */
  failed: boolean;
  /** `connected` or `disconnected` (the cluster bus link as the node asked sees it). */
  link: string;
  /** Slot ranges a master serves, inclusive. */
  slots: [number, number][];
}

/** `redis-cli cluster nodes` of one node, parsed. */
export async function redisClusterNodes(port: number): Promise<RedisClusterNode[]> {
  const out = await redisCli(port, ['cluster', 'nodes']);
  return out.trim().split('\n').filter(Boolean).map((line) => {
    const [id, addr, flags, masterId, , , , link, ...ranges] = line.split(' ') as string[];
    const slots = ranges.filter((r) => !r.startsWith('[')).map((r): [number, number] => {
      const [lo, hi] = r.split('-').map(Number) as [number, number | undefined];
      return [lo, hi ?? lo];
    });
    return { id, port: Number(addr.split('@')[0].split(':').pop()), master: flags.includes('master'), masterId, failed: flags.includes('fail'), link, slots };
  });
}

/**
 * Brings the cluster profile up (idempotent: ~0.2 s when it runs) and returns its variables and kill switches.
 * Without options: the machine-wide profile of tools/brokers. With options: a private copy (heavy: 12 more
 * processes, 3 JVMs; a cold start takes a minute or more on 2 cores) that destroy() removes.
 */
export async function clusterBrokers(options?: PrivateClusterOptions): Promise<ClusterBrokers> {
  const runDir = options?.runDir ?? process.env.WHARF_BROKERS_RUN_DIR ?? '/var/tmp/wharf-brokers';
  const scriptEnv: Record<string, string> = options
    ? {
        WHARF_BROKERS_RUN_DIR: options.runDir,
        WHARF_REDIS_CLUSTER_PORT: String(options.redisPort),
        WHARF_KAFKA_CLUSTER_PORT: String(options.kafkaPort),
        WHARF_RABBITMQ_CLUSTER_PORT: String(options.rabbitmqPort),
        WHARF_RABBITMQ_CLUSTER_NODE_PREFIX: options.rabbitmqNodePrefix,
      }
    : {};
  const up = async (...brokers: string[]) => { await brokersSh(['up', '--profile', 'cluster', ...brokers], scriptEnv); };
  await up();
  const env = Object.fromEntries([...(await brokersSh(['env', '--profile', 'cluster'], scriptEnv)).matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  const redisPorts = env.WHARF_REDIS_URL.replace(/^redis-cluster:\/\//, '').split(',').map((hp) => Number(hp.split(':')[1]));
  const nodePrefix = options?.rabbitmqNodePrefix ?? process.env.WHARF_RABBITMQ_CLUSTER_NODE_PREFIX ?? 'wharf-c';

  const anyRedisAnswer = async () => {
    for (const p of redisPorts) {
      try {
        return await redisClusterNodes(p);
      } catch { /* that node is down: ask the next */ }
    }
    throw new Error('no node of the Redis Cluster answers');
  };

  return {
    env,
    runDir,
    redisPorts,
    async redisMasterOfSlot(slot) {
      const owner = (await anyRedisAnswer()).find((n) => n.master && !n.failed && n.link === 'connected' && n.slots.some(([lo, hi]) => slot >= lo && slot <= hi));
      if (!owner) throw new Error(`no live master holds slot ${slot}`);
      return owner.port;
    },
    up: () => up(),
    healthy: () => brokersSh(['status', '--profile', 'cluster'], scriptEnv, 60_000).then(() => true, () => false),

    async killRedisMaster(port) {
      const nodes = await anyRedisAnswer();
      const victim = nodes.find((n) => n.master && !n.failed && (port === undefined || n.port === port));
      if (!victim) throw new Error(`no live Redis master${port === undefined ? '' : ` on port ${port}`}`);
      const pid = readPid(join(runDir, 'redis-cluster', String(victim.port), 'redis.pid'));
      await killAndWait(pid, pid);
      return {
        name: `redis 127.0.0.1:${victim.port}`,
        pid,
        port: victim.port,
        restart: () => up('redis'),
        /** Resolves with the port of the replica that took over the dead master's slots. */
        async promoted(timeoutMs = 30_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const now = await anyRedisAnswer().catch(() => []);
            const heir = now.find((n) => n.master && !n.failed && n.port !== victim.port && !nodes.some((o) => o.id === n.id && o.master));
            if (heir) return heir.port;
            if (Date.now() > deadline) throw new Error(`no replica of 127.0.0.1:${victim.port} promoted within ${timeoutMs} ms`);
            await new Promise((r) => setTimeout(r, 200));
          }
        },
      };
    },

    async killKafkaBroker(nodeId = 2) {
      const pid = readPid(join(runDir, 'kafka-cluster', String(nodeId), 'kafka.pid'));
      await killAndWait(pid, pid);
      return { name: `kafka node ${nodeId}`, pid, nodeId, restart: () => up('kafka') };
    },

    async killRabbitMqNode(n = 2) {
      const pid = readPid(join(runDir, 'rabbitmq-cluster', String(n), 'node.pid'));
      // the node runs in its own session (setsid): the group is the wrapper script, beam and its helpers
      const group = processGroup(pid);
      if (group <= 1 || group === processGroup(process.pid)) throw new Error(`RabbitMQ node ${n} (pid ${pid}) is not in a process group of its own`);
      await killAndWait(-group, pid);
      return { name: `rabbitmq ${nodePrefix}${n}@localhost`, pid, node: `${nodePrefix}${n}@localhost`, restart: () => up('rabbitmq') };
    },

    async destroy() {
      if (!options) return;
      await brokersSh(['down', '--profile', 'cluster'], scriptEnv, 300_000).catch(() => undefined);
      rmSync(options.runDir, { recursive: true, force: true });
    },
  };
}
