import { startApp, type AppProcess } from './app-process';
import { freePort } from './ports';

/** The services the edge balances, and the env var each BUILT app reads its port from. */
export type ReplicatedService = 'sqs' | 'sns' | 'kinesis' | 'mq';
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
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
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
