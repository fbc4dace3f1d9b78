import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { kinesisModel } from '@wharf/aws-protocol';
import { KafkaRecordLog, RedisKinesisMetadata } from '@wharf/kinesis-backend-kafka';
import { defaultEngineConfig, KinesisEngine, systemClock } from '@wharf/kinesis-engine';
import { AwsApiHandler, ServiceKitModule, commonConfig, createLogger } from '@wharf/service-kit';
import Redis from 'ioredis';
import { KINESIS_CONFIG, type KinesisConfig, kinesisConfig } from './kinesis.config';
import { KINESIS_HANDLER, KinesisController } from './kinesis.controller';
import { KinesisProvider } from './kinesis.provider';

const logger = createLogger('kinesis', commonConfig().logLevel);

@Module({
  providers: [
    { provide: KINESIS_CONFIG, useFactory: kinesisConfig },
    {
      provide: Redis,
      useFactory: (c: KinesisConfig) => new Redis(c.redisUrl, { maxRetriesPerRequest: 3, enableAutoPipelining: true }),
      inject: [KINESIS_CONFIG],
    },
    {
      provide: KafkaRecordLog,
      useFactory: async (c: KinesisConfig) => {
        const log = new KafkaRecordLog({
          brokers: c.kafkaBrokers,
          replicationFactor: c.kafkaReplicationFactor,
          log: (level, message, extra) => logger[level](extra, message),
        });
        await log.connect();
        return log;
      },
      inject: [KINESIS_CONFIG],
    },
    {
      provide: RedisKinesisMetadata,
      useFactory: (redis: Redis, c: KinesisConfig) => new RedisKinesisMetadata(redis, c.redisPrefix),
      inject: [Redis, KINESIS_CONFIG],
    },
    {
      provide: KinesisEngine,
      useFactory: (log: KafkaRecordLog, meta: RedisKinesisMetadata, c: KinesisConfig) =>
        new KinesisEngine({
          config: defaultEngineConfig({
            enforceLimits: c.enforceLimits,
            shardLimit: c.shardLimit,
            iteratorSecret: c.iteratorSecret,
            reshardGraceMs: c.reshardGraceMs,
            subscriptionLifetimeMs: c.subscriptionLifetimeMs,
            subscriptionHeartbeatMs: c.subscriptionHeartbeatMs,
            topicPrefix: c.topicPrefix,
          }),
          clock: systemClock,
          store: meta,
          log,
          gate: meta,
          logger,
        }),
      inject: [KafkaRecordLog, RedisKinesisMetadata, KINESIS_CONFIG],
    },
  ],
  exports: [KinesisEngine, KafkaRecordLog, Redis, KINESIS_CONFIG],
})
export class KinesisCoreModule implements OnModuleInit, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly engine: KinesisEngine,
    private readonly log: KafkaRecordLog,
    private readonly redis: Redis,
    @Inject(KINESIS_CONFIG) private readonly config: KinesisConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = true;
      this.engine
        .tick()
        .catch((err) => logger.warn({ err }, 'kinesis background tick failed'))
        .finally(() => (this.ticking = false));
    }, this.config.tickMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.log.disconnect();
    this.redis.disconnect();
  }
}

@Module({
  imports: [
    KinesisCoreModule,
    ServiceKitModule.forService({
      service: 'kinesis',
      imports: [KinesisCoreModule],
      healthChecks: {
        useFactory: (redis: Redis, log: KafkaRecordLog) => [
          { name: 'redis', check: async () => void (await redis.ping()) },
          { name: 'kafka', check: () => log.ping() },
        ],
        inject: [Redis, KafkaRecordLog],
      },
    }),
  ],
  controllers: [KinesisController],
  providers: [
    KinesisProvider,
    {
      provide: KINESIS_HANDLER,
      useFactory: (provider: KinesisProvider) => {
        const common = commonConfig();
        const handler = new AwsApiHandler(kinesisModel(), provider, { region: common.region, accountId: common.accountId, logger });
        const missing = handler.unimplemented();
        if (missing.length) throw new Error(`KinesisProvider lacks operations: ${missing.join(', ')}`);
        return handler;
      },
      inject: [KinesisProvider],
    },
  ],
})
export class KinesisModule {}
