import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { repoRoot } from './app-process';
import { listenerPort } from './ports';

/**
 * Where the integration suites find their brokers: the machine's own (tools/brokers, the default) or
 * containers started with testcontainers (WHARF_TEST_BROKERS=containers; tools/containers/ci.sh does it).
 * Either way the suites and the apps they spawn read the same variables (WHARF_REDIS_URL, ...).
 */
export type BrokerMode = 'local' | 'containers';

export function brokerMode(): BrokerMode {
  const mode = process.env.WHARF_TEST_BROKERS ?? 'local';
  if (mode !== 'local' && mode !== 'containers') throw new Error(`WHARF_TEST_BROKERS must be "local" or "containers", got "${mode}"`);
  return mode;
}

export type BrokerKind = 'redis' | 'rabbitmq' | 'kafka' | 'activemq';
export const ALL_BROKERS: readonly BrokerKind[] = ['redis', 'rabbitmq', 'kafka', 'activemq'];

/** The broker variables (docs/CONVENTIONS.md names) pointing at the machine's own brokers. */
export function localBrokerEnv(): Record<string, string> {
  return {
    WHARF_REDIS_URL: process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380',
    WHARF_AMQP_URL: process.env.WHARF_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    WHARF_RABBITMQ_MANAGEMENT_URL: process.env.WHARF_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672',
    WHARF_KAFKA_BROKERS: process.env.WHARF_KAFKA_BROKERS ?? '127.0.0.1:9092',
    ...activemqLogin(),
  };
}

/** The user every client of the development ActiveMQ pair logs in as (tools/brokers: no anonymous access). */
export function activemqLogin(): { WHARF_ACTIVEMQ_USER: string; WHARF_ACTIVEMQ_PASSWORD: string } {
  return { WHARF_ACTIVEMQ_USER: process.env.WHARF_ACTIVEMQ_USER ?? 'wharf', WHARF_ACTIVEMQ_PASSWORD: process.env.WHARF_ACTIVEMQ_PASSWORD ?? 'wharf' };
}

