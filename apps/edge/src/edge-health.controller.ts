import { Controller, Get, Inject, Res } from '@nestjs/common';
import { runHealthChecks, type HealthCheck, type HealthReport } from '@wharf/service-kit';
import type { FastifyReply } from 'fastify';
import type { ReplicaView } from './balancer';
import { EDGE_CONFIG, type EdgeConfig } from './edge.config';
import { UpstreamProxy } from './proxy';
import type { ServiceName } from './routing';

export const BROKER_CHECKS = Symbol('BROKER_CHECKS');

const SERVICE_TIMEOUT_MS = 1_500;

export interface ReplicaHealth {
  status: 'up' | 'degraded' | 'down';
  url: string;
  /** The replica's own /health report (its brokers), when it answered. */
  report?: unknown;
  error?: string;
}

/**
 * A service: `up` when every replica is, `down` when none answers 200, else `degraded` (serving from the
 * others). `url`, `report` and `error` are those of its first replica (of the first that is up, if any).
 */
export interface ServiceState extends ReplicaHealth {
  /** Each replica's own /health, and how the balancer sees it (only when there are several). */
  replicas?: (ReplicaHealth & { routing: ReplicaView })[];
}

export interface EdgeHealth {
  service: 'edge';
  /** The edge itself: it answers, so "ok". What it depends on is below. */
  status: 'ok';
  brokers: { status: 'up' | 'degraded'; up: string[]; down: string[]; checks: HealthReport['checks'] };
  services: { status: 'up' | 'degraded'; up: string[]; down: string[]; checks: Record<string, ServiceState> };
}

/**
 * GET /health: 200 whenever the edge runs (liveness), with every broker's state and every service replica's
 * own /health in the body. GET /health/ready: the same report, 200 only when every broker is up and every
 * service has a replica up, else 503.
 */
@Controller('health')
export class EdgeHealthController {
  constructor(
    @Inject(EDGE_CONFIG) private readonly config: EdgeConfig,
    @Inject(BROKER_CHECKS) private readonly brokerChecks: HealthCheck[],
    private readonly proxy: UpstreamProxy,
  ) {}

  @Get()
  async health(@Res() reply: FastifyReply): Promise<void> {
    await reply.status(200).send(await this.report());
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.report();
    const ready = report.brokers.status === 'up' && Object.values(report.services.checks).every((c) => c.status === 'up' || c.replicas?.some((r) => r.status === 'up'));
    await reply.status(ready ? 200 : 503).send(report);
  }

  private async report(): Promise<EdgeHealth> {
    const [brokers, services] = await Promise.all([runHealthChecks('edge', this.brokerChecks), this.serviceStates()]);
    const split = (checks: Record<string, { status: string }>) => {
      const entries = Object.entries(checks).sort(([a], [b]) => a.localeCompare(b));
      return { up: entries.filter(([, c]) => c.status === 'up').map(([n]) => n), down: entries.filter(([, c]) => c.status !== 'up').map(([n]) => n) };
    };
    const b = split(brokers.checks);
    const s = split(services);
    return {
      service: 'edge',
      status: 'ok',
      brokers: { status: b.down.length ? 'degraded' : 'up', ...b, checks: brokers.checks },
      services: { status: s.down.length ? 'degraded' : 'up', ...s, checks: services },
    };
  }

  private async serviceStates(): Promise<Record<string, ServiceState>> {
    const names = Object.keys(this.config.upstreams) as ServiceName[];
    const states = await Promise.all(
      names.map(async (name): Promise<[string, ServiceState]> => [name, await this.serviceState(name)]),
    );
    return Object.fromEntries(states);
  }

  private async serviceState(name: ServiceName): Promise<ServiceState> {
    const balancer = this.proxy.balancer(name);
    const views = balancer.view();
    const replicas = await Promise.all(
      balancer.replicas.map(async (replica): Promise<ReplicaHealth> => {
        try {
          const { status, body } = await this.proxy.health(name, replica, SERVICE_TIMEOUT_MS);
          return { status: status === 200 ? 'up' : 'degraded', url: replica.url, report: body };
        } catch (err) {
          return { status: 'down', url: replica.url, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    const up = replicas.filter((r) => r.status === 'up').length;
    const shown = replicas.find((r) => r.status === 'up') ?? (replicas[0] as ReplicaHealth);
    const status = up === replicas.length ? 'up' : up === 0 ? (replicas.length === 1 ? shown.status : 'down') : 'degraded';
    if (replicas.length === 1) return { ...shown, status };
    return { ...shown, status, replicas: replicas.map((r, i) => ({ ...r, routing: views[i] as ReplicaView })) };
  }
}
