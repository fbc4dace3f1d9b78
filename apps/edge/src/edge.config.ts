import { brokerConfig, commonConfig, envInt, envString, type BrokerConfig } from '@wharf/service-kit';
import type { ServiceName } from './routing';

export const EDGE_CONFIG = Symbol('EDGE_CONFIG');

export interface EdgeConfig {
  port: number;
  /** Defaults for errors the edge answers itself (the request's signing region wins). */
  region: string;
  accountId: string;
  /** Where each service listens (its own port; the edge proxies to it). */
  upstreams: Record<ServiceName, string>;
  /** Largest request body the edge forwards; larger ones get an AWS-shaped 413. */
  bodyLimitBytes: number;
  /** A service that does not accept the connection within this time is down (503). */
  connectTimeoutMs: number;
  /**
   * A service that does not send response headers within this time is timing out (503). Longer than the
   * longest legitimate wait (SQS long polling: 20 s). Bodies have no timeout once headers arrived.
   */
  responseTimeoutMs: number;
  /** Idle keep-alive connections to each service are kept this long. */
  upstreamKeepAliveMs: number;
  /** The brokers the health report checks: service-kit's shared settings plus the ActiveMQ pair. */
  brokers: BrokerConfig & {
    /** The ActiveMQ pair's OpenWire addresses, host:port each. */
    activemq: { a: string; b: string };
  };
}

const MIB = 1024 * 1024;

export function edgeConfig(): EdgeConfig {
  const common = commonConfig();
  return {
    port: envInt('EDGE_PORT', 4566),
    region: common.region,
    accountId: common.accountId,
    upstreams: {
      sqs: envString('WHARF_SQS_URL', 'http://127.0.0.1:9324'),
      sns: envString('WHARF_SNS_URL', 'http://127.0.0.1:9911'),
      kinesis: envString('WHARF_KINESIS_URL', 'http://127.0.0.1:4567'),
      mq: envString('WHARF_MQ_URL', 'http://127.0.0.1:8180'),
    },
    bodyLimitBytes: envInt('WHARF_EDGE_BODY_LIMIT', 16 * MIB),
    connectTimeoutMs: envInt('WHARF_EDGE_CONNECT_TIMEOUT_MS', 2_000),
    responseTimeoutMs: envInt('WHARF_EDGE_RESPONSE_TIMEOUT_MS', 65_000),
    upstreamKeepAliveMs: envInt('WHARF_EDGE_UPSTREAM_KEEPALIVE_MS', 30_000),
    brokers: {
      ...brokerConfig(),
      activemq: { a: envString('WHARF_ACTIVEMQ_A', '127.0.0.1:61616'), b: envString('WHARF_ACTIVEMQ_B', '127.0.0.1:61626') },
    },
  };
}

/** `host:port` → its parts (`[::1]:61616` too). */
export function hostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  const [, host, port] = m ?? [];
  if (!host || !port) throw new Error(`expected host:port, got "${address}"`);
  return { host, port: Number(port) };
}
