import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { kinesisModel } from '@wharf/aws-protocol';
import { systemClock, type Timer } from '@wharf/engine-kit';
import { KafkaRecordLog, RedisKinesisMetadata } from '@wharf/kinesis-backend-kafka';
import { backgroundTick, defaultEngineConfig, KinesisContext, kinesisOperations } from '@wharf/kinesis-engine';
import { AwsApiModule, commonConfig, createLogger, createRedisClient } from '@wharf/service-kit';
import Redis from 'ioredis';
import { KINESIS_CONFIG, type KinesisConfig, kinesisConfig } from './kinesis.config';
import { KinesisAdminController } from './kinesis.admin.controller';
import { KinesisController } from './kinesis.controller';

const logger = createLogger('kinesis', commonConfig().logLevel);

/** Brokers → backends (Kafka records, Redis metadata) → the engine's context; runs the background tick. */
@Module({
  providers: [
    { provide: KINESIS_CONFIG, useFactory: kinesisConfig },
    {
      provide: Redis,
      useFactory: (c: KinesisConfig) => createRedisClient(c.redisUrl, { redis: { maxRetriesPerRequest: 3, enableAutoPipelining: true } }),
      inject: [KINESIS_CONFIG],
    },
    {
      provide: KafkaRecordLog,
      useFactory: async (c: KinesisConfig) => {
        const log = new KafkaRecordLog({
          brokers: c.kafkaBrokers,
          replicationFactor: c.kafkaReplicationFactor,
          minInsyncReplicas: c.kafkaMinInsyncReplicas,
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
      provide: KinesisContext,
      useFactory: (log: KafkaRecordLog, meta: RedisKinesisMetadata, c: KinesisConfig) =>
        new KinesisContext({
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
  exports: [KinesisContext, KafkaRecordLog, Redis],
})
export class KinesisCoreModule implements OnModuleInit, OnApplicationShutdown {
  private timer?: Timer;
  private ticking = false;

  constructor(
    private readonly ctx: KinesisContext,
    private readonly log: KafkaRecordLog,
    private readonly redis: Redis,
    @Inject(KINESIS_CONFIG) private readonly config: KinesisConfig,
  ) {}

  /** Every KINESIS_TICK_MS, one run at a time: resume stalled reshards, scale ON_DEMAND streams. */
  onModuleInit(): void {
    this.timer = this.ctx.clock
      .setInterval(() => {
        if (this.ticking) return;
        this.ticking = true;
        backgroundTick(this.ctx)
          .catch((err) => logger.warn({ err }, 'kinesis background tick failed'))
          .finally(() => (this.ticking = false));
      }, this.config.tickMs)
      .unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.timer?.cancel();
    await this.log.disconnect();
    this.redis.disconnect();
  }
}

@Module({
  imports: [
    AwsApiModule.forService({
      service: 'kinesis',
      model: kinesisModel(),
      operations: kinesisOperations,
      imports: [KinesisCoreModule],
      context: KinesisContext,
      healthChecks: {
        useFactory: (redis: Redis, log: KafkaRecordLog) => [
          { name: 'redis', check: async () => void (await redis.ping()) },
          { name: 'kafka', check: () => log.ping() },
        ],
        inject: [Redis, KafkaRecordLog],
      },
      controllers: [KinesisAdminController, KinesisController],
    }),
  ],
})
export class KinesisModule {}
