import type { Clock } from '@wharf/engine-kit';
import type { Scope } from '../names';
import type { DedupRecord, FifoStore, SnsBus, SnsEvent, SnsStore, SubscriptionCounts } from '../ports';
import type { SubscriptionRecord, TopicRecord } from '../records';
import type { SigningMaterial } from '../signing/certificate';
import type { StoredMessage } from '../stored-message';

// In-memory store, FIFO state and bus: the engine's contracts without brokers, for unit tests.

const clone = <T>(v: T): T => structuredClone(v);

export class MemorySnsStore implements SnsStore {
  readonly topics = new Map<string, TopicRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly tokens = new Map<string, string>();
  readonly events: SnsEvent[] = [];
  private deleted = new Map<string, number>();
  private material?: SigningMaterial;

  async createTopic(topic: TopicRecord) {
    const existing = this.topics.get(topic.arn);
    if (existing) return { created: false, topic: clone(existing) };
    this.topics.set(topic.arn, clone(topic));
    return { created: true, topic: clone(topic) };
  }
  async getTopic(arn: string) {
    const t = this.topics.get(arn);
    return t && clone(t);
  }
  async saveTopic(topic: TopicRecord) {
    this.topics.set(topic.arn, clone(topic));
  }
  async deleteTopic(arn: string) {
    this.topics.delete(arn);
  }
  async listTopicArns(scope: Scope, after: string | undefined, limit: number) {
    return [...this.topics.values()]
      .filter((t) => t.accountId === scope.accountId && t.region === scope.region)
      .map((t) => t.arn)
      .sort()
      .filter((arn) => after === undefined || arn > after)
      .slice(0, limit);
  }
  async createSubscription(sub: SubscriptionRecord) {
    const existing = [...this.subscriptions.values()].find(
      (s) => s.topicArn === sub.topicArn && s.protocol === sub.protocol && s.endpoint === sub.endpoint,
    );
    if (existing) return { created: false, subscription: clone(existing) };
    this.subscriptions.set(sub.arn, clone(sub));
    return { created: true, subscription: clone(sub) };
  }
  async getSubscription(arn: string) {
    const s = this.subscriptions.get(arn);
    return s && clone(s);
  }
  async saveSubscription(sub: SubscriptionRecord) {
    this.subscriptions.set(sub.arn, clone(sub));
  }
  async deleteSubscription(sub: SubscriptionRecord) {
    if (this.subscriptions.delete(sub.arn)) this.deleted.set(sub.topicArn, (this.deleted.get(sub.topicArn) ?? 0) + 1);
  }
  private sorted(filter: (s: SubscriptionRecord) => boolean, after: string | undefined, limit: number) {
    return [...this.subscriptions.values()]
      .filter(filter)
      .sort((a, b) => (a.arn < b.arn ? -1 : 1))
      .filter((s) => after === undefined || s.arn > after)
      .slice(0, limit)
      .map(clone);
  }
  async listSubscriptions(scope: Scope, after: string | undefined, limit: number) {
    return this.sorted((s) => s.topicArn.includes(`:${scope.region}:${scope.accountId}:`), after, limit);
  }
  async listSubscriptionsByTopic(topicArn: string, after: string | undefined, limit: number) {
    return this.sorted((s) => s.topicArn === topicArn, after, limit);
  }
  async countSubscriptions(topicArn: string): Promise<SubscriptionCounts> {
    const subs = [...this.subscriptions.values()].filter((s) => s.topicArn === topicArn);
    return {
      confirmed: subs.filter((s) => !s.pendingConfirmation).length,
      pending: subs.filter((s) => s.pendingConfirmation).length,
      deleted: this.deleted.get(topicArn) ?? 0,
    };
  }
  async saveToken(token: string, subscriptionArn: string) {
    this.tokens.set(token, subscriptionArn);
  }
  async getToken(token: string) {
    return this.tokens.get(token);
  }
  async signingMaterial(create: () => SigningMaterial) {
    return (this.material ??= create());
  }
  async publishEvent(event: SnsEvent) {
    this.events.push(event);
  }
}

export class MemoryFifoStore implements FifoStore {
  private records = new Map<string, { record: DedupRecord; expires: number }>();
  private counters = new Map<string, bigint>();
  constructor(private readonly clock: Clock) {}

  private live(key: string) {
    const entry = this.records.get(key);
    if (entry && entry.expires <= this.clock.now()) this.records.delete(key);
    return this.records.get(key);
  }
  async reserve(key: string, record: DedupRecord, ttlMs: number) {
    const entry = this.live(key);
    if (entry) return clone(entry.record);
    this.records.set(key, { record: clone(record), expires: this.clock.now() + ttlMs });
    return undefined;
  }
  async commit(key: string, record: DedupRecord, ttlMs: number) {
    this.records.set(key, { record: clone(record), expires: this.clock.now() + ttlMs });
  }
  async release(key: string, owner: string) {
    if (this.live(key)?.record.owner === owner) this.records.delete(key);
  }
  async get(key: string) {
    const entry = this.live(key);
    return entry && clone(entry.record);
  }
  async nextSequence(topicArn: string) {
    const next = (this.counters.get(topicArn) ?? 0n) + 1n;
    this.counters.set(topicArn, next);
    return next;
  }
}

/** Records what the engine asks of the broker; `published` holds messages per bound subscription. */
export class MemorySnsBus implements SnsBus {
  readonly topics = new Set<string>();
  readonly queues = new Map<string, { sub: SubscriptionRecord; bound: boolean; messages: StoredMessage[] }>();
  failNextPublish?: Error;

  async ensureTopic(topic: TopicRecord) {
    this.topics.add(topic.arn);
  }
  async deleteTopic(topic: TopicRecord) {
    this.topics.delete(topic.arn);
  }
  async ensureSubscription(sub: SubscriptionRecord, bind: boolean) {
    const q = this.queues.get(sub.arn);
    if (q) q.bound ||= bind;
    else this.queues.set(sub.arn, { sub: clone(sub), bound: bind, messages: [] });
  }
  async bindSubscription(sub: SubscriptionRecord) {
    await this.ensureSubscription(sub, true);
  }
  async deleteSubscription(sub: SubscriptionRecord) {
    this.queues.delete(sub.arn);
  }
  /** Each call of publishBatch: the message ids it carried together. */
  readonly batches: string[][] = [];
  /** Into every bound queue of the topic, all or none (failNextPublish fails the next call once). */
  private fanOut(topic: TopicRecord, messages: StoredMessage[]) {
    if (this.failNextPublish) {
      const e = this.failNextPublish;
      this.failNextPublish = undefined;
      throw e;
    }
    if (!this.topics.has(topic.arn)) throw new Error('no such exchange');
    for (const q of this.queues.values()) if (q.bound && q.sub.topicArn === topic.arn) q.messages.push(...messages.map(clone));
  }
  async publish(topic: TopicRecord, message: StoredMessage) {
    this.fanOut(topic, [message]);
  }
  async publishBatch(topic: TopicRecord, messages: StoredMessage[]) {
    this.fanOut(topic, messages);
    this.batches.push(messages.map((m) => m.messageId));
  }
  async sendToSubscription(sub: SubscriptionRecord, message: StoredMessage) {
    this.queues.get(sub.arn)?.messages.push(clone(message));
  }
  messagesOf(subscriptionArn: string): StoredMessage[] {
    return this.queues.get(subscriptionArn)?.messages ?? [];
  }
}
