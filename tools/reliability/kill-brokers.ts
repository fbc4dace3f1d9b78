// Private broker instances a test may kill -9: never the shared ones on the default ports (other suites use
// them at the same time). Each comes from the same scripts as the shared ones (tools/brokers), pointed at a
// temporary run directory and free ports, and is started, killed and restarted by its pid.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenerPort, repoRoot, waitForPort } from '@wharf/testing';

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

/** A first start that fails leaves nothing running and nothing on disk. */
async function startOrCleanUp(up: () => Promise<void>, stop: () => Promise<unknown>, dir: string): Promise<void> {
  try {
    await up();
  } catch (err) {
    await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Wharf's Redis as `brokers.sh up redis` starts it (AOF, appendfsync always), in its own run dir and port. */
export async function privateRedis(): Promise<PrivateBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-kill-redis-'));
  const port = await listenerPort();
  const env = { WHARF_BROKERS_RUN_DIR: dir, WHARF_REDIS_PORT: String(port) };
  const up = async () => { await run('bash', [BROKERS_SH, 'up', 'redis'], env, 60_000); await waitForPort(port); };
  await startOrCleanUp(up, () => run('bash', [BROKERS_SH, 'down', 'redis'], env), dir);
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

export const ACTIVEMQ_LOGIN = { user: process.env.WHARF_ACTIVEMQ_USER ?? 'wharf', password: process.env.WHARF_ACTIVEMQ_PASSWORD ?? 'wharf' };

export interface ActiveMqPorts { openwire: number; stomp: number; amqp: number; mqtt: number; ws: number }
export interface PrivateActiveMqPair extends PrivateBroker {
  readonly a: ActiveMqPorts;
  readonly b: ActiveMqPorts;
  /** Which instance serves now (holds the KahaDB lock). */
  active(): Promise<'a' | 'b'>;
}

async function portsOf(): Promise<ActiveMqPorts> {
  return { openwire: await listenerPort(), stomp: await listenerPort(), amqp: await listenerPort(), mqtt: await listenerPort(), ws: await listenerPort() };
}

async function accepts(port: number): Promise<boolean> {
  return waitForPort(port, '127.0.0.1', 0).then(() => true, () => false);
}

/**
 * The development pair as `brokers.sh up activemq` runs it (one KahaDB, the lock holder active, credentials
 * required), in its own run dir and on free ports. kill() kills the ACTIVE instance; the standby takes over by
 * itself; restart() brings the killed one back as the new standby.
 */
export async function privateActiveMqPair(): Promise<PrivateActiveMqPair> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-kill-activemq-'));
  const a = await portsOf();
  const b = await portsOf();
  const list = (p: ActiveMqPorts) => [p.openwire, p.stomp, p.amqp, p.mqtt, p.ws].join(' ');
  const env = { WHARF_BROKERS_RUN_DIR: dir, WHARF_ACTIVEMQ_A_PORTS: list(a), WHARF_ACTIVEMQ_B_PORTS: list(b), ACTIVEMQ_HEAP: '256m', AMQ_START_TIMEOUT: '300' };
  const up = async () => { await run('bash', [BROKERS_SH, 'up', 'activemq'], env, 600_000); };
  const active = async (): Promise<'a' | 'b'> => {
    for (let i = 0; i < 600; i++) {
      if (await accepts(a.stomp)) return 'a';
      if (await accepts(b.stomp)) return 'b';
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no instance of the private ActiveMQ pair serves');
  };
  await startOrCleanUp(up, () => run('bash', [BROKERS_SH, 'down', 'activemq'], env, 120_000), dir);
  return {
    name: 'activemq',
    a,
    b,
    env: {
      WHARF_ACTIVEMQ_A: `127.0.0.1:${a.openwire}`, WHARF_ACTIVEMQ_B: `127.0.0.1:${b.openwire}`,
      WHARF_ACTIVEMQ_USER: ACTIVEMQ_LOGIN.user, WHARF_ACTIVEMQ_PASSWORD: ACTIVEMQ_LOGIN.password,
    },
    active,
    kill: async () => { await killPidFile(join(dir, 'activemq', await active(), 'broker.pid')); },
    restart: up,
    destroy: async () => {
      await run('bash', [BROKERS_SH, 'down', 'activemq'], env, 120_000).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A single KRaft node as `brokers.sh up kafka` runs it, on its own ports and data dir. */
export async function privateKafka(): Promise<PrivateBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-kill-kafka-'));
  const port = await listenerPort();
  const env = { WHARF_BROKERS_RUN_DIR: dir, WHARF_KAFKA_PORT: String(port), WHARF_KAFKA_CONTROLLER_PORT: String(await listenerPort()), WHARF_KAFKA_HEAP: '384m', KAFKA_START_TIMEOUT: '540' };
  const up = async () => { await run('bash', [BROKERS_SH, 'up', 'kafka'], env, 600_000); };
  await startOrCleanUp(up, () => run('bash', [BROKERS_SH, 'down', 'kafka'], env, 120_000), dir);
  return {
    name: 'kafka',
    env: { WHARF_KAFKA_BROKERS: `127.0.0.1:${port}` },
    kill: async () => { await killPidFile(join(dir, 'kafka', 'kafka.pid')); },
    restart: up,
    destroy: async () => {
      await run('bash', [BROKERS_SH, 'down', 'kafka'], env, 120_000).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A second RabbitMQ node of the Debian package (own node name, ports, Mnesia and log dirs, no plugins, its own
 * config instead of /etc/rabbitmq's), run in its own process group so kill() takes the whole node at once.
 */
export async function privateRabbitMq(): Promise<PrivateBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-kill-rabbitmq-'));
  const port = await listenerPort();
  const node = `wharf-kill-${port}@localhost`;
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${port}\n`);
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  mkdirSync(join(dir, 'conf.d'));
  const env = {
    HOME: dir, RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'), RABBITMQ_NODENAME: node, RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(await listenerPort()), RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'), RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'), RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_CONFIG_FILES: join(dir, 'conf.d'), RABBITMQ_PID_FILE: join(dir, 'node.pid'), ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  let child: ChildProcess | undefined;
  const up = async () => {
    child = spawn('/usr/lib/rabbitmq/bin/rabbitmq-server', [], { cwd: dir, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', openSync(join(dir, 'node.out'), 'a'), openSync(join(dir, 'node.out'), 'a')] });
    await waitForPort(port, '127.0.0.1', 480_000);
  };
  const killGroup = async () => {
    const c = child;
    if (!c?.pid || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    process.kill(-c.pid, 'SIGKILL');
    await exited;
  };
  await startOrCleanUp(up, killGroup, dir);
  return {
    name: 'rabbitmq',
    env: { WHARF_AMQP_URL: `amqp://guest:guest@127.0.0.1:${port}` },
    kill: killGroup,
    restart: up,
    destroy: async () => { await killGroup(); rmSync(dir, { recursive: true, force: true }); },
  };
}
