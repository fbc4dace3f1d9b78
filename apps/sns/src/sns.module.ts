import { lookup } from 'node:dns/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { snsModel } from '@wharf/aws-protocol';
import { systemClock } from '@wharf/engine-kit';
import { RabbitConnection, RabbitSnsBus } from '@wharf/sns-backend-rabbitmq';
import { RedisFifoStore, RedisSnsStore } from '@wharf/sns-backend-redis';
import { EnvelopeBuilder, MessageSigner, parseCidrList, snsOperations, type SnsContext } from '@wharf/sns-engine';
import { AwsApiModule, commonConfig, createLogger, createRedisClient } from '@wharf/service-kit';
import type { Logger } from 'pino';
import { CachedSnsStore } from './cached-store';
import { Deliverer } from './delivery/deliverer';
import { DeliveryService } from './delivery/delivery.service';
import { HttpTransport } from './delivery/http-transport';
import { SqsTransport } from './delivery/sqs-transport';
import { loadSigning, SIGNING, type SigningInfo } from './signing';
import { SNS_CONFIG, snsConfig, type SnsConfig } from './sns.config';
import { SnsController } from './sns.controller';
import { SnsReports } from './sns.reports';

const REDIS = Symbol('REDIS');
const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
const LOGGER = Symbol('LOGGER');
const SNS_CONTEXT = Symbol('SNS_CONTEXT');

@Module({
  providers: [
    { provide: SNS_CONFIG, useFactory: snsConfig },
    { provide: LOGGER, useFactory: () => createLogger('sns', commonConfig().logLevel) },
    { provide: REDIS, useFactory: (c: SnsConfig) => createRedisClient(c.redisUrl, { redis: { maxRetriesPerRequest: 3 } }), inject: [SNS_CONFIG] },
    { provide: REDIS_SUBSCRIBER, useFactory: (c: SnsConfig) => createRedisClient(c.redisUrl), inject: [SNS_CONFIG] },
    { provide: RedisSnsStore, useFactory: (r: Redis, c: SnsConfig) => new RedisSnsStore(r, c.redisPrefix), inject: [REDIS, SNS_CONFIG] },
    { provide: RedisFifoStore, useFactory: (r: Redis, c: SnsConfig) => new RedisFifoStore(r, c.redisPrefix), inject: [REDIS, SNS_CONFIG] },
    { provide: CachedSnsStore, useFactory: (s: RedisSnsStore, c: SnsConfig) => new CachedSnsStore(s, c.cacheMs), inject: [RedisSnsStore, SNS_CONFIG] },
    {
      provide: RabbitConnection,
      useFactory: async (c: SnsConfig, log: Logger) => {
        const connection = new RabbitConnection(c.amqpUrl, log);
        await connection.get();
        return connection;
      },
      inject: [SNS_CONFIG, LOGGER],
    },
    {
      provide: RabbitSnsBus,
      useFactory: (conn: RabbitConnection, c: SnsConfig, log: Logger) => new RabbitSnsBus(conn, { queueType: c.queueType, log }),
      inject: [RabbitConnection, SNS_CONFIG, LOGGER],
    },
    { provide: SIGNING, useFactory: (s: CachedSnsStore, c: SnsConfig) => loadSigning(s, c.publicUrl), inject: [CachedSnsStore, SNS_CONFIG] },
    {
      provide: EnvelopeBuilder,
      useFactory: (signing: SigningInfo, c: SnsConfig) =>
        new EnvelopeBuilder({ signer: new MessageSigner(signing.material), baseUrl: c.publicUrl, signingCertUrl: signing.signingCertUrl }),
      inject: [SIGNING, SNS_CONFIG],
    },
    {
      provide: SqsTransport,
      useFactory: (c: SnsConfig) => new SqsTransport({ endpoint: c.sqsUrl, credentialsFor: c.sqsCredentialsFor, concurrency: c.sqsBatchConcurrency }),
      inject: [SNS_CONFIG],
    },
    {
      provide: HttpTransport,
      useFactory: (c: SnsConfig, log: Logger) =>
        new HttpTransport(c.httpTimeoutMs, parseCidrList(c.httpAllowedCidrs), (error) => log.warn({ error }, 'HTTP delivery refused: endpoint address not allowed')),
      inject: [SNS_CONFIG, LOGGER],
    },
    {
      provide: Deliverer,
      useFactory: (s: CachedSnsStore, e: EnvelopeBuilder, sqs: SqsTransport, http: HttpTransport, c: SnsConfig, log: Logger) =>
        new Deliverer(s, e, sqs, http, c.retrySecondMs, log),
      inject: [CachedSnsStore, EnvelopeBuilder, SqsTransport, HttpTransport, SNS_CONFIG, LOGGER],
    },
    {
      provide: DeliveryService,
      useFactory: (
        connection: RabbitConnection,
        bus: RabbitSnsBus,
        redisStore: RedisSnsStore,
        cache: CachedSnsStore,
        subscriber: Redis,
        deliverer: Deliverer,
        c: SnsConfig,
        log: Logger,
      ) =>
        new DeliveryService({
          connection,
          bus,
          redisStore,
          cache,
          subscriber,
          deliverer,
          prefetch: c.prefetch,
          fifoPrefetch: c.fifoPrefetch,
          resyncMs: c.resyncMs,
          pendingExpiryMs: c.pendingExpiryMs,
          enabled: c.deliveryEnabled,
          log,
        }),
      inject: [RabbitConnection, RabbitSnsBus, RedisSnsStore, CachedSnsStore, REDIS_SUBSCRIBER, Deliverer, SNS_CONFIG, LOGGER],
    },
    { provide: SNS_CONTEXT, useFactory: snsContext, inject: [CachedSnsStore, RabbitSnsBus, RedisFifoStore, Deliverer, SNS_CONFIG] },
    SnsReports,
  ],
  exports: [SNS_CONTEXT, SNS_CONFIG, SIGNING, SnsReports, REDIS, RabbitConnection],
})
export class SnsCoreModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly delivery: DeliveryService,
    private readonly connection: RabbitConnection,
    private readonly sqs: SqsTransport,
    private readonly http: HttpTransport,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.delivery.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.delivery.stop();
    await this.connection.close();
    await this.sqs.close();
    await this.http.close();
    this.subscriber.disconnect();
    await this.redis.quit().catch(() => undefined);
  }
}

