import { metricsRegistry } from '@wharf/service-kit';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Requests the edge handled, by target service, outcome (proxied, rejected, unavailable, too-large) and status. */
export const edgeRequests = new Counter({
  name: 'wharf_edge_requests_total',
  help: 'Requests through the edge by service, outcome and status',
  labelNames: ['service', 'outcome', 'status'] as const,
  registers: [metricsRegistry],
});

/** Time from forwarding a request to the service's response head (long polls included). */
export const upstreamWait = new Histogram({
  name: 'wharf_edge_upstream_response_seconds',
  help: 'Time until the service sent its response head',
  labelNames: ['service'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
  registers: [metricsRegistry],
});

let countHttp2Sessions: () => number = () => 0;
/** Where the live HTTP/2 session count comes from (the listener, once it exists). */
export function watchHttp2Sessions(count: () => number): void {
  countHttp2Sessions = count;
}

/** Live HTTP/2 sessions on the edge's listener. */
export const http2Sessions = new Gauge({
  name: 'wharf_edge_http2_sessions',
  help: 'Open HTTP/2 (h2c) sessions on the edge',
  registers: [metricsRegistry],
  collect() {
    this.set(countHttp2Sessions());
  },
});
