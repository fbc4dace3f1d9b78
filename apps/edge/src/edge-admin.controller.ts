import { Controller, Get } from '@nestjs/common';
import type { ReplicaView } from './balancer';
import { UpstreamProxy } from './proxy';
import { ReplicaChecks } from './replica-checks';

export interface ReplicasReport {
  /** Per service: its replicas as the balancer sees them now, and whether /health checks run for it. */
  services: Record<string, { checked: boolean; replicas: ReplicaView[] }>;
}

/**
 * The edge's own admin routes, under /_wharf/edge/ (signed with scope `wharf` when SigV4 is on: the guard).
 * GET /_wharf/edge/replicas: what the balancers believe of every replica right now (no request to any).
 */
@Controller('_wharf/edge')
export class EdgeAdminController {
  constructor(
    private readonly proxy: UpstreamProxy,
    private readonly checks: ReplicaChecks,
  ) {}

  @Get('replicas')
  replicas(): ReplicasReport {
    const checked = new Set(this.checks.checkedServices());
    return {
      services: Object.fromEntries(this.proxy.serviceNames().map((s) => [s, { checked: checked.has(s), replicas: this.proxy.balancer(s).view() }])),
    };
  }
}