export interface BrokerContainers {
  /** Variables to hand to suites and apps: the same names as localBrokerEnv(), pointing at the containers. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

// The official images by default; CI substitutes images built without a registry (tools/containers/ci.env).
const image = (kind: BrokerKind) => ({
  redis: process.env.WHARF_IMAGE_REDIS ?? 'redis:7.2-bookworm',
  rabbitmq: process.env.WHARF_IMAGE_RABBITMQ ?? 'rabbitmq:3.13-management',
  kafka: process.env.WHARF_IMAGE_KAFKA ?? 'apache/kafka:4.1.0',
  activemq: process.env.WHARF_IMAGE_ACTIVEMQ ?? 'apache/activemq-classic:6.1.7',
})[kind];
const STARTUP_MS = 120_000;

/** Starts the given brokers as containers (in parallel) and returns their variables. */
export async function startBrokerContainers(kinds: readonly BrokerKind[] = ALL_BROKERS): Promise<BrokerContainers> {
  // loaded here, not at the top: every suite imports @wharf/testing, few start containers
  const { GenericContainer, Wait } = await import('testcontainers');
  const started: StartedTestContainer[] = [];
  const cleanups: (() => void)[] = [];
  const env: Record<string, string> = {};
  const stop = async () => {
    await Promise.allSettled(started.map((c) => c.stop({ remove: true, removeVolumes: true })));
    for (const c of cleanups) c();
  };
  const track = async (c: Promise<StartedTestContainer>) => { const s = await c; started.push(s); return s; };
  try {
    await Promise.all(kinds.map(async (kind) => {
      switch (kind) {
        case 'redis': {
          const c = await track(new GenericContainer(image('redis')).withCommand(['redis-server', '--appendonly', 'yes', '--appendfsync', 'always'])
            .withExposedPorts(6379).withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/)).withStartupTimeout(STARTUP_MS).start());
          env.WHARF_REDIS_URL = `redis://${c.getHost()}:${c.getMappedPort(6379)}`;
          break;
        }
        case 'rabbitmq': {
          const c = await track(new GenericContainer(image('rabbitmq'))
            .withCopyFilesToContainer([
              { source: join(repoRoot, 'deploy/rabbitmq/enabled_plugins'), target: '/etc/rabbitmq/enabled_plugins' },
              { source: join(repoRoot, 'deploy/rabbitmq/wharf.conf'), target: '/etc/rabbitmq/conf.d/20-wharf.conf' },
            ])
            .withExposedPorts(5672, 15672)
            .withWaitStrategy(Wait.forLogMessage(/Server startup complete/)).withStartupTimeout(STARTUP_MS).start());
          env.WHARF_AMQP_URL = `amqp://guest:guest@${c.getHost()}:${c.getMappedPort(5672)}`;
          env.WHARF_RABBITMQ_MANAGEMENT_URL = `http://guest:guest@${c.getHost()}:${c.getMappedPort(15672)}`;
          break;
        }
        case 'kafka': {
          // clients must be told the host port, so it is chosen before the start
          const port = await listenerPort();
          await track(new GenericContainer(image('kafka'))
            .withEnvironment({
              CLUSTER_ID: 'Cem5iBCeCRbvKK8fLqWX-w', KAFKA_NODE_ID: '1', KAFKA_PROCESS_ROLES: 'broker,controller',
              KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
              KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
              KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://localhost:${port}`,
              KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
              KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER', KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
              KAFKA_LOG_DIRS: '/var/lib/kafka/data', KAFKA_NUM_PARTITIONS: '1',
              KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1', KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
              KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1', KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
              KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1', KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
              KAFKA_HEAP_OPTS: '-Xmx512m',
            })
            .withExposedPorts({ container: 9092, host: port })
            .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/)).withStartupTimeout(STARTUP_MS).start());
          env.WHARF_KAFKA_BROKERS = `localhost:${port}`;
          break;
        }
        case 'activemq': {
          // the Amazon MQ pair: two brokers on ONE KahaDB directory (a bind mount here); the first to lock it is active
          const shared = mkdtempSync(join(tmpdir(), 'wharf-activemq-'));
          cleanups.push(() => rmSync(shared, { recursive: true, force: true }));
          const uri = 'broker:(tcp://0.0.0.0:61616,stomp://0.0.0.0:61613,ws://0.0.0.0:61614)?brokerName=wharf&useJmx=false&persistent=true&dataDirectory=/var/lib/activemq-shared';
          const broker = (wait: boolean) => {
            const c = new GenericContainer(image('activemq')).withCommand(['activemq', 'console', uri])
              .withBindMounts([{ source: shared, target: '/var/lib/activemq-shared' }])
              .withExposedPorts(61616, 61613, 61614).withStartupTimeout(STARTUP_MS);
            return track((wait ? c.withWaitStrategy(Wait.forLogMessage(/Apache ActiveMQ .* started/)) : c.withWaitStrategy(Wait.forLogMessage(/waiting a lock to be acquired/))).start());
          };
          const a = await broker(true);
          const b = await broker(false);
          // anonymous here (a URI-configured broker has no authentication plugin): the login is sent and ignored
          Object.assign(env, activemqLogin());
          for (const [name, c] of [['A', a], ['B', b]] as const) {
            env[`WHARF_ACTIVEMQ_${name}`] = `${c.getHost()}:${c.getMappedPort(61616)}`;
            env[`WHARF_ACTIVEMQ_${name}_STOMP`] = `${c.getHost()}:${c.getMappedPort(61613)}`;
            env[`WHARF_ACTIVEMQ_${name}_WS`] = `ws://${c.getHost()}:${c.getMappedPort(61614)}`;
          }
          break;
        }
      }
    }));
  } catch (err) {
    await stop();
    throw new Error(`could not start broker containers (${kinds.join(', ')}): ${(err as Error).message}`, { cause: err });
  }
  return { env, stop };
}
