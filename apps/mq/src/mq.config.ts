import { resolve } from 'node:path';
import type { TlsListenerName } from '@wharf/mq-backend-rabbitmq';
import { brokerConfig, commonConfig, ensureLocalCa, envInt, envString, type LocalCa } from '@wharf/service-kit';

export const MQ_CONFIG = Symbol('MQ_CONFIG');

export interface MqConfig {
  port: number;
  redisUrl: string;
  /** Prefix of every Redis key (lets test runs share a Redis). */
  keyPrefix: string;
  /**
   * How long the supervisor lease outlives its holder's last renewal (ms): replicas of `mq` on one prefix elect
   * one supervisor of broker processes, and a standby takes over within about this long after it dies.
   */
  leaseMs: number;
  /** RabbitMQ management API; empty disables the RABBITMQ engine. */
  rabbitmqManagementUrl: string;
  /** Host written into RabbitMQ endpoints (default: the management URL's host). */
  rabbitmqPublicHost?: string;
  /** `local` (mq spawns ActiveMQ processes), `static` (brokers already running), `off`. */
  activemqStrategy: 'local' | 'static' | 'off';
  /** Where local ActiveMQ brokers keep config and data (one folder per broker). */
  activemqDataDir: string;
  /** Folder with lib/*.jar and log4j2.properties (tools/brokers/activemq). */
  activemqHome: string;
  /** Script that runs one instance in the foreground (libs/mq/backend-activemq/launcher/run-instance.sh). */
  activemqLauncher: string;
  /** Ports local brokers take, "first-last". */
  activemqPorts: [number, number];
  /** Address local brokers bind. */
  activemqHost: string;
  /** Host local brokers' endpoints name (default: the bind address, 127.0.0.1 for 0.0.0.0). */
  activemqPublicHost?: string;
  /** TLS for every local broker transport (Java keystore), when set. */
  activemqTls?: { keyStore: string; keyStorePassword: string; keyStoreType?: string };
  /** Static strategy: JSON (or @file) listing the running brokers to hand out. */
  activemqStatic: string;
  /**
   * `tls` (default): broker endpoints listed and served as Amazon MQ does — ssl://, amqp+ssl://, stomp+ssl://,
   * mqtt+ssl://, wss:// (ActiveMQ), amqps:// and TLS for the rest (RabbitMQ) — with the local CA's certificate.
   * `plain`: the cleartext listeners (tcp://, amqp://, …). WHARF_MQ_ENDPOINTS.
   */
  endpoints: 'tls' | 'plain';
  /** Why endpoints fell back to cleartext (logged at start). */
  tlsError?: string;
  /** RABBITMQ brokers' TLS listeners in this process (endpoints=tls): key, certificate, bind address, ports. */
  rabbitmqTls?: { key: string; cert: string; bindHost: string; ports: Partial<Record<TlsListenerName, number>> };
}

/** "amqps=5671,mqtt=8883,…" (a listener left out keeps its default), or "0": every one on a free port. */
function tlsPorts(raw: string): Partial<Record<TlsListenerName, number>> {
  if (raw.trim() === '0') return { amqps: 0, mqtt: 0, stomp: 0, wss: 0, https: 0 };
  const ports: Partial<Record<TlsListenerName, number>> = {};
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(amqps|mqtt|stomp|wss|https)=(\d+)$/.exec(part);
    if (!m || Number(m[2]) > 65535) throw new Error(`WHARF_MQ_RABBITMQ_TLS_PORTS: expected name=port (amqps, mqtt, stomp, wss, https) or 0, got "${part}"`);
    ports[m[1] as TlsListenerName] = Number(m[2]);
  }
  return ports;
}

const repoRoot = resolve(__dirname, '../../..');

