// The composed stack (docker-compose.yml) driven from tests: compose v1 on the podman socket that
// tools/containers/engine.sh starts. Every call is bounded; failures carry what compose/podman said.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@wharf/testing';

const run = promisify(execFile);
export const project = process.env.WHARF_COMPOSE_PROJECT ?? 'wharf-ci';
export const composeFile = join(repoRoot, 'docker-compose.yml');

async function exec(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { cwd: repoRoot, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; killed?: boolean; message: string };
    const why = e.killed ? `timed out after ${timeoutMs} ms` : e.message.split('\n')[0];
    throw new Error(`${cmd} ${args.join(' ')}: ${why}\n${(e.stderr ?? '').slice(-3000)}${(e.stdout ?? '').slice(-1000)}`);
  }
}

export const compose = (args: string[], timeoutMs = 120_000) => exec('docker-compose', ['-p', project, '-f', composeFile, ...args], timeoutMs);
export const docker = (args: string[], timeoutMs = 60_000) => exec('docker', args, timeoutMs);

export interface ServiceState { service: string; id: string; status: string; exitCode: number; health: string }

export async function services(): Promise<ServiceState[]> {
  const ids = (await compose(['ps', '-a', '-q'], 60_000)).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const out = await docker(['inspect', '--format',
    '{{index .Config.Labels "com.docker.compose.service"}} {{.Id}} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', ...ids]);
  return out.split('\n').filter(Boolean).map((line) => {
    const [service, id, status, exitCode, health] = line.split(' ');
    return { service, id, status, exitCode: Number(exitCode), health: health || 'none' }; // podman: an empty Health for none
  });
}

/** The container id of one service (its first replica). */
export async function containerOf(service: string): Promise<string> {
  const s = (await services()).find((x) => x.service === service);
  if (!s) throw new Error(`no container for service ${service}`);
  return s.id;
}

/**
 * Waits until every long-running service is healthy and every one-shot one exited 0. On timeout: which
 * services are not, with the end of their logs.
 */
export async function waitHealthy(expected: readonly string[], timeoutMs: number): Promise<ServiceState[]> {
  const deadline = Date.now() + timeoutMs;
  let last: ServiceState[] = [];
  for (;;) {
    last = await services();
    const bad = expected.filter((name) => {
      const s = last.find((x) => x.service === name);
      if (!s) return true;
      if (s.health === 'none') return !(s.status === 'exited' && s.exitCode === 0);
      return s.health !== 'healthy';
    });
    if (bad.length === 0) return last;
    const failedOneShot = last.find((s) => s.health === 'none' && s.status === 'exited' && s.exitCode !== 0);
    if (failedOneShot || Date.now() > deadline) {
      const report = await Promise.all(bad.map(async (name) => {
        const s = last.find((x) => x.service === name);
        const tail = s ? await logs(s.id, 15) : '(no container)';
        return `--- ${name}: ${s ? `${s.status} ${s.health}` : 'missing'}\n${tail}`;
      }));
      throw new Error(`not healthy within ${timeoutMs} ms: ${bad.join(', ')}\n${report.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** The end of a container's output (stdout and stderr). */
export async function logs(id: string, lines: number): Promise<string> {
  const r = await run('docker', ['logs', '--tail', String(lines), id], { timeout: 30_000, maxBuffer: 16 << 20 }).catch((e: { stdout?: string; stderr?: string; message: string }) => ({ stdout: e.stdout ?? e.message, stderr: e.stderr ?? '' }));
  return `${r.stdout}${r.stderr}`;
}
