import type { Scope } from './names';
import type { SubscriptionRecord, TopicRecord } from './records';
import type { SigningMaterial } from './signing/certificate';
import type { StoredMessage } from './stored-message';

// What a backend implements for the SNS engine: metadata (Redis), the broker side (RabbitMQ), FIFO state (Redis).
// In-memory versions for unit tests: '@wharf/sns-engine/testing'.

export interface SubscriptionCounts {
  confirmed: number;
  pending: number;
  deleted: number;
}

/** Change notices every sns process receives, so caches and delivery workers follow. */
export interface SnsEvent {
  kind: 'topic' | 'subscription';
  action: 'created' | 'updated' | 'deleted';
  arn: string;
}

/** Metadata shared by every sns process (the Redis backend implements it). */
export interface SnsStore {
  /** Creates the topic unless one with that ARN exists; returns the stored one. */
  createTopic(topic: TopicRecord): Promise<{ created: boolean; topic: TopicRecord }>;
  getTopic(arn: string): Promise<TopicRecord | undefined>;
  saveTopic(topic: TopicRecord): Promise<void>;
  deleteTopic(arn: string): Promise<void>;
  /** Topic ARNs of the scope in order, after `after`. */
  listTopicArns(scope: Scope, after: string | undefined, limit: number): Promise<string[]>;

  /** Creates the subscription unless (topic, protocol, endpoint) exists; returns the stored one. */
  createSubscription(sub: SubscriptionRecord): Promise<{ created: boolean; subscription: SubscriptionRecord }>;
  getSubscription(arn: string): Promise<SubscriptionRecord | undefined>;
  saveSubscription(sub: SubscriptionRecord): Promise<void>;
  deleteSubscription(sub: SubscriptionRecord): Promise<void>;
  listSubscriptions(scope: Scope, after: string | undefined, limit: number): Promise<SubscriptionRecord[]>;
  listSubscriptionsByTopic(topicArn: string, after: string | undefined, limit: number): Promise<SubscriptionRecord[]>;
  countSubscriptions(topicArn: string): Promise<SubscriptionCounts>;

  /** Confirmation tokens (valid two days). */
  saveToken(token: string, subscriptionArn: string, ttlMs: number): Promise<void>;
  getToken(token: string): Promise<string | undefined>;

  /** The one signing key of the deployment: the first process creates it, every other reads it. */
  signingMaterial(create: () => SigningMaterial): Promise<SigningMaterial>;

  publishEvent(event: SnsEvent): Promise<void>;
}

/** The broker side of topics and subscriptions (the RabbitMQ backend implements it). */
export interface SnsBus {
  ensureTopic(topic: TopicRecord): Promise<void>;
  deleteTopic(topic: TopicRecord): Promise<void>;
  /** Declares the subscription's queue; bound to the topic only when `bind` (confirmed). */
  ensureSubscription(sub: SubscriptionRecord, bind: boolean): Promise<void>;
  bindSubscription(sub: SubscriptionRecord): Promise<void>;
  deleteSubscription(sub: SubscriptionRecord): Promise<void>;
  /** Resolves once the broker has the message (publisher confirm) in every bound subscription queue. */
  publish(topic: TopicRecord, message: StoredMessage): Promise<void>;
  /**
   * A standard topic's PublishBatch entries as one broker message, all or none: it resolves once the broker has
   * them in every bound subscription queue (one confirm and one write for up to 10, where `publish` pays ten).
   */
  publishBatch(topic: TopicRecord, messages: StoredMessage[]): Promise<void>;
  /** Puts one message into one subscription's queue (SubscriptionConfirmation). */
  sendToSubscription(sub: SubscriptionRecord, message: StoredMessage): Promise<void>;
}

export interface DedupRecord {
  state: 'pending' | 'committed';
  messageId: string;
  sequenceNumber?: string;
  /** Who reserved it (for release). */
  owner: string;
}

/**
 * Shared FIFO state (every sns process sees the same): deduplication records and per-topic counters.
 * The Redis backend implements it.
 */
export interface FifoStore {
  /** Stores `record` if `key` is free and returns undefined; else returns what is there. */
  reserve(key: string, record: DedupRecord, ttlMs: number): Promise<DedupRecord | undefined>;
  /** Replaces the reservation with the committed record (full window). */
  commit(key: string, record: DedupRecord, ttlMs: number): Promise<void>;
  /** Drops a reservation this owner made (the publish failed). */
  release(key: string, owner: string): Promise<void>;
  get(key: string): Promise<DedupRecord | undefined>;
  nextSequence(topicArn: string): Promise<bigint>;
}
