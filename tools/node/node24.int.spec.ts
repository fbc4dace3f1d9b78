// `npm start` on a machine whose own node is older must run every Wharf service on the project's Node 24.
import { execFileSync, spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { listenerPort, repoRoot } from '@wharf/testing';
import { describe, expect, it } from 'vitest';

const APPS = ['sqs', 'sns', 'kinesis', 'mq', 'edge'] as const;
const PORT_ENV: Record<(typeof APPS)[number], string> = { sqs: 'SQS_PORT', sns: 'SNS_PORT', kinesis: 'KINESIS_PORT', mq: 'MQ_PORT', edge: 'EDGE_PORT' };

describe('Node 24', () => {
  it('vitest itself runs on Node 24', () => {
    expect(process.versions.node).toMatch(/^24\./);
  });

  it('every service that `npm start` launches runs on Node 24, whatever node comes first on PATH', async () => {
    const env: Record<string, string> = { ...process.env as Record<string, string>, CI: 'true', WHARF_LOG_LEVEL: 'warn' };
    // the machine's own PATH, as a user's shell has it: /usr/bin/node (20 on this machine kind) first
    env.PATH = `/usr/local/bin:/usr/bin:/bin:${process.env.PATH ?? ''}`;
    for (const app of APPS) env[PORT_ENV[app]] = String(await listenerPort());
    env.WHARF_SQS_URL = `http://127.0.0.1:${env.SQS_PORT}`;
    env.WHARF_SNS_URL = `http://127.0.0.1:${env.SNS_PORT}`;
    env.WHARF_KINESIS_URL = `http://127.0.0.1:${env.KINESIS_PORT}`;
    env.WHARF_MQ_URL = `http://127.0.0.1:${env.MQ_PORT}`;
    const child = spawn('npm', ['start'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    try {
      const pids = await new Promise<Record<string, number>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`npm start did not report its services within 150 s:\n${output}`)), 150_000);
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited (${code}):\n${output}`)); });
        child.stdout.on('data', () => {
          if (!output.includes('AWS_ENDPOINT_URL=')) return;
          clearTimeout(timer);
          resolve(Object.fromEntries([...output.matchAll(/started (\w+) \(pid (\d+)\)/g)].map((m) => [m[1], Number(m[2])])));
        });
      });
      expect(Object.keys(pids).sort()).toEqual([...APPS].sort());
      const versions: Record<string, string> = {};
      for (const [app, pid] of Object.entries(pids)) versions[app] = execFileSync(await nodeExe(pid), ['-v'], { encoding: 'utf8' }).trim();
      for (const app of APPS) expect(versions[app], `${app}: ${output}`).toMatch(/^v24\./);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
      await new Promise((r) => { if (child.exitCode !== null) r(null); else child.once('exit', r); });
    }
  }, 200_000);
});

/** The executable of a process that run.sh forked: bash until the fork has exec'd node. */
async function nodeExe(pid: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const exe = readlinkSync(`/proc/${pid}/exe`);
    if (/\/node$/.test(exe) || Date.now() > deadline) return exe;
    await new Promise((r) => setTimeout(r, 50));
  }
}
