import { brokerConfig, commonConfig, envInt, envString, type BrokerConfig } from '@wharf/service-kit';
import type { ServiceName } from './routing';

export const EDGE_CONFIG = Symbol('EDGE_CONFIG');

export interface EdgeConfig {
  port: number;
  /** Defaults for errors the edge answers itself (the request's signing region wins). */
  region: string;
  accountId: string;
  /**
   * Where each service's replicas listen: one base URL or several (`WHARF_SQS_URL=http://a:9324,http://b:9324`);
   * the edge balances among those that are up.
   */
  upstreams: Record<ServiceName, string[]>;
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
  /** Each replica of a service with several is asked GET /health this often (0: never; a lone replica never is). */
  healthIntervalMs: number;
  /** A replica's /health that does not answer within this time counts as a failed check. */
  healthTimeoutMs: number;
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
      sqs: upstreamList('WHARF_SQS_URL', envString('WHARF_SQS_URL', 'http://127.0.0.1:9324')),
      sns: upstreamList('WHARF_SNS_URL', envString('WHARF_SNS_URL', 'http://127.0.0.1:9911')),
      kinesis: upstreamList('WHARF_KINESIS_URL', envString('WHARF_KINESIS_URL', 'http://127.0.0.1:4567')),
      mq: upstreamList('WHARF_MQ_URL', envString('WHARF_MQ_URL', 'http://127.0.0.1:8180')),
    },
    bodyLimitBytes: envInt('WHARF_EDGE_BODY_LIMIT', 16 * MIB),
    connectTimeoutMs: envInt('WHARF_EDGE_CONNECT_TIMEOUT_MS', 2_000),
    responseTimeoutMs: envInt('WHARF_EDGE_RESPONSE_TIMEOUT_MS', 65_000),
    upstreamKeepAliveMs: envInt('WHARF_EDGE_UPSTREAM_KEEPALIVE_MS', 30_000),
    healthIntervalMs: envInt('WHARF_EDGE_HEALTH_INTERVAL_MS', 1_000),
    healthTimeoutMs: envInt('WHARF_EDGE_HEALTH_TIMEOUT_MS', 1_000),
    brokers: {
      ...brokerConfig(),
      activemq: { a: envString('WHARF_ACTIVEMQ_A', '127.0.0.1:61616'), b: envString('WHARF_ACTIVEMQ_B', '127.0.0.1:61626') },
    },
  };
}

/**
 * `http://a:9324, http://b:9324` → its base URLs (one is the common case). Each must be an http(s) URL; the
 * edge connects to its origin. Duplicates are one replica.
 */
export function upstreamList(name: string, value: string): string[] {
  const urls: string[] = [];
  for (const part of value.split(',')) {
    const text = part.trim();
    if (!text) continue;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Error(`${name}: "${text}" is not a URL (expected http://host:port, or a comma list of them)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name}: "${text}" is not an http(s) URL`);
    const base = text.replace(/\/+$/, '');
    if (!urls.includes(base)) urls.push(base);
  }
  if (urls.length === 0) throw new Error(`${name} names no URL`);
  return urls;
}

/** `host:port` → its parts (`[::1]:61616` too). */
export function hostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  const [, host, port] = m ?? [];
  if (!host || !port) throw new Error(`expected host:port, got "${address}"`);
  return { host, port: Number(port) };
}
