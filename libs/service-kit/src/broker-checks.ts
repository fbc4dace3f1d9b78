import net from 'node:net';
import { connect as amqpConnect, type ChannelModel, type Channel } from 'amqplib';
import type { RedisClient } from '@wharf/redis-lua';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { HealthCheck } from './health';
import { createRedisClient, isCluster, parseRedisTarget } from './redis-client';

/*
 * Readiness probes of the brokers, each one cheap (one round trip on a kept connection, or one TCP
 * connect), bounded by its own timeout (below runHealthChecks' 2 s, so the error says what failed), and
 * never leaving a reconnect loop behind: a check that fails drops its connection and the next check
 * starts a fresh one.
 */

/** A health check that holds a connection; `close()` releases it (call it on shutdown). */
export interface BrokerCheck extends HealthCheck {
  close(): Promise<void>;
}

export interface CheckOptions {
  /** Name in the health report. */
  name?: string;
  /** Budget for one check (connect included). Default 1500 ms. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 1_500;

function withTimeout<T>(what: string, ms: number, work: Promise<T>, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${what}: no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const elapsedMs = (started: bigint) => Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;

/** Hides the password in a broker URL for reports and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // redis-cluster://user:pass@h1:p1,h2:p2 is no WHATWG URL
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

/**
 * Redis answers PING on one kept connection; reports the server version and round-trip time. A Redis
 * Cluster (redis-cluster:// URL) must say `cluster_state:ok` and every master must answer PING.
 */
export function redisCheck(url: string, options: CheckOptions = {}): BrokerCheck {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clustered = parseRedisTarget(url).kind === 'cluster';
  let client: RedisClient | undefined;
  let version: string | undefined;
  const drop = () => {
    client?.disconnect();
    client = undefined;
    version = undefined;
  };
  return {
    name: options.name ?? 'redis',
    async check() {
      const started = process.hrtime.bigint();
      try {
        client ??= createRedisClient(url, {
          redis: {
            lazyConnect: true,
            connectTimeout: timeoutMs,
            enableOfflineQueue: clustered, // a cluster client queues until it knows the slots
            maxRetriesPerRequest: 0,
            retryStrategy: () => null, // no background reconnect loop: the next check reconnects
            connectionName: 'wharf-health',
          },
          replicaWait: { replicas: 0, timeoutMs: 0 },
        });
        const c = client;
        c.on('error', () => undefined); // reported by the failing command instead
        let masters: number | undefined;
        await withTimeout('redis', timeoutMs, (async () => {
          if (c.status === 'wait') await c.connect();
          if (isCluster(c)) {
            const info = await c.cluster('INFO');
            const state = /cluster_state:(\w+)/.exec(String(info))?.[1];
            if (state !== 'ok') throw new Error(`redis cluster_state is ${state ?? 'unknown'}`);
            const nodes = c.nodes('master');
            await Promise.all(nodes.map((n) => n.ping()));
            masters = nodes.length;
            if (version === undefined) version = /redis_version:(\S+)/.exec(await nodes[0].info('server'))?.[1] ?? 'unknown';
          } else {
            await c.ping();
            if (version === undefined) version = /redis_version:(\S+)/.exec(await c.info('server'))?.[1] ?? 'unknown';
          }
        })(), drop);
        return { url: redactUrl(url), version, ...(masters !== undefined ? { masters } : {}), latencyMs: elapsedMs(started) };
      } catch (err) {
        drop();
        throw err;
      }
    },
    async close() {
      drop();
    },
  };
}

/**
 * RabbitMQ answers a passive declare of `amq.direct` (one round trip) on one kept AMQP connection;
 * reports product and version from the connection handshake.
 */
export function rabbitmqCheck(amqpUrl: string, options: CheckOptions = {}): BrokerCheck {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let connection: ChannelModel | undefined;
  let channel: Channel | undefined;
  const drop = () => {
    const c = connection;
    connection = undefined;
    channel = undefined;
    c?.close().catch(() => undefined);
  };
  return {
    name: options.name ?? 'rabbitmq',
    async check() {
      const started = process.hrtime.bigint();
      try {
        await withTimeout('rabbitmq', timeoutMs, (async () => {
          if (!connection) {
            const c = await amqpConnect(amqpUrl, { timeout: timeoutMs, clientProperties: { connection_name: 'wharf-health' } });
            c.on('error', () => undefined);
            c.on('close', () => {
              if (connection === c) connection = channel = undefined;
            });
            connection = c;
          }
          if (!channel) {
            const ch = await connection.createChannel();
            ch.on('error', () => undefined);
            ch.on('close', () => {
              if (channel === ch) channel = undefined;
            });
            channel = ch;
          }
          await channel.checkExchange('amq.direct');
        })());
        const server = (connection as unknown as { connection?: { serverProperties?: Record<string, unknown> } } | undefined)?.connection?.serverProperties ?? {};
        return { url: redactUrl(amqpUrl), product: server.product, version: server.version, latencyMs: elapsedMs(started) };
      } catch (err) {
        drop();
        throw err;
      }
    },
    async close() {
      drop();
    },
  };
}

/** Kafka answers a cluster description (one Metadata request) on one kept admin connection. */
export function kafkaCheck(brokers: string[], options: CheckOptions = {}): BrokerCheck {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let admin: Admin | undefined;
  const drop = () => {
    const a = admin;
    admin = undefined;
    a?.disconnect().catch(() => undefined);
  };
  return {
    name: options.name ?? 'kafka',
    async check() {
      const started = process.hrtime.bigint();
      try {
        const cluster = await withTimeout('kafka', timeoutMs, (async () => {
          if (!admin) {
            const a = new Kafka({
              clientId: 'wharf-health',
              brokers,
              connectionTimeout: timeoutMs,
              requestTimeout: timeoutMs,
              retry: { retries: 0 },
              logLevel: logLevel.NOTHING,
            }).admin();
            admin = a;
            await a.connect();
          }
          return admin.describeCluster();
        })());
        return { brokers: cluster.brokers.length, controller: cluster.controller, clusterId: cluster.clusterId, latencyMs: elapsedMs(started) };
      } catch (err) {
        drop();
        throw err;
      }
    },
    async close() {
      drop();
    },
  };
}

export interface TcpProbeOptions {
  timeoutMs?: number;
  /** When set, the peer must send bytes containing this within the timeout (a greeting, e.g. OpenWire's). */
  expectGreeting?: string;
}

/** One TCP connect (and optionally the server's first bytes), then close. Resolves with the round-trip time. */
export function probeTcp(host: string, port: number, options: TcpProbeOptions = {}): Promise<number> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let greeting = Buffer.alloc(0);
    const finish = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(elapsedMs(started));
    };
    socket.setTimeout(timeoutMs, () =>
      finish(new Error(options.expectGreeting && !socket.connecting ? `${host}:${port} accepted but sent no greeting within ${timeoutMs} ms` : `${host}:${port}: no connection within ${timeoutMs} ms`)),
    );
    socket.once('error', (err) => finish(new Error(`${host}:${port}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    socket.once('connect', () => {
      if (!options.expectGreeting) finish();
    });
    if (options.expectGreeting) {
      const expected = options.expectGreeting;
      socket.on('data', (chunk: Buffer) => {
        greeting = Buffer.concat([greeting, chunk]);
        if (greeting.includes(expected)) finish();
        else if (greeting.length > 4096) finish(new Error(`${host}:${port} answered, but not with ${JSON.stringify(expected)}`));
      });
      socket.once('end', () => finish(new Error(`${host}:${port} closed without ${JSON.stringify(expected)}`)));
    }
  });
}

/** Something accepts TCP connections on host:port. */
export function tcpCheck(name: string, host: string, port: number, options: TcpProbeOptions = {}): BrokerCheck {
  return {
    name,
    async check() {
      return { address: `${host}:${port}`, latencyMs: await probeTcp(host, port, options) };
    },
    close: () => Promise.resolve(),
  };
}

export interface ActiveMqInstance {
  /** Instance name in the report (`a`, `b`). */
  name: string;
  host: string;
  /** The OpenWire port: only the active instance (the KahaDB lock holder) opens it. */
  port: number;
}

/**
 * An ActiveMQ active/standby pair on one shared KahaDB: the lock holder opens its ports, the standby opens
 * none. Each instance's OpenWire port is probed for the broker's greeting (its WireFormatInfo carries the
 * magic `ActiveMQ`); the pair is up when one instance serves. A closed port reads "standby or down": from
 * outside the two look alike. Both serving at once would mean the lock is not shared, reported as an error.
 */
export function activemqPairCheck(instances: readonly ActiveMqInstance[], options: CheckOptions = {}): BrokerCheck {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    name: options.name ?? 'activemq',
    async check() {
      const results = await Promise.all(
        instances.map(async (i) => {
          try {
            const latencyMs = await probeTcp(i.host, i.port, { timeoutMs, expectGreeting: 'ActiveMQ' });
            return { name: i.name, address: `${i.host}:${i.port}`, state: 'active' as const, latencyMs };
          } catch (err) {
            return { name: i.name, address: `${i.host}:${i.port}`, state: 'standby or down' as const, error: (err as Error).message };
          }
        }),
      );
      const active = results.filter((r) => r.state === 'active');
      const report = Object.fromEntries(results.map(({ name, ...rest }) => [name, rest]));
      const [serving] = active;
      if (!serving) throw new Error(`no ActiveMQ instance serves: ${results.map((r) => `${r.name} ${r.error}`).join('; ')}`);
      if (active.length > 1 && instances.length > 1) {
        throw new Error(`more than one ActiveMQ instance serves (${active.map((r) => r.name).join(', ')}): the pair does not share its lock`);
      }
      return { active: serving.name, instances: report };
    },
    close: () => Promise.resolve(),
  };
}
