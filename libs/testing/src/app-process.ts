import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listenerPort } from './ports';

/** The repository root, found from this file (libs/testing/src or libs/testing/dist). */
export const repoRoot = resolve(__dirname, '../../..');

export interface AppProcess {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** SIGKILL, as a crash would: no shutdown hooks run. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a graceful exit. */
  stop(): Promise<void>;
}

export interface StartAppOptions {
  env?: Record<string, string>;
  port?: number;
  /** Env var the app reads its port from, e.g. SQS_PORT. */
  portEnv: string;
  /** Readiness URL path; the app is ready when it answers 200. */
  healthPath?: string;
  timeoutMs?: number;
  /** The script to run instead of `apps/<name>/dist/main.js`, from the repository root (tools/one-process.cjs). */
  main?: string;
  /** The `service` its /health report names (default `name`; the one-process Wharf answers as the edge). */
  healthService?: string;
}

/**
 * Starts a BUILT app (`apps/<name>/dist/main.js`, or `main`) as a real process and waits until /health answers 200.
 * The port it picks lies outside the ephemeral range (listenerPort); should it still be taken before the app
 * listens on it (another test file's app), the start is tried again on another.
 */
export async function startApp(name: string, options: StartAppOptions): Promise<AppProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await listenerPort());
    try {
      return await startOn(name, options, port);
    } catch (err) {
      const taken = err instanceof Error && err.message.includes(`EADDRINUSE: address already in use 127.0.0.1:${port}`);
      if (options.port !== undefined || !taken || attempt >= 3) throw err;
    }
  }
}

async function startOn(name: string, options: StartAppOptions, port: number): Promise<AppProcess> {
  const main = options.main ? join(repoRoot, options.main) : join(repoRoot, 'apps', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  let output = '';
  const child = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: { ...process.env, WHARF_LOG_LEVEL: 'warn', ...options.env, [options.portEnv]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    name,
    port,
    url,
    child,
    output: () => output,
    kill: async () => { if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await exited; } },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await waitForHealth(app, options.healthPath ?? '/health', options.healthService ?? name, options.timeoutMs ?? 30_000);
  return app;
}

async function waitForHealth(app: AppProcess, path: string, service: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null || app.child.signalCode !== null) {
      await new Promise((r) => setTimeout(r, 100)); // its last output may come after 'exit'
      throw new Error(`${app.name} exited before it was ready:\n${app.output()}`);
    }
    let answer: { status: number; text: string } | undefined;
    try {
      const res = await fetch(app.url + path);
      answer = { status: res.status, text: await res.text() };
    } catch (err) {
      last = String(err);
    }
    if (answer) {
      // Another process on the port answers for this one while it fails to bind: say so, never route to it.
      const answering = answeredAs(answer.text);
      if (answering !== undefined && answering !== service) {
        await app.kill();
        throw new Error(`${app.name}: port ${app.port} is answered by ${answering}, not by this process:\n${app.output()}`);
      }
      if (answer.status === 200) return;
      last = `${answer.status} ${answer.text}`;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await app.kill();
  throw new Error(`${app.name} not ready within ${timeoutMs} ms (last: ${last}):\n${app.output()}`);
}

/** The `service` a Wharf /health report names, if the body is one. */
function answeredAs(body: string): string | undefined {
  try {
    const service = (JSON.parse(body) as { service?: unknown }).service;
    return typeof service === 'string' ? service : undefined;
  } catch {
    return undefined;
  }
}
