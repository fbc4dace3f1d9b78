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
  const sqs = await startApp('sqs', { portEnv: 'SQS_PORT', env: { SQS_REDIS_PREFIX: prefixes.sqs } });
  const [sns, kinesis, mq] = await Promise.all([
    startApp('sns', { portEnv: 'SNS_PORT', env: { SNS_REDIS_PREFIX: prefixes.sns, WHARF_SQS_URL: sqs.url } }),
    startApp('kinesis', { portEnv: 'KINESIS_PORT', env: { KINESIS_REDIS_PREFIX: prefixes.kinesis, KINESIS_TOPIC_PREFIX: `wharf.it.${id}` } }),
    startApp('mq', { portEnv: 'MQ_PORT', env: { WHARF_MQ_REDIS_PREFIX: prefixes.mq, WHARF_MQ_DATA_DIR: dataDir, WHARF_MQ_ACTIVEMQ_PORTS: `${base}-${base + 99}` } }),
  ]);
  const apps = [sqs, sns, kinesis, mq];
  const edge = await startApp('edge', { portEnv: 'EDGE_PORT', env: { WHARF_SQS_URL: sqs.url, WHARF_SNS_URL: sns.url, WHARF_KINESIS_URL: kinesis.url, WHARF_MQ_URL: mq.url } });
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
      env: { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
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
