import { brokerConfig, envInt, envString } from '@wharf/service-kit';

export const SQS_CONFIG = Symbol('SQS_CONFIG');

export interface SqsConfig {
  port: number;
  /** Origin written into queue URLs; unset → the origin the request came on. */
  publicUrl?: string;
  redisUrl: string;
  /** Prefix of every Redis key (lets test runs share a Redis). */
  keyPrefix: string;
  /** How long a deleted queue's name stays blocked (AWS: 60 s). */
  deleteRecreateMs: number;
  /** How long queue attributes may be served from this process' memory (AWS: up to 60 s). */
  metaCacheMs: number;
  moverIntervalMs: number;
}

export function sqsConfig(): SqsConfig {
  const publicUrl = envString('SQS_PUBLIC_URL', '');
  return {
    port: envInt('SQS_PORT', 9324),
    publicUrl: publicUrl ? publicUrl.replace(/\/+$/, '') : undefined,
    redisUrl: brokerConfig().redisUrl,
    keyPrefix: envString('SQS_REDIS_PREFIX', 'wharf:sqs:'),
    deleteRecreateMs: envInt('SQS_DELETE_RECREATE_MS', 60_000),
    metaCacheMs: envInt('SQS_META_CACHE_MS', 1_000),
    moverIntervalMs: envInt('SQS_MOVER_INTERVAL_MS', 250),
  };
}
