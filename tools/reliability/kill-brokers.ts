// Private broker instances a test may kill -9: never the shared ones on the default ports (other suites use
// them at the same time). Each comes from the same scripts as the shared ones (tools/brokers), pointed at a
// temporary run directory and free ports, and is started, killed and restarted by its pid.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, waitForPort } from '@wharf/testing';

export interface PrivateBroker {
  readonly name: string;
  /** The variables a Wharf service reads (docs/CONVENTIONS.md) pointing at this instance. */
  readonly env: Record<string, string>;
  /** SIGKILL the broker process (a crash: no shutdown, no flush). */
  kill(): Promise<void>;
  /** Start it again on the same ports and data; resolves when it serves. */
  restart(): Promise<void>;
  /** Stop it and delete its data. */
  destroy(): Promise<void>;
}

const BROKERS_SH = join(repoRoot, 'tools/brokers/brokers.sh');

export function run(cmd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { cwd: repoRoot, env: { ...process.env, CI: 'true', ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${cmd} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`)) : resolve(`${stdout}${stderr}`)));
    child.stdin?.end();
  });
}

/** kill -9 of the pid in a pid file; waits until the process is gone. */
export async function killPidFile(pidFile: string): Promise<number> {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 200; i++) {
    try { process.kill(pid, 0); } catch { return pid; }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pid ${pid} still alive after SIGKILL`);
}

/** Wharf's Redis as `brokers.sh up redis` starts it (AOF, appendfsync always), in its own run dir and port. */
export async function privateRedis(): Promise<PrivateBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-kill-redis-'));
  const port = await freePort();
  const env = { WHARF_BROKERS_RUN_DIR: dir, WHARF_REDIS_PORT: String(port) };
  const up = async () => { await run('bash', [BROKERS_SH, 'up', 'redis'], env, 60_000); await waitForPort(port); };
  await up();
  return {
    name: 'redis',
    env: { WHARF_REDIS_URL: `redis://127.0.0.1:${port}` },
    kill: async () => { await killPidFile(join(dir, 'redis', 'redis.pid')); },
    restart: up,
    destroy: async () => {
      await run('bash', [BROKERS_SH, 'down', 'redis'], env, 60_000).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
