import { Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { mqModel } from '@wharf/aws-protocol';
import { MqContext, mqOperations, resumeBrokers, type BrokerBackend } from '@wharf/mq-engine';
import { RabbitMqBackend } from '@wharf/mq-backend-rabbitmq';
import { RedisMqStore } from '@wharf/mq-store-redis';
import { AwsApiModule, commonConfig, createLogger, type HealthCheck } from '@wharf/service-kit';
import { Redis } from 'ioredis';
import { activeMqBackend } from './activemq';
import { MqController } from './mq.controller';
import { MQ_CONFIG, type MqConfig, mqConfig } from './mq.config';

const logger = createLogger('mq', commonConfig().logLevel);
const BACKENDS = Symbol('MQ_BACKENDS');

/** Redis, the broker backends and the engine's context; resumes brokers at start, stops supervising at shutdown. */
@Module({
  providers: [
    { provide: MQ_CONFIG, useFactory: mqConfig },
    { provide: Redis, useFactory: (c: MqConfig) => new Redis(c.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 }), inject: [MQ_CONFIG] },
    {
      provide: BACKENDS,
      useFactory: (c: MqConfig): BrokerBackend[] => {
        const backends: BrokerBackend[] = [];
        if (c.tlsError) logger.warn(c.tlsError);
        if (c.rabbitmqManagementUrl) {
          const tls = c.rabbitmqTls && { ...c.rabbitmqTls, logger };
          backends.push(new RabbitMqBackend({ managementUrl: c.rabbitmqManagementUrl, publicHost: c.rabbitmqPublicHost, tls }));
        }
        const activemq = activeMqBackend(c, logger);
        if (activemq) backends.push(activemq);
        return backends;
      },
      inject: [MQ_CONFIG],
    },
    {
      provide: MqContext,
      useFactory: (redis: Redis, c: MqConfig, backends: BrokerBackend[]) => {
        const common = commonConfig();
        return new MqContext({
          store: new RedisMqStore(redis, c.keyPrefix),
          backends,
          defaults: { region: common.region, accountId: common.accountId },
          logger,
        });
      },
      inject: [Redis, MQ_CONFIG, BACKENDS],
    },
  ],
  exports: [MqContext, Redis, MQ_CONFIG, BACKENDS],
})
export class MqCoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly ctx: MqContext,
    private readonly redis: Redis,
  ) {}

  async onModuleInit(): Promise<void> {
    // Learn broker versions early; a backend that is down now is asked again when first needed.
    await Promise.all(this.ctx.backends().map((b) => b.ready?.().catch((err: unknown) => logger.warn({ err, engine: b.engineType }, 'backend not ready yet'))));
    await resumeBrokers(this.ctx);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ctx.close();
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
        useFactory: (redis: Redis, backends: BrokerBackend[]): HealthCheck[] => [
          { name: 'redis', check: async () => void (await redis.ping()) },
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
        inject: [Redis, BACKENDS],
      },
      controllers: [MqController],
    }),
  ],
})
export class MqModule {}
