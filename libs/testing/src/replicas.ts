import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startApp, type AppProcess } from './app-process';
import { uniqueId } from './ids';
import { listenerPort } from './ports';
import { deleteRedisKeys } from './redis-keys';
import type { WharfService } from './wharf-stack';

/** The services the edge balances, and the env var each BUILT app reads its port from. */
export type ReplicatedService = WharfService;
export const APP_PORT_ENV: Record<ReplicatedService | 'edge', string> = {
  sqs: 'SQS_PORT',
  sns: 'SNS_PORT',
  kinesis: 'KINESIS_PORT',
  mq: 'MQ_PORT',
  edge: 'EDGE_PORT',
};
/** The edge's upstream setting per service: one base URL or a comma list of them. */
export const UPSTREAM_ENV: Record<ReplicatedService, string> = {
  sqs: 'WHARF_SQS_URL',
  sns: 'WHARF_SNS_URL',
  kinesis: 'WHARF_KINESIS_URL',
  mq: 'WHARF_MQ_URL',
};

export interface ReplicaOptions {
  count: number;
  /** Env of every replica: the broker settings and key prefixes they share. */
  env?: Record<string, string>;
  /** Extra env of replica i (e.g. a data folder of its own). */
  envOf?: (index: number) => Record<string, string>;
  /** Ports to use (else free ones); fixed before any replica starts, so an edge can be pointed at them first. */
  ports?: number[];
  timeoutMs?: number;
}

/** N processes of one BUILT app on distinct ports, sharing their brokers (one shared `env`). */
export interface Replicas {
  readonly name: ReplicatedService;
  readonly ports: readonly number[];
  readonly urls: readonly string[];
  /** The current process of each slot (a restart replaces it). */
  readonly processes: readonly AppProcess[];
  /** `http://127.0.0.1:a,http://127.0.0.1:b`: what the edge's `WHARF_<SVC>_URL` takes. */
  readonly upstream: string;
  /** SIGKILL replica i, as a crash would. */
  kill(index: number): Promise<void>;
  /** Starts replica i again on its port with its env (after kill or stop); resolves once /health is 200. */
  restart(index: number): Promise<AppProcess>;
  /** Everything replica i printed (for failure messages). */
  output(index: number): string;
  stop(): Promise<void>;
}

/** Free ports for `count` replicas, chosen before any starts (the edge can be started first, pointed at them). */
export async function replicaPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) ports.push(await listenerPort()); // never one twice
  return ports;
}

/**
 * Starts `count` replicas of a built app. The first starts alone (it may create shared state, e.g. Kafka
 * topics or Redis scripts), the others then together. Whatever started is killed if one fails.
 */
export async function startReplicas(name: ReplicatedService, options: ReplicaOptions): Promise<Replicas> {
  const ports = options.ports ?? (await replicaPorts(options.count));
  if (ports.length !== options.count) throw new Error(`${options.count} replicas of ${name} need ${options.count} ports, got ${ports.length}`);
  const envOf = (i: number) => ({ ...options.env, ...options.envOf?.(i) });
  const start = (i: number) => startApp(name, { portEnv: APP_PORT_ENV[name], port: ports[i], env: envOf(i), timeoutMs: options.timeoutMs ?? 120_000 });
  const processes: AppProcess[] = [];
  const outputs: string[] = [];
  try {
    processes[0] = await start(0);
    const rest = await Promise.allSettled(ports.slice(1).map((_, k) => start(k + 1)));
    rest.forEach((r, k) => { if (r.status === 'fulfilled') processes[k + 1] = r.value; });
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await Promise.all(processes.filter(Boolean).map((p) => p.kill()));
    throw err;
  }
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const at = (i: number) => {
    const p = processes[i];
    if (!p) throw new Error(`${name} has no replica ${i} (0..${processes.length - 1})`);
    return p;
  };
  return {
    name,
    ports,
    urls,
    processes,
    upstream: urls.join(','),
    kill: (i) => at(i).kill(),
    restart: async (i) => {
      const old = at(i);
      outputs[i] = (outputs[i] ?? '') + old.output();
      await old.kill();
      processes[i] = await start(i);
      return processes[i];
    },
    output: (i) => (outputs[i] ?? '') + at(i).output(),
    stop: async () => void (await Promise.all(processes.map((p) => p.stop()))),
  };
}

/**
 * The BUILT edge in front of the given replica sets (or plain URLs, or comma lists), on a free port unless
 * `port` is given. The edge answers /health at once, whatever its upstreams do, so it may start before them.
 */