/** What every SNS operation receives in this process: Redis metadata (cached), RabbitMQ, Redis FIFO state. */
function snsContext(store: CachedSnsStore, bus: RabbitSnsBus, fifo: RedisFifoStore, deliverer: Deliverer, c: SnsConfig): SnsContext {
  return {
    store,
    bus,
    fifo,
    clock: systemClock,
    endpoints: {
      allowedCidrs: parseCidrList(c.httpAllowedCidrs),
      resolve: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
    },
    newId: () => randomUUID(),
    newToken: () => randomBytes(64).toString('hex'),
    instanceId: `${process.pid}-${randomUUID().slice(0, 8)}`,
    onUnsubscribed: (sub, topic) => deliverer.sendUnsubscribeConfirmation(sub, topic),
  };
}

@Module({
  imports: [
    AwsApiModule.forService({
      service: 'sns',
      model: snsModel(),
      operations: snsOperations,
      imports: [SnsCoreModule],
      context: SNS_CONTEXT,
      healthChecks: {
        useFactory: (redis: Redis, connection: RabbitConnection) => [
          { name: 'redis', check: async () => void (await redis.ping()) },
          {
            name: 'rabbitmq',
            check: async () => {
              if (!connection.connected) throw new Error('not connected');
            },
          },
        ],
        inject: [REDIS, RabbitConnection],
      },
      controllers: [SnsController],
      // AWS's SubscribeURL and UnsubscribeURL links work unsigned; the engine applies the link's own rules.
      linkOperations: ['ConfirmSubscription', 'Unsubscribe'],
    }),
  ],
})
export class SnsModule {}
