import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** A readiness probe of one dependency (a broker, a peer service). Throw or reject when it is down. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<Record<string, unknown> | void>;
}

/** The service's list of checks, built by `ServiceKitModule.forService({ healthChecks })`. */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

export interface HealthReport {
  service: string;
  status: 'ok' | 'degraded';
  checks: Record<string, { status: 'up' | 'down'; detail?: unknown; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2_000;

export async function runHealthChecks(service: string, checks: readonly HealthCheck[]): Promise<HealthReport> {
  const report: HealthReport = { service, status: 'ok', checks: {} };
  await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
        });
        const detail = await Promise.race([c.check(), timeout]);
        report.checks[c.name] = detail ? { status: 'up', detail } : { status: 'up' };
      } catch (err) {
        report.status = 'degraded';
        report.checks[c.name] = { status: 'down', error: err instanceof Error ? err.message : String(err) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return report;
}

@Controller()
export class HealthController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
  ) {}

  /** Liveness is "the process answers"; readiness is every check up (200), else 503 with the report. */
  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const report = await runHealthChecks(this.service, this.checks);
    await reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }
}
