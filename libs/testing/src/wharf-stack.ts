import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startApp, type AppProcess } from './app-process';
import { uniqueId } from './ids';
import { listenerPortRange } from './ports';
import { deleteRedisKeys } from './redis-keys';

export type WharfService = 'sqs' | 'sns' | 'kinesis' | 'mq';

export interface WharfStack {
  id: string;
  edge: AppProcess;
  apps: AppProcess[];
  stop(): Promise<void>;
}

export interface WharfStackOptions {
  /** Prefix of the stack's id (and so of its Redis keys, topics and data folder): who started it. */
  idPrefix?: string;
  /** Extra environment for every process (edge included), e.g. SigV4 settings. */
  env?: Record<string, string>;
  /** The services to start behind the edge (default: all four); the edge gets no upstream for the others. */
  only?: WharfService[];
}

/**
 * A whole Wharf as real processes: the BUILT sqs, sns, kinesis and mq apps behind the BUILT edge, each with
 * its own Redis prefix, Kafka topic prefix, MQ data folder and ActiveMQ port block, so that test files run
 * side by side. Whatever started is killed when a later start fails (a loaded machine can be slow to /health).
 */
export async function startWharfStack(options: WharfStackOptions = {}): Promise<WharfStack> {
  const id = uniqueId(options.idPrefix ?? 'stack');
  const env = options.env ?? {};
  const prefixes = { sqs: `wharf:it:${id}:sqs:`, sns: `wharf:it:${id}:sns:`, kinesis: `wharf:it:${id}:kinesis`, mq: `wharf:it:${id}:mq:` };
  const dataDir = join(repoRoot, 'tmp', 'mq-test', id);
  const [firstMqPort, lastMqPort] = listenerPortRange(100);
  const want = (s: WharfService) => !options.only || options.only.includes(s);
  const apps: AppProcess[] = [];
  const start = async (name: string, portEnv: string, appEnv: Record<string, string>) => {
    const app = await startApp(name, { portEnv, env: { ...env, ...appEnv }, timeoutMs: 120_000 });
    apps.push(app);
    return app;
  };
  let edge: AppProcess;
  try {
    const sqs = want('sqs') ? await start('sqs', 'SQS_PORT', { SQS_REDIS_PREFIX: prefixes.sqs }) : undefined;
    const settled = await Promise.allSettled([
      want('sns') ? start('sns', 'SNS_PORT', { SNS_REDIS_PREFIX: prefixes.sns, WHARF_SQS_URL: sqs?.url ?? '' }) : undefined,
      want('kinesis') ? start('kinesis', 'KINESIS_PORT', { KINESIS_REDIS_PREFIX: prefixes.kinesis, KINESIS_TOPIC_PREFIX: `wharf.it.${id}` }) : undefined,
      want('mq') ? start('mq', 'MQ_PORT', { WHARF_MQ_REDIS_PREFIX: prefixes.mq, WHARF_MQ_DATA_DIR: dataDir, WHARF_MQ_ACTIVEMQ_PORTS: `${firstMqPort}-${lastMqPort}` }) : undefined,
    ]);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [sns, kinesis, mq] = settled.map((r) => (r as PromiseFulfilledResult<AppProcess | undefined>).value);
    const upstreams: Record<string, string> = {};
    if (sqs) upstreams.WHARF_SQS_URL = sqs.url;
    if (sns) upstreams.WHARF_SNS_URL = sns.url;
    if (kinesis) upstreams.WHARF_KINESIS_URL = kinesis.url;
    if (mq) upstreams.WHARF_MQ_URL = mq.url;
    edge = await startApp('edge', { portEnv: 'EDGE_PORT', timeoutMs: 120_000, env: { ...env, ...upstreams } });
  } catch (err) {
    await Promise.all(apps.map((a) => a.kill()));
    killLeftovers(dataDir);
    throw err;
  }
  return {
    id,
    edge,
    apps,
    stop: async () => {
      await Promise.all([edge.stop(), ...apps.map((a) => a.stop())]);
      killLeftovers(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
      await deleteRedisKeys(Object.values(prefixes));
    },
  };
}

/** ActiveMQ processes the mq app started from this stack's data folder and left behind (a failed test): SIGKILL. */
function killLeftovers(dataDir: string): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dataDir)) process.kill(Number(entry), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the BUILT `wharf` command (apps/cli/bin/wharf.js) as a child process against `endpoint` (given as
 * AWS_ENDPOINT_URL, as a user would; an `--endpoint` in `args` wins).
 */
export function runWharfCli(args: string[], endpoint: string, timeoutMs = 240_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'apps/cli/bin/wharf.js'), ...args], {
      // MQ endpoints are TLS (amqp+ssl) signed by Wharf's local CA: trusted the way its README tells Node users
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(process.env.WHARF_TLS_DIR ?? join(repoRoot, '.data/tls'), 'ca.crt'), AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wharf ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
