import { brokerConfig, envBool, envInt, envString } from '@wharf/service-kit';

export const KINESIS_CONFIG = Symbol('KINESIS_CONFIG');

export interface KinesisConfig {
  port: number;
  redisUrl: string;
  /** Prefix of every Redis key (lets test runs share a Redis). */
  redisPrefix: string;
  kafkaBrokers: string[];
  /** Kafka topic names start with this. */
  topicPrefix: string;
  /** Of new topics; undefined: min(3, brokers in the cluster). */
  kafkaReplicationFactor?: number;
  /** `min.insync.replicas` of new topics; undefined: 2 when the replication factor is ≥ 3, else 1. */
  kafkaMinInsyncReplicas?: number;
  /** PROVISIONED per-shard limits (false for load tests). */
  enforceLimits: boolean;
  shardLimit: number;
  iteratorSecret: string;
  reshardGraceMs: number;
  subscriptionLifetimeMs: number;
  subscriptionHeartbeatMs: number;
  /** How often the background tick (stalled reshards, ON_DEMAND scaling) runs. */
  tickMs: number;
}

export function kinesisConfig(): KinesisConfig {
  const brokers = brokerConfig();
  return {
    port: envInt('KINESIS_PORT', 4567),
    redisUrl: brokers.redisUrl,
    redisPrefix: envString('KINESIS_REDIS_PREFIX', 'wharf:kinesis'),
    kafkaBrokers: brokers.kafkaBrokers,
    topicPrefix: envString('KINESIS_TOPIC_PREFIX', 'wharf.kinesis'),
    // 0 (the default): chosen from the cluster when a topic is created (see KafkaRecordLog.topicReplication).
    kafkaReplicationFactor: envInt('WHARF_KAFKA_REPLICATION_FACTOR', envInt('KINESIS_KAFKA_REPLICATION', 0)) || undefined,
    kafkaMinInsyncReplicas: envInt('WHARF_KAFKA_MIN_INSYNC_REPLICAS', 0) || undefined,
    enforceLimits: envBool('KINESIS_ENFORCE_LIMITS', true),
    shardLimit: envInt('KINESIS_SHARD_LIMIT', 500),
    iteratorSecret: envString('KINESIS_ITERATOR_SECRET', 'wharf-kinesis-iterators'),
    reshardGraceMs: envInt('KINESIS_RESHARD_GRACE_MS', 1500),
    subscriptionLifetimeMs: envInt('KINESIS_SUBSCRIPTION_MS', 5 * 60 * 1000),
    subscriptionHeartbeatMs: envInt('KINESIS_SUBSCRIPTION_HEARTBEAT_MS', 1000),
    tickMs: envInt('KINESIS_TICK_MS', 1000),
  };
}
