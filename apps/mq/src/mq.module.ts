import { Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { mqModel } from '@wharf/aws-protocol';
import { MqEngine, type BrokerBackend } from '@wharf/mq-engine';
import { RabbitMqBackend } from '@wharf/mq-backend-rabbitmq';
import { RedisMqStore } from '@wharf/mq-store-redis';
import { AwsApiHandler, ServiceKitModule, commonConfig, createLogger, type HealthCheck } from '@wharf/service-kit';
import { Redis } from 'ioredis';
import { activeMqBackend } from './activemq';
import { MQ_HANDLER, MqController } from './mq.controller';
import { MQ_CONFIG, type MqConfig, mqConfig } from './mq.config';
import { MqProvider } from './mq.provider';

const logger = createLogger('mq', commonConfig().logLevel);
const BACKENDS = Symbol('MQ_BACKENDS');

@Module({
  providers: [
    { provide: MQ_CONFIG, useFactory: mqConfig },
    { provide: Redis, useFactory: (c: MqConfig) => new Redis(c.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 }), inject: [MQ_CONFIG] },
    {
      provide: BACKENDS,
      useFactory: (c: MqConfig): BrokerBackend[] => {
        const backends: BrokerBackend[] = [];
        if (c.rabbitmqManagementUrl) backends.push(new RabbitMqBackend({ managementUrl: c.rabbitmqManagementUrl, publicHost: c.rabbitmqPublicHost }));
        const activemq = activeMqBackend(c, logger);
        if (activemq) backends.push(activemq);
        return backends;
      },
      inject: [MQ_CONFIG],
    },
    {
      provide: MqEngine,
      useFactory: (redis: Redis, c: MqConfig, backends: BrokerBackend[]) => {
        const common = commonConfig();
        return new MqEngine({
          store: new RedisMqStore(redis, c.keyPrefix),
          backends,
          scope: { region: common.region, accountId: common.accountId },
          logger,
        });
      },
      inject: [Redis, MQ_CONFIG, BACKENDS],
    },
  ],
  exports: [MqEngine, Redis, MQ_CONFIG, BACKENDS],
})
export class MqCoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly engine: MqEngine,
    private readonly redis: Redis,
  ) {}

  async onModuleInit(): Promise<void> {
    // Learn broker versions early; a backend that is down now is asked again when first needed.
    await Promise.all(this.engine.backends().map((b) => b.ready?.().catch((err: unknown) => logger.warn({ err, engine: b.engineType }, 'backend not ready yet'))));
    await this.engine.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine.close();
    this.redis.disconnect();
  }
}

@Module({
  imports: [
    MqCoreModule,
    ServiceKitModule.forService({
      service: 'mq',
      imports: [MqCoreModule],
      healthChecks: {
        useFactory: (redis: Redis, backends: BrokerBackend[]): HealthCheck[] => [
          { name: 'redis', check: async () => void (await redis.ping()) },
          ...backends.map((b) => ({
            name: b.engineType.toLowerCase(),
            check: async () => {
              await b.ready?.();
              return { versions: b.engineVersions(), deploymentModes: b.deploymentModes() };
            },
          })),
        ],
        inject: [Redis, BACKENDS],
      },
    }),
  ],
  controllers: [MqController],
  providers: [
    MqProvider,
    {
      provide: MQ_HANDLER,
      useFactory: (provider: MqProvider) => {
        const common = commonConfig();
        const handler = new AwsApiHandler(mqModel(), provider, { region: common.region, accountId: common.accountId, logger });
        const missing = handler.unimplemented();
        if (missing.length) throw new Error(`MqProvider lacks operations: ${missing.join(', ')}`);
        return handler;
      },
      inject: [MqProvider],
    },
  ],
})
export class MqModule {}
