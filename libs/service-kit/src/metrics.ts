import { Controller, Get, Header } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The process-wide metrics registry; default Node metrics plus per-operation request metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const requestDuration = new Histogram({
  name: 'wharf_request_duration_seconds',
  help: 'Time to serve one AWS API request',
  labelNames: ['service', 'operation', 'status'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
  registers: [metricsRegistry],
});

export const requestErrors = new Counter({
  name: 'wharf_request_errors_total',
  help: 'AWS API requests answered with an error, by error code',
  labelNames: ['service', 'operation', 'code'] as const,
  registers: [metricsRegistry],
});

@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
