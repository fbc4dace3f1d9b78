import type { SigningMaterial } from './signing/certificate';
import type { StoredMessage } from './stored-message';
import type { Scope } from './names';

export interface TopicRecord {
  arn: string;
  name: string;
  accountId: string;
  region: string;
  fifo: boolean;
  /** User-set attributes (DisplayName, Policy, DeliveryPolicy, SignatureVersion, ContentBasedDeduplication, …). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  dataProtectionPolicy?: string;
  createdAt: number;
}

export type SubscriptionProtocol = 'sqs' | 'http' | 'https';

export interface SubscriptionRecord {
  arn: string;
  /** The uuid at the end of the ARN; names the broker queue. */
  id: string;
  topicArn: string;
  protocol: SubscriptionProtocol;
  endpoint: string;
  owner: string;
  /** True until an HTTP(S) endpoint confirms; SQS subscriptions in the account start confirmed. */
  pendingConfirmation: boolean;
  confirmationWasAuthenticated: boolean;
  /** Confirmation token while pending. */
  token?: string;
  /** DeliveryPolicy, FilterPolicy, FilterPolicyScope, RawMessageDelivery, RedrivePolicy, SubscriptionRoleArn, ReplayPolicy. */
  attributes: Record<string, string>;
  /** The topic is FIFO (delivery keeps per-group order). */
  fifo: boolean;
  createdAt: number;
}

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
  /** Puts one message into one subscription's queue (SubscriptionConfirmation). */
  sendToSubscription(sub: SubscriptionRecord, message: StoredMessage): Promise<void>;
}
