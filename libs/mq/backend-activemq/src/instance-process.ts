import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid of the instance started from `dir`, if that process is alive (guards against a recycled pid). */
export function instancePid(dir: string): number | undefined {
  const file = join(dir, 'broker.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return isOurs(pid, dir) ? pid : undefined;
}

function isOurs(pid: number, dir: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (args.includes(`xbean:file:${join(dir, 'broker.xml')}`)) return true;
    // the launcher before it execs java
    return args.includes(dir) && args.some((a) => a.endsWith('/run-instance.sh') || a.endsWith('/run-broker.sh'));
  } catch {
    return false;
  }
}

export function isAlive(pid: number | undefined, dir: string): boolean {
  return pid !== undefined && isOurs(pid, dir);
}

/** True when host:port accepts a TCP connection within `timeoutMs`. */
export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface LaunchOptions {
  /** The launcher script (launcher/run-instance.sh): `<launcher> <dir>` execs java and writes broker.pid. */
  launcher: string;
  /** Folder of the shared jars (tools/brokers/activemq), passed as WHARF_MQ_ACTIVEMQ_HOME. */
  home: string;
  heap: string;
  /** The ActiveMQ line the launcher runs (ACTIVEMQ_LINE: 5.18, 5.19, 6.1). */
  line: string;
}

/**
 * Starts the instance with the launcher (run-instance.sh <dir>, which execs java and writes broker.pid)
 * in its own session, so it outlives a restart of `mq`; output appends to broker.log.
 */
export function launch(dir: string, options: LaunchOptions): number {
  const log = openSync(join(dir, 'broker.log'), 'a');
  try {
    const child = spawn('bash', [options.launcher, dir], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ACTIVEMQ_HEAP: options.heap, ACTIVEMQ_LINE: options.line, WHARF_MQ_ACTIVEMQ_HOME: options.home },
    });
    child.on('error', () => undefined);
    child.unref();
    if (!child.pid) throw new Error(`could not start ActiveMQ in ${dir}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** SIGTERM (graceful: KahaDB checkpoint, lock released) or SIGKILL, then wait for the process to go. */
export async function stopProcess(pid: number, dir: string, graceful: boolean, graceMs = 30_000): Promise<void> {
  if (!isAlive(pid, dir)) return;
  try {
    process.kill(pid, graceful ? 'SIGTERM' : 'SIGKILL');
  } catch {
    return;
  }
  const deadline = Date.now() + (graceful ? graceMs : 10_000);
  while (isAlive(pid, dir)) {
    if (Date.now() > deadline) {
      if (!graceful) throw new Error(`ActiveMQ process ${pid} (${dir}) survived SIGKILL`);
      return stopProcess(pid, dir, false);
    }
    await sleep(50);
  }
}

/** The last lines of the instance's log, for error messages. */
export function logTail(dir: string, lines = 15): string {
  try {
    return readFileSync(join(dir, 'broker.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no broker.log)';
  }
}

/** Has the instance reported that another instance holds the lock (it is a standby)? */
export function saysStandby(dir: string, sinceBytes = 0): boolean {
  try {
    const text = readFileSync(join(dir, 'broker.log'), 'utf8').slice(sinceBytes);
    return /now in slave mode waiting a lock/.test(text);
  } catch {
    return false;
  }
}

/** Runs `<launcher> --prepare` (fetches the jars once with Maven); rejects with its output on failure. */
export function prepareLauncher(options: Omit<LaunchOptions, 'heap' | 'line'>): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', [options.launcher, '--prepare'], { env: { ...process.env, WHARF_MQ_ACTIVEMQ_HOME: options.home }, timeout: 15 * 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${options.launcher} --prepare failed: ${(stderr || stdout || err.message).trim().slice(-2000)}`));
      else resolve();
    });
  });
}
