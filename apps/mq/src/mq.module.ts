import { Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { mqModel } from '@wharf/aws-protocol';
import { MqContext, mqOperations, type BrokerBackend } from '@wharf/mq-engine';
import { RabbitMqBackend } from '@wharf/mq-backend-rabbitmq';
import { RedisMqStore } from '@wharf/mq-store-redis';
import { AwsApiModule, commonConfig, createLogger, createRedisClient, type HealthCheck } from '@wharf/service-kit';
import { Redis } from 'ioredis';
import { activeMqBackend } from './activemq';
import { FencedMqStore } from './fenced-store';
import { MqReplica } from './replica';
import { SupervisorLease } from './supervisor-lease';
import { MqController } from './mq.controller';
import { MQ_CONFIG, type MqConfig, mqConfig } from './mq.config';

const logger = createLogger('mq', commonConfig().logLevel);
const BACKENDS = Symbol('MQ_BACKENDS');

/**
 * Redis, the supervisor lease, the broker backends and the engine's context. At start this replica loads the
 * definitions and competes for the lease (replica.ts): the holder resumes and supervises the brokers. At
 * shutdown it finishes its transitions, stops supervising and frees the lease.
 */
@Module({
  providers: [
    { provide: MQ_CONFIG, useFactory: mqConfig },
    { provide: Redis, useFactory: (c: MqConfig) => createRedisClient(c.redisUrl, { redis: { lazyConnect: false, maxRetriesPerRequest: 3 } }), inject: [MQ_CONFIG] },
    {
      provide: SupervisorLease,
      // its own connection, failing fast while Redis is away: the lease must lapse, not wait in a queue
      useFactory: (c: MqConfig) => new SupervisorLease({
        redis: createRedisClient(c.redisUrl, { redis: { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2_000 } }),
        prefix: c.keyPrefix,
        leaseMs: c.leaseMs,
        logger,
      }),
      inject: [MQ_CONFIG],
    },
    {
      provide: BACKENDS,
      useFactory: (c: MqConfig, lease: SupervisorLease): BrokerBackend[] => {
        const backends: BrokerBackend[] = [];
        if (c.tlsError) logger.warn(c.tlsError);
        if (c.rabbitmqManagementUrl) {
          const tls = c.rabbitmqTls && { ...c.rabbitmqTls, logger };
          backends.push(new RabbitMqBackend({ managementUrl: c.rabbitmqManagementUrl, publicHost: c.rabbitmqPublicHost, tls }));
        }
        const activemq = activeMqBackend(c, logger, () => lease.isSupervisor());
        if (activemq) backends.push(activemq);
        return backends;
      },
      inject: [MQ_CONFIG, SupervisorLease],
    },
    {
      provide: MqContext,
      useFactory: (redis: Redis, c: MqConfig, backends: BrokerBackend[], lease: SupervisorLease) => {
        const common = commonConfig();
        return new MqContext({
          store: new FencedMqStore(new RedisMqStore(redis, c.keyPrefix), new RedisMqStore(lease.redis as Redis, c.keyPrefix), lease),
          backends,
          defaults: { region: common.region, accountId: common.accountId },
          logger,
          supervision: lease,
        });
      },
      inject: [Redis, MQ_CONFIG, BACKENDS, SupervisorLease],
    },
    { provide: MqReplica, useFactory: (ctx: MqContext, lease: SupervisorLease) => new MqReplica(ctx, lease, logger), inject: [MqContext, SupervisorLease] },
  ],
  exports: [MqContext, MqReplica, Redis, MQ_CONFIG, BACKENDS],
})
export class MqCoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly ctx: MqContext,
    private readonly replica: MqReplica,
    private readonly lease: SupervisorLease,
    private readonly redis: Redis,
  ) {}

  async onModuleInit(): Promise<void> {
    // Learn broker versions early; a backend that is down now is asked again when first needed.
    await Promise.all(this.ctx.backends().map((b) => b.ready?.().catch((err: unknown) => logger.warn({ err, engine: b.engineType }, 'backend not ready yet'))));
    await this.replica.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ctx.close();
    await this.replica.stop();
    this.lease.redis.disconnect();
    this.redis.disconnect();
  }
}

@Module({
  imports: [
    AwsApiModule.forService({
      service: 'mq',
      model: mqModel(),
      operations: mqOperations,
      imports: [MqCoreModule],
      context: MqContext,
      healthChecks: {
        useFactory: (redis: Redis, backends: BrokerBackend[], replica: MqReplica): HealthCheck[] => [
          { name: 'redis', check: async () => void (await redis.ping()) },
          // informative, never down: a standby replica is healthy
          { name: 'supervision', check: async () => replica.status() },
          ...backends.map((b) => ({
            name: b.engineType.toLowerCase(),
            check: async () => {
              await b.ready?.();
              // each offered version with the release that really serves it
              const servedBy = Object.fromEntries(b.engineVersions().map((v) => [v, b.runningVersion?.(v) ?? v]));
              return { versions: b.engineVersions(), servedBy, deploymentModes: b.deploymentModes() };
            },
          })),
        ],
        inject: [Redis, BACKENDS, MqReplica],
      },
      controllers: [MqController],
    }),
  ],
})
export class MqModule {}
