import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { sqsModel } from '@wharf/aws-protocol';
import { RedisInspector, RedisStore } from '@wharf/sqs-backend-redis';
import { SqsContext, sqsOperations } from '@wharf/sqs-engine';
import { AwsApiModule, commonConfig, createLogger, createRedisClient } from '@wharf/service-kit';
import { SqsAdminController } from './sqs.admin.controller';
import { SqsController } from './sqs.controller';
import { SQS_CONFIG, type SqsConfig, sqsConfig } from './sqs.config';

/** Redis → RedisStore → the engine's context; runs the move-task mover while the app is up. */
@Module({
  providers: [
    { provide: SQS_CONFIG, useFactory: sqsConfig },
    {
      provide: RedisStore,
      useFactory: (c: SqsConfig) => new RedisStore({ client: createRedisClient(c.redisUrl, { redis: { enableAutoPipelining: true } }), keyPrefix: c.keyPrefix }),
      inject: [SQS_CONFIG],
    },
    {
      provide: SqsContext,
      useFactory: (store: RedisStore, c: SqsConfig) =>
        new SqsContext(store, {
          logger: createLogger('sqs', commonConfig().logLevel),
          publicUrl: c.publicUrl, deleteRecreateMs: c.deleteRecreateMs, metaCacheMs: c.metaCacheMs }),
      inject: [RedisStore, SQS_CONFIG],
    },
    { provide: RedisInspector, useFactory: (store: RedisStore) => new RedisInspector(store), inject: [RedisStore] },
  ],
  exports: [RedisStore, SqsContext, SQS_CONFIG, RedisInspector],
})
export class SqsCoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly ctx: SqsContext,
    private readonly store: RedisStore,
    @Inject(SQS_CONFIG) private readonly config: SqsConfig,
  ) {}

  onModuleInit(): void {
    this.ctx.mover.start(this.config.moverIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.ctx.mover.stop();
    await this.store.close();
  }
}

@Module({
  imports: [
    AwsApiModule.forService({
      service: 'sqs',
      model: sqsModel(),
      operations: sqsOperations,
      imports: [SqsCoreModule],
      context: SqsContext,
      healthChecks: {
        useFactory: (store: RedisStore) => [{ name: 'redis', check: async () => void (await store.ping()) }],
        inject: [RedisStore],
      },
      controllers: [SqsAdminController, SqsController],
    }),
  ],
})
export class SqsModule {}
