import { resolve } from 'node:path';
import { brokerConfig, envInt, envString } from '@wharf/service-kit';

export const MQ_CONFIG = Symbol('MQ_CONFIG');

export interface MqConfig {
  port: number;
  redisUrl: string;
  /** Prefix of every Redis key (lets test runs share a Redis). */
  keyPrefix: string;
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
  activemqTls?: { keyStore: string; keyStorePassword: string };
  /** Static strategy: JSON (or @file) listing the running brokers to hand out. */
  activemqStatic: string;
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
  return {
    port: envInt('MQ_PORT', 8180),
    redisUrl: brokers.redisUrl,
    keyPrefix: envString('WHARF_MQ_REDIS_PREFIX', 'wharf:mq:'),
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
    activemqTls: envString('WHARF_MQ_ACTIVEMQ_KEYSTORE', '')
      ? { keyStore: resolve(envString('WHARF_MQ_ACTIVEMQ_KEYSTORE', '')), keyStorePassword: envString('WHARF_MQ_ACTIVEMQ_KEYSTORE_PASSWORD', 'password') }
      : undefined,
    activemqStatic: envString('WHARF_MQ_ACTIVEMQ_STATIC', ''),
  };
}
