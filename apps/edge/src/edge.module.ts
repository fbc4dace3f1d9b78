import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { kinesisModel, mqModel, snsModel, sqsModel, type ServiceModel } from '@wharf/aws-protocol';
import {
  MetricsController,
  activemqPairCheck,
  commonConfig,
  createLogger,
  kafkaCheck,
  rabbitmqCheck,
  redisCheck,
  signedRoutesGuard,
  type BrokerCheck,
  type DualProtocolServer,
} from '@wharf/service-kit';
import type { Logger } from 'pino';
import { ConsoleController } from './console';
import { BROKER_CHECKS, EdgeHealthController } from './edge-health.controller';
import { EDGE_CONFIG, edgeConfig, hostPort, type EdgeConfig } from './edge.config';
import { EdgeController } from './edge.controller';
import { EDGE_LOGGER, EdgeForwarder, SERVICE_CATALOG, SERVICE_MODELS } from './edge-forwarder';
import { EdgeAdminController } from './edge-admin.controller';
import { replicaMarkedDown, watchHttp2Sessions, watchReplicas } from './edge.metrics';
import { ReplicaChecks } from './replica-checks';
import { UpstreamProxy } from './proxy';
import { catalogFromModels, type ServiceName } from './routing';

/**
 * RabbitMQ from `WHARF_AMQP_URL`: one URL, or a cluster's nodes as a comma list (as SNS takes them). Up when a
 * node answers, asked in order — what a client of the cluster needs; the report names the node and the count.
 */
function rabbitmqNodesCheck(amqpUrls: string): BrokerCheck {
  const urls = amqpUrls.split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length <= 1) return rabbitmqCheck(amqpUrls);
  const nodes = urls.map((url) => rabbitmqCheck(url));
  return {
    name: 'rabbitmq',
    async check() {
      const errors: string[] = [];
      for (const node of nodes) {
        try {
          return { ...(await node.check()), nodes: nodes.length, ...(errors.length ? { unanswered: errors } : {}) };
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
        }
      }
      throw new Error(`no RabbitMQ node answered: ${errors.join('; ')}`);
    },
    close: async () => void (await Promise.all(nodes.map((n) => n.close()))),
  };
}

@Module({
  controllers: [EdgeHealthController, MetricsController, ConsoleController, EdgeAdminController, EdgeController],
  providers: [
    // With SigV4 on, the edge's own /metrics and /_wharf/edge/… need a signature scoped to `wharf`.
    signedRoutesGuard('edge', 'wharf'),
    { provide: EDGE_CONFIG, useFactory: edgeConfig },
    { provide: EDGE_LOGGER, useFactory: () => createLogger('edge', commonConfig().logLevel) },
    {
      // The SDKs' own operation lists and error conventions (~50 ms to load all four, once).
      provide: SERVICE_MODELS,
      useFactory: () =>
        new Map<ServiceName, ServiceModel>([
          ['sqs', sqsModel()],
          ['sns', snsModel()],
          ['kinesis', kinesisModel()],
          ['mq', mqModel()],
        ]),
    },
    { provide: SERVICE_CATALOG, useFactory: (models: Map<ServiceName, ServiceModel>) => catalogFromModels([...models.values()]), inject: [SERVICE_MODELS] },
    {
      provide: UpstreamProxy,
      useFactory: (c: EdgeConfig, logger: Logger) =>
        new UpstreamProxy(c, (service, replica, from, by) => {
          const fields = { target: service, replica: replica.url, from, to: replica.state, by, reason: replica.reason };
          if (replica.state === 'down') {
            replicaMarkedDown.inc({ service, replica: replica.url, by });
            logger.warn(fields, 'replica out of rotation');
          } else if (from === 'down') logger.info(fields, 'replica back in rotation');
        }),
      inject: [EDGE_CONFIG, EDGE_LOGGER],
    },
    EdgeForwarder,
    { provide: ReplicaChecks, useFactory: (p: UpstreamProxy, c: EdgeConfig) => new ReplicaChecks(p, c), inject: [UpstreamProxy, EDGE_CONFIG] },
    {
      provide: BROKER_CHECKS,
      useFactory: (c: EdgeConfig): BrokerCheck[] => [
        redisCheck(c.brokers.redisUrl),
        rabbitmqNodesCheck(c.brokers.amqpUrl),
        kafkaCheck(c.brokers.kafkaBrokers),
        activemqPairCheck([
          { name: 'a', ...hostPort(c.brokers.activemq.a) },
          { name: 'b', ...hostPort(c.brokers.activemq.b) },
        ]),
      ],
      inject: [EDGE_CONFIG],
    },
  ],
})
export class EdgeModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly proxy: UpstreamProxy,
    private readonly replicaChecks: ReplicaChecks,
    @Inject(BROKER_CHECKS) private readonly brokerChecks: BrokerCheck[],
    @Inject(EDGE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const sessions = (this.adapterHost.httpAdapter.getHttpServer() as Partial<DualProtocolServer>).http2Sessions;
    if (sessions) watchHttp2Sessions(() => sessions.size);
    watchReplicas(() => this.proxy.serviceNames().flatMap((service) => this.proxy.balancer(service).view().map((v) => ({ service, ...v }))));
    this.replicaChecks.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.replicaChecks.stop();
    await Promise.all([this.proxy.close(), ...this.brokerChecks.map((c) => c.close())]);
    this.logger.info('edge stopped');
  }
}
