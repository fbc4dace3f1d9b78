import type { EdgeConfig } from './edge.config';
import type { UpstreamProxy } from './proxy';
import type { ServiceName } from './routing';

/**
 * The active health checks: every `healthIntervalMs`, GET /health of each replica of every service that has
 * more than one (a lone replica is always tried, so checking it would change nothing). A round still running
 * when the next is due is not doubled.
 */
export class ReplicaChecks {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly rounds = new Map<ServiceName, Promise<void>>();

  constructor(
    private readonly proxy: UpstreamProxy,
    private readonly config: Pick<EdgeConfig, 'healthIntervalMs' | 'healthTimeoutMs'>,
  ) {}

  /** The services whose replicas are checked. */
  checkedServices(): ServiceName[] {
    if (this.config.healthIntervalMs <= 0) return [];
    return this.proxy.serviceNames().filter((s) => this.proxy.balancer(s).replicas.length > 1);
  }

  start(): void {
    for (const service of this.checkedServices()) {
      const round = () => {
        if (this.rounds.has(service)) return;
        const running = this.proxy.checkReplicas(service, this.config.healthTimeoutMs).finally(() => this.rounds.delete(service));
        this.rounds.set(service, running);
      };
      round();
      const timer = setInterval(round, this.config.healthIntervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearInterval(t);
    await Promise.all(this.rounds.values());
  }
}