function portRange(raw: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(raw.trim());
  if (!m || Number(m[1]) < 1024 || Number(m[2]) > 65535 || Number(m[1]) > Number(m[2])) {
    throw new Error(`WHARF_MQ_ACTIVEMQ_PORTS must be "first-last" within 1024-65535, got "${raw}"`);
  }
  return [Number(m[1]), Number(m[2])];
}

export function mqConfig(): MqConfig {
  const strategy = envString('WHARF_MQ_ACTIVEMQ_STRATEGY', 'local');
  if (!['local', 'static', 'off'].includes(strategy)) throw new Error(`WHARF_MQ_ACTIVEMQ_STRATEGY must be local, static or off, got "${strategy}"`);
  const brokers = brokerConfig();
  const endpoints = envString('WHARF_MQ_ENDPOINTS', 'tls');
  if (endpoints !== 'tls' && endpoints !== 'plain') throw new Error(`WHARF_MQ_ENDPOINTS must be tls or plain, got "${endpoints}"`);
  let ca: LocalCa | undefined;
  let tlsError: string | undefined;
  try {
    ca = endpoints === 'tls' ? ensureLocalCa() : undefined;
  } catch (err) {
    // e.g. a container whose user cannot write the checkout: cleartext endpoints rather than no mq at all
    tlsError = `Endpoints are cleartext: the local CA could not be created or read (${String(err)}); set WHARF_TLS_DIR to a writable folder`;
  }
  return {
    port: envInt('MQ_PORT', 8180),
    redisUrl: brokers.redisUrl,
    keyPrefix: envString('WHARF_MQ_REDIS_PREFIX', 'wharf:mq:'),
    leaseMs: envInt('WHARF_MQ_LEASE_MS', 5_000),
    // set but empty: no RABBITMQ engine (brokerConfig would fall back to the default)
    rabbitmqManagementUrl: process.env.WHARF_RABBITMQ_MANAGEMENT_URL === '' ? '' : brokers.rabbitmqManagementUrl,
    rabbitmqPublicHost: envString('WHARF_MQ_RABBITMQ_PUBLIC_HOST', '') || undefined,
    activemqStrategy: strategy as MqConfig['activemqStrategy'],
    activemqDataDir: resolve(envString('WHARF_MQ_DATA_DIR', resolve(repoRoot, 'tmp/mq'))),
    activemqHome: resolve(envString('WHARF_MQ_ACTIVEMQ_HOME', resolve(repoRoot, 'tools/brokers/activemq'))),
    activemqLauncher: resolve(envString('WHARF_MQ_ACTIVEMQ_LAUNCHER', resolve(repoRoot, 'libs/mq/backend-activemq/launcher/run-instance.sh'))),
    activemqPorts: portRange(envString('WHARF_MQ_ACTIVEMQ_PORTS', '62000-62999')),
    activemqHost: envString('WHARF_MQ_ACTIVEMQ_HOST', '127.0.0.1'),
    activemqPublicHost: envString('WHARF_MQ_ACTIVEMQ_PUBLIC_HOST', '') || undefined,
    // an own keystore wins; else the local CA's server certificate when endpoints are TLS
    activemqTls: envString('WHARF_MQ_ACTIVEMQ_KEYSTORE', '')
      ? { keyStore: resolve(envString('WHARF_MQ_ACTIVEMQ_KEYSTORE', '')), keyStorePassword: envString('WHARF_MQ_ACTIVEMQ_KEYSTORE_PASSWORD', 'password') }
      : ca && { keyStore: ca.keyStorePath, keyStorePassword: ca.keyStorePassword, keyStoreType: 'PKCS12' },
    activemqStatic: envString('WHARF_MQ_ACTIVEMQ_STATIC', ''),
    endpoints: ca || endpoints === 'plain' ? endpoints : 'plain',
    tlsError,
    rabbitmqTls: ca && { key: ca.key, cert: ca.cert, bindHost: commonConfig().host, ports: tlsPorts(envString('WHARF_MQ_RABBITMQ_TLS_PORTS', '')) },
  };
}