export function startEdgeFor(
  upstreams: Partial<Record<ReplicatedService, Replicas | string>>,
  options: { env?: Record<string, string>; port?: number; timeoutMs?: number } = {},
): Promise<AppProcess> {
  const env: Record<string, string> = { ...options.env };
  for (const [service, up] of Object.entries(upstreams) as [ReplicatedService, Replicas | string][]) {
    env[UPSTREAM_ENV[service]] = typeof up === 'string' ? up : up.upstream;
  }
  return startApp('edge', { portEnv: APP_PORT_ENV.edge, port: options.port, env, timeoutMs: options.timeoutMs ?? 120_000 });
}

export interface ReplicatedWharfOptions {
  /** Replicas of each service (default 2). */
  count?: number;
  /** The services (default sqs, sns, kinesis: mq's replicas need its supervisor election). */
  services?: ReplicatedService[];
  /** Prefix of the id that names the Redis keys, Kafka topics and data folder. */
  idPrefix?: string;
  /** Env of every process (edge included): e.g. the cluster profile's broker settings. */
  env?: Record<string, string>;
  /** Extra env per service (all its replicas). */
  serviceEnv?: Partial<Record<ReplicatedService, Record<string, string>>>;
  /** Redis URL for deleting the stack's keys at stop (default: env's WHARF_REDIS_URL, else the shared one). */
  redisUrl?: string;
}

export interface ReplicatedWharf {
  id: string;
  edge: AppProcess;
  replicas: Partial<Record<ReplicatedService, Replicas>>;
  stop(): Promise<void>;
}

/**
 * Wharf with `count` replicas of each service sharing their brokers (one Redis prefix, one Kafka topic prefix
 * per service), behind one BUILT edge that balances them. SNS delivers to SQS through the edge (a comma list
 * is the edge's setting, not SNS's), so the edge starts first, on ports fixed for every replica in advance;
 * it answers /health at once and its checks find each replica up as it comes.
 */
export async function startReplicatedWharf(options: ReplicatedWharfOptions = {}): Promise<ReplicatedWharf> {
  const count = options.count ?? 2;
  const services = options.services ?? ['sqs', 'sns', 'kinesis'];
  const id = uniqueId(options.idPrefix ?? 'replicas');
  const env = options.env ?? {};
  const prefixes = { sqs: `wharf:it:${id}:sqs:`, sns: `wharf:it:${id}:sns:`, kinesis: `wharf:it:${id}:kinesis`, mq: `wharf:it:${id}:mq:` };
  const dataDir = join(repoRoot, 'tmp', 'mq-test', id);
  const ports = Object.fromEntries(await Promise.all(services.map(async (s) => [s, await replicaPorts(count)] as const))) as Record<ReplicatedService, number[]>;
  const urls = (s: ReplicatedService) => ports[s].map((p) => `http://127.0.0.1:${p}`).join(',');
  const edge = await startEdgeFor(Object.fromEntries(services.map((s) => [s, urls(s)])), { env });
  const own: Record<ReplicatedService, Record<string, string>> = {
    sqs: { SQS_REDIS_PREFIX: prefixes.sqs },
    sns: { SNS_REDIS_PREFIX: prefixes.sns, WHARF_SQS_URL: edge.url },
    kinesis: { KINESIS_REDIS_PREFIX: prefixes.kinesis, KINESIS_TOPIC_PREFIX: `wharf.it.${id}` },
    mq: { WHARF_MQ_REDIS_PREFIX: prefixes.mq, WHARF_MQ_DATA_DIR: dataDir },
  };
  const replicas: Partial<Record<ReplicatedService, Replicas>> = {};
  try {
    // one service at a time: on two cores, processes booting together only slow each other down
    for (const s of services) {
      replicas[s] = await startReplicas(s, { count, ports: ports[s], env: { ...env, ...own[s], ...options.serviceEnv?.[s] } });
    }
  } catch (err) {
    await Promise.all([edge.kill(), ...Object.values(replicas).map((r) => r.stop())]);
    throw err;
  }
  return {
    id,
    edge,
    replicas,
    stop: async () => {
      await edge.stop();
      await Promise.all(Object.values(replicas).map((r) => r.stop()));
      rmSync(dataDir, { recursive: true, force: true });
      await deleteRedisKeys(Object.values(prefixes), options.redisUrl ?? env.WHARF_REDIS_URL);
    },
  };
}

