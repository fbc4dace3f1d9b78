/**
 * kafkajs has no public single-partition fetch. It lives on its Cluster object, which `Kafka` builds privately
 * (symbol `private:Kafka:createCluster`). kafkajs 2.2.4 is the last release, so these internals are frozen;
 * the types below describe just what Wharf uses.
 */
import type { Kafka } from 'kafkajs';

export interface KafkaMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface FetchPartitionResponse {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStartOffset: string;
  messages: KafkaMessage[];
}

export interface KafkaBroker {
  fetch(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  }): Promise<{ responses: Array<{ topicName: string; partitions: FetchPartitionResponse[] }> }>;
  listOffsets(request: {
    replicaId?: number;
    isolationLevel: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; timestamp: number | string }> }>;
  }): Promise<{ responses: Array<{ topic: string; partitions: Array<{ partition: number; offset: string; errorCode: number }> }> }>;
}

export interface KafkaCluster {
  /** Topics whose metadata every refresh asks for (a deleted one makes the whole refresh fail). */
  targetTopics: Set<string>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  refreshMetadata(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number }>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(query: { nodeId: string }): Promise<KafkaBroker>;
}

export function createCluster(kafka: Kafka, options: { maxInFlightRequests?: number; metadataMaxAge?: number }): KafkaCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol) throw new Error('this kafkajs version has no private cluster factory (expected kafkajs 2.2.x)');
  const Emitter = require('kafkajs/src/instrumentation/emitter');
  const factory = (kafka as unknown as Record<symbol, (o: object) => KafkaCluster>)[symbol];
  return factory({
    allowAutoTopicCreation: false,
    isolationLevel: 1,
    instrumentationEmitter: new Emitter(),
    ...(options.maxInFlightRequests ? { maxInFlightRequests: options.maxInFlightRequests } : {}),
    ...(options.metadataMaxAge ? { metadataMaxAge: options.metadataMaxAge } : {}),
  });
}
