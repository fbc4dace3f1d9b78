import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deleteRedisKeys, repoRoot, startApp, uniqueId, type AppProcess } from '@wharf/testing';

export interface WharfStack {
  id: string;
  edge: AppProcess;
  apps: AppProcess[];
  stop(): Promise<void>;
}

/**
 * A whole Wharf as real processes: the BUILT sqs, sns, kinesis and mq apps behind the BUILT edge, each with
 * its own Redis prefix, Kafka topic prefix, MQ data folder and ActiveMQ port block (files run side by side).
 */
export async function startWharf(): Promise<WharfStack> {
  const id = uniqueId('cli');
  const prefixes = { sqs: `wharf:it:${id}:sqs:`, sns: `wharf:it:${id}:sns:`, kinesis: `wharf:it:${id}:kinesis`, mq: `wharf:it:${id}:mq:` };
  const dataDir = join(repoRoot, 'tmp', 'mq-test', id);
  const base = 20_000 + 100 * Math.floor(Math.random() * 120); // below the ephemeral range, like apps/mq/test
  const apps: AppProcess[] = [];
  // on a loaded machine a service can take long to answer /health; whatever started is stopped on failure
  const start = async (name: string, portEnv: string, env: Record<string, string>) => {
    const app = await startApp(name, { portEnv, env, timeoutMs: 120_000 });
    apps.push(app);
    return app;
  };
  let edge: AppProcess;
  try {
    const sqs = await start('sqs', 'SQS_PORT', { SQS_REDIS_PREFIX: prefixes.sqs });
    const settled = await Promise.allSettled([
      start('sns', 'SNS_PORT', { SNS_REDIS_PREFIX: prefixes.sns, WHARF_SQS_URL: sqs.url }),
      start('kinesis', 'KINESIS_PORT', { KINESIS_REDIS_PREFIX: prefixes.kinesis, KINESIS_TOPIC_PREFIX: `wharf.it.${id}` }),
      start('mq', 'MQ_PORT', { WHARF_MQ_REDIS_PREFIX: prefixes.mq, WHARF_MQ_DATA_DIR: dataDir, WHARF_MQ_ACTIVEMQ_PORTS: `${base}-${base + 99}` }),
    ]);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [sns, kinesis, mq] = settled.map((r) => (r as PromiseFulfilledResult<AppProcess>).value);
    edge = await startApp('edge', { portEnv: 'EDGE_PORT', timeoutMs: 120_000, env: { WHARF_SQS_URL: sqs.url, WHARF_SNS_URL: sns.url, WHARF_KINESIS_URL: kinesis.url, WHARF_MQ_URL: mq.url } });
  } catch (err) {
    await Promise.all(apps.map((a) => a.kill()));
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

/** Runs the BUILT `wharf` command (apps/cli/bin/wharf.js) as a child process against the stack's edge. */
export function runWharf(args: string[], endpoint: string, timeoutMs = 240_000): Promise<CliRun> {
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
