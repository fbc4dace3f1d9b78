import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { sqsModel } from '@wharf/aws-protocol';
import { RedisStore } from '@wharf/sqs-backend-redis';
import { SqsEngine } from '@wharf/sqs-engine';
import { AwsApiHandler, ServiceKitModule, commonConfig, createLogger, credentialsFromEnv } from '@wharf/service-kit';
import { SQS_HANDLER, SqsController } from './sqs.controller';
import { SQS_CONFIG, type SqsConfig, sqsConfig } from './sqs.config';
import { SqsProvider } from './sqs.provider';

@Module({
  providers: [
    { provide: SQS_CONFIG, useFactory: sqsConfig },
    {
      provide: RedisStore,
      useFactory: (c: SqsConfig) => new RedisStore({ url: c.redisUrl, keyPrefix: c.keyPrefix }),
      inject: [SQS_CONFIG],
    },
    {
      provide: SqsEngine,
      useFactory: (store: RedisStore, c: SqsConfig) =>
        new SqsEngine(store, { deleteRecreateMs: c.deleteRecreateMs, metaCacheMs: c.metaCacheMs }),
      inject: [RedisStore, SQS_CONFIG],
    },
  ],
  exports: [RedisStore, SqsEngine, SQS_CONFIG],
})
export class SqsCoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly engine: SqsEngine,
    private readonly store: RedisStore,
    @Inject(SQS_CONFIG) private readonly config: SqsConfig,
  ) {}

  onModuleInit(): void {
    this.engine.moveTasks.startMover(this.config.moverIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.engine.moveTasks.stopMover();
    await this.store.close();
  }
}

@Module({
  imports: [
    SqsCoreModule,
    ServiceKitModule.forService({
      service: 'sqs',
      imports: [SqsCoreModule],
      healthChecks: {
        useFactory: (store: RedisStore) => [{ name: 'redis', check: async () => void (await store.ping()) }],
        inject: [RedisStore],
      },
    }),
  ],
  controllers: [SqsController],
  providers: [
    SqsProvider,
    {
      provide: SQS_HANDLER,
      useFactory: (provider: SqsProvider) => {
        const common = commonConfig();
        const secrets = common.verifySignatures ? credentialsFromEnv() : undefined;
        const handler = new AwsApiHandler(sqsModel(), provider, {
          region: common.region,
          accountId: common.accountId,
          logger: createLogger('sqs', common.logLevel),
          ...(secrets ? { credentials: async (accessKeyId: string) => secrets.get(accessKeyId) } : {}),
        });
        const missing = handler.unimplemented();
        if (missing.length) throw new Error(`SqsProvider lacks operations: ${missing.join(', ')}`);
        return handler;
      },
      inject: [SqsProvider],
    },
  ],
})
export class SqsModule {}
