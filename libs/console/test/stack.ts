import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deleteRedisKeys, repoRoot, startApp, uniqueId, type AppProcess } from '@wharf/testing';
import { chromium, type Browser, type Page } from 'playwright-core';

export interface ConsoleStack {
  id: string;
  edge: AppProcess;
  apps: AppProcess[];
  stop(): Promise<void>;
}

/**
 * A whole Wharf as real processes (the BUILT sqs, sns, kinesis and mq apps behind the BUILT edge), each with
 * its own Redis prefix, Kafka topic prefix and MQ data folder, so it runs beside other test files.
 */
export async function startStack(env: Record<string, string> = {}, only?: ('sqs' | 'sns' | 'kinesis' | 'mq')[]): Promise<ConsoleStack> {
  const id = uniqueId('con');
  const prefixes = { sqs: `wharf:it:${id}:sqs:`, sns: `wharf:it:${id}:sns:`, kinesis: `wharf:it:${id}:kinesis`, mq: `wharf:it:${id}:mq:` };
  const dataDir = join(repoRoot, 'tmp', 'mq-test', id);
  const base = 20_000 + 100 * Math.floor(Math.random() * 120);
  const want = (s: string) => !only || only.includes(s as never);
  const sqs = want('sqs') ? await startApp('sqs', { timeoutMs: 120_000, portEnv: 'SQS_PORT', env: { ...env, SQS_REDIS_PREFIX: prefixes.sqs } }) : undefined;
  const [sns, kinesis, mq] = await Promise.all([
    want('sns') ? startApp('sns', { timeoutMs: 120_000, portEnv: 'SNS_PORT', env: { ...env, SNS_REDIS_PREFIX: prefixes.sns, WHARF_SQS_URL: sqs?.url ?? '' } }) : undefined,
    want('kinesis') ? startApp('kinesis', { timeoutMs: 120_000, portEnv: 'KINESIS_PORT', env: { ...env, KINESIS_REDIS_PREFIX: prefixes.kinesis, KINESIS_TOPIC_PREFIX: `wharf.it.${id}` } }) : undefined,
    want('mq') ? startApp('mq', { timeoutMs: 120_000, portEnv: 'MQ_PORT', env: { ...env, WHARF_MQ_REDIS_PREFIX: prefixes.mq, WHARF_MQ_DATA_DIR: dataDir, WHARF_MQ_ACTIVEMQ_PORTS: `${base}-${base + 99}` } }) : undefined,
  ]);
  const apps = [sqs, sns, kinesis, mq].filter((a): a is AppProcess => !!a);
  const upstreams: Record<string, string> = {};
  if (sqs) upstreams.WHARF_SQS_URL = sqs.url;
  if (sns) upstreams.WHARF_SNS_URL = sns.url;
  if (kinesis) upstreams.WHARF_KINESIS_URL = kinesis.url;
  if (mq) upstreams.WHARF_MQ_URL = mq.url;
  const edge = await startApp('edge', { timeoutMs: 120_000, portEnv: 'EDGE_PORT', env: { ...env, ...upstreams } });
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

/** ActiveMQ processes the mq app started from this stack's data folder and left behind: SIGKILL. */
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

/** Debian's Chromium, headless, with the flags this closed network needs (../shared/CONTAINERS.md); a fresh profile each launch. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Saves a screenshot of the page: always under tmp/console-screenshots/, and into docs/console/ when
 * WHARF_CONSOLE_SCREENSHOTS=docs (how the committed pictures were made).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dirs = [join(repoRoot, 'tmp', 'console-screenshots')];
  if (process.env.WHARF_CONSOLE_SCREENSHOTS === 'docs') dirs.push(join(repoRoot, 'docs', 'console'));
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
  }
}

/** Every browser-side error (console errors, uncaught exceptions) of a page, for the "never a blank page" checks. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** Runs the BUILT `wharf` command (apps/cli/bin/wharf.js) against the stack's edge; resolves with its exit code and output. */
export function runWharf(args: string[], endpoint: string, timeoutMs = 240_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'apps/cli/bin/wharf.js'), ...args, '--endpoint', endpoint], {
      env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
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

/** Opens a view of the console (`#/<view>`) and waits until its nav entry is the current one. */
export async function openView(page: Page, stack: ConsoleStack, view: string): Promise<void> {
  await page.goto(`${stack.edge.url}/_wharf/console/#/${view}`);
  await page.locator(`nav a[data-view="${view}"].current`).waitFor();
}
