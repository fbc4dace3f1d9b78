import type { QueueType } from '@wharf/sns-backend-rabbitmq';
import { ANY_ADDRESS_CIDRS } from '@wharf/sns-engine';
import { brokerConfig, commonConfig, credentialStoreFromEnv, envBool, envInt, envString } from '@wharf/service-kit';

export const SNS_CONFIG = Symbol('SNS_CONFIG');

export interface SnsConfig {
  port: number;
  /** Origin of SigningCertURL, SubscribeURL and UnsubscribeURL (SNS_PUBLIC_URL; default this listener). */
  publicUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key (lets test runs share a Redis). */
  redisPrefix: string;
  /** WHARF_AMQP_URL: one node, or the nodes of a cluster separated by commas (reconnects go to the next). */
  amqpUrl: string;
  /**
   * WHARF_SNS_QUEUE_TYPE of new queues: quorum (replicated), classic, or auto (the default: quorum when
   * WHARF_AMQP_URL names several nodes, classic for one). Existing queues keep theirs.
   */
  queueType: QueueType;
  /** The SQS service SNS delivers to, through its API. */
  sqsUrl: string;
  /**
   * The key SNS signs its SQS calls with for a queue of `accountId`: a key WHARF_CREDENTIALS lists for that
   * account (SQS only lets an account reach its own queues), else the account id itself as a key id (which
   * names the account when SigV4 is off, as a 12-digit key does for any client).
   */
  sqsCredentialsFor: (accountId: string) => { accessKeyId: string; secretAccessKey: string };
  /** HTTP(S) endpoints must resolve into these ranges (SNS_HTTP_ALLOWED_CIDRS; loopback, private, link-local need a range of their own). */
  httpAllowedCidrs: string;
  /** Length of one delivery-policy second in ms (1000; tests shorten the 20 s HTTP retry delay with it). */
  retrySecondMs: number;
  httpTimeoutMs: number;
  prefetch: number;
  fifoPrefetch: number;
  /** Concurrent SendMessageBatch calls per SQS queue. */
  sqsBatchConcurrency: number;
  /** Deliver from this process (SNS_DELIVERY=false: API only). */
  deliveryEnabled: boolean;
  /** Every this often the subscriptions are re-read (events cover changes in between). */
  resyncMs: number;
  /** Unconfirmed subscriptions are deleted after this long (AWS: 3 days). */
  pendingExpiryMs: number;
  /** How long topic/subscription records may be served from memory. */
  cacheMs: number;
}

export function snsConfig(): SnsConfig {
  const common = commonConfig();
  const brokers = brokerConfig();
  const port = envInt('SNS_PORT', 9911);
  const keys = credentialStoreFromEnv();
  const fallbackSecret = keys.list[0]?.secretAccessKey ?? 'test';
  // SNS_HTTP_RETRY_DELAY_MS sets the default HTTP retry delay (AWS: 20 s) and scales every schedule with it.
  const httpDelay = envInt('SNS_HTTP_RETRY_DELAY_MS', 0);
  return {
    port,
    publicUrl: envString('SNS_PUBLIC_URL', `http://${common.host}:${port}`).replace(/\/+$/, ''),
    redisUrl: brokers.redisUrl,
    redisPrefix: envString('SNS_REDIS_PREFIX', 'wharf:sns:'),
    amqpUrl: brokers.amqpUrl,
    queueType: queueType(envString('WHARF_SNS_QUEUE_TYPE', 'auto'), brokers.amqpUrl),
    sqsUrl: envString('WHARF_SQS_URL', 'http://127.0.0.1:9324').replace(/\/+$/, ''),
    sqsCredentialsFor: (accountId) => keys.forAccount(accountId, common.accountId) ?? { accessKeyId: accountId, secretAccessKey: fallbackSecret },
    httpAllowedCidrs: envString('SNS_HTTP_ALLOWED_CIDRS', ANY_ADDRESS_CIDRS),
    retrySecondMs: envInt('SNS_RETRY_SECOND_MS', httpDelay > 0 ? httpDelay / 20 : 1000),
    httpTimeoutMs: envInt('SNS_HTTP_TIMEOUT_MS', 15_000),
    prefetch: envInt('SNS_DELIVERY_PREFETCH', 512),
    fifoPrefetch: envInt('SNS_FIFO_PREFETCH', 100),
    sqsBatchConcurrency: envInt('SNS_SQS_BATCH_CONCURRENCY', 8),
    deliveryEnabled: envBool('SNS_DELIVERY', true),
    resyncMs: envInt('SNS_RESYNC_MS', 5_000),
    pendingExpiryMs: envInt('SNS_PENDING_EXPIRY_MS', 3 * 24 * 3600 * 1000),
    cacheMs: envInt('SNS_CACHE_MS', 1_000),
  };
}

/**
 * `auto` picks quorum queues only when there is a cluster to replicate on. On a lone RabbitMQ 3.10 node a
 * quorum queue gains nothing over a durable classic one, and after a kill -9 and restart of that node it
 * nacked every publish for minutes (each nack ~65 s after the publish, measured), so SNS could not
 * acknowledge a Publish; classic queues take publishes again as soon as the node is back.
 */
export function queueType(value: string, amqpUrl: string): QueueType {
  if (value === 'quorum' || value === 'classic') return value;
  if (value === 'auto') return amqpUrl.split(',').filter((u) => u.trim()).length > 1 ? 'quorum' : 'classic';
  throw new Error(`WHARF_SNS_QUEUE_TYPE must be auto, quorum or classic, got "${value}"`);
}
