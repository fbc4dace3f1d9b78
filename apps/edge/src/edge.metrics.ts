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

/** Every service's replicas as the balancers see them (set once the proxy exists). */
let replicaViews: () => { service: string; url: string; state: string; inFlight: number }[] = () => [];
export function watchReplicas(views: typeof replicaViews): void {
  replicaViews = views;
}

/** 1 while the edge routes to a replica (up, or not checked yet), 0 while it is out of rotation. */
export const replicaUp = new Gauge({
  name: 'wharf_edge_replica_up',
  help: 'Whether the edge sends requests to this replica (1) or holds it out as down (0)',
  labelNames: ['service', 'replica'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const r of replicaViews()) this.set({ service: r.service, replica: r.url }, r.state === 'down' ? 0 : 1);
  },
});

/** Requests sent to a replica whose response has not ended (long polls and event streams included). */
export const replicaInFlight = new Gauge({
  name: 'wharf_edge_replica_in_flight',
  help: 'Requests in flight per replica',
  labelNames: ['service', 'replica'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const r of replicaViews()) this.set({ service: r.service, replica: r.url }, r.inFlight);
  },
});

/** Requests sent to each replica (attempts: a retried request counts on each replica it went to). */
export const replicaRequests = new Counter({
  name: 'wharf_edge_replica_requests_total',
  help: 'Request attempts per replica',
  labelNames: ['service', 'replica'] as const,
  registers: [metricsRegistry],
});

/** A replica taken out of rotation, by a request's failure or by its health checks. */
export const replicaMarkedDown = new Counter({
  name: 'wharf_edge_replica_marked_down_total',
  help: 'Times a replica was taken out of rotation, by request or check',
  labelNames: ['service', 'replica', 'by'] as const,
  registers: [metricsRegistry],
});

/** Requests sent again to another replica after the first could not take them (refused, reset before sending). */
export const upstreamRetries = new Counter({
  name: 'wharf_edge_upstream_retries_total',
  help: 'Requests retried on another replica',
  labelNames: ['service', 'reason'] as const,
  registers: [metricsRegistry],
});
