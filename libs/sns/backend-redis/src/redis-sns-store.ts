import type { Redis } from 'ioredis';
import {
  checkSigningMaterial,
  type Scope,
  type SigningMaterial,
  type SnsEvent,
  type SnsStore,
  type SubscriptionCounts,
  type SubscriptionRecord,
  type TopicRecord,
} from '@wharf/sns-engine';
import { scopeOfArn, SnsKeys } from './keys';

/**
 * Topic and subscription metadata in Redis, shared by every sns process. Records are JSON strings; sorted
 * sets (all scores 0, ordered by ARN) index them for paging with ZRANGEBYLEX; change notices go out on a
 * pub/sub channel.
 */
export class RedisSnsStore implements SnsStore {
  readonly keys: SnsKeys;

  constructor(private readonly redis: Redis, prefix?: string) {
    this.keys = new SnsKeys(prefix);
  }

  async createTopic(topic: TopicRecord): Promise<{ created: boolean; topic: TopicRecord }> {
    const ok = await this.redis.set(this.keys.topic(topic.arn), JSON.stringify(topic), 'NX');
    if (ok === 'OK') {
      await this.redis.zadd(this.keys.topics(topic.accountId, topic.region), 0, topic.arn);
      return { created: true, topic };
    }
    const existing = await this.getTopic(topic.arn);
    if (!existing) return this.createTopic(topic); // deleted in between
    return { created: false, topic: existing };
  }

  async getTopic(arn: string): Promise<TopicRecord | undefined> {
    const text = await this.redis.get(this.keys.topic(arn));
    return text ? (JSON.parse(text) as TopicRecord) : undefined;
  }

  async saveTopic(topic: TopicRecord) {
    await this.redis.set(this.keys.topic(topic.arn), JSON.stringify(topic), 'XX');
  }

  async deleteTopic(arn: string) {
    const { accountId, region } = scopeOfArn(arn);
    await this.redis
      .multi()
      .del(this.keys.topic(arn), this.keys.topicSubs(arn), this.keys.deleted(arn))
      .zrem(this.keys.topics(accountId, region), arn)
      .exec();
  }

  private async range(key: string, after: string | undefined, limit: number): Promise<string[]> {
    return this.redis.zrangebylex(key, after === undefined ? '-' : `(${after}`, '+', 'LIMIT', 0, limit);
  }

  listTopicArns(scope: Scope, after: string | undefined, limit: number) {
    return this.range(this.keys.topics(scope.accountId, scope.region), after, limit);
  }

  async createSubscription(sub: SubscriptionRecord): Promise<{ created: boolean; subscription: SubscriptionRecord }> {
    const uniqueKey = this.keys.subKey(sub.topicArn, sub.protocol, sub.endpoint);
    const claimed = await this.redis.set(uniqueKey, sub.arn, 'NX');
    if (claimed !== 'OK') {
      const existingArn = await this.redis.get(uniqueKey);
      const existing = existingArn ? await this.getSubscription(existingArn) : undefined;
      if (existing) return { created: false, subscription: existing };
      await this.redis.del(uniqueKey); // a stale claim: take it over
      return this.createSubscription(sub);
    }
    const { accountId, region } = scopeOfArn(sub.topicArn);
    await this.redis
      .multi()
      .set(this.keys.sub(sub.arn), JSON.stringify(sub))
      .zadd(this.keys.subs(accountId, region), 0, sub.arn)
      .zadd(this.keys.topicSubs(sub.topicArn), 0, sub.arn)
      .zadd(this.keys.allSubs(), 0, sub.arn)
      .exec();
    return { created: true, subscription: sub };
  }

  async getSubscription(arn: string): Promise<SubscriptionRecord | undefined> {
    const text = await this.redis.get(this.keys.sub(arn));
    return text ? (JSON.parse(text) as SubscriptionRecord) : undefined;
  }

  async saveSubscription(sub: SubscriptionRecord) {
    await this.redis.set(this.keys.sub(sub.arn), JSON.stringify(sub), 'XX');
  }

  async deleteSubscription(sub: SubscriptionRecord) {
    const { accountId, region } = scopeOfArn(sub.topicArn);
    const removed = await this.redis.del(this.keys.sub(sub.arn));
    await this.redis
      .multi()
      .zrem(this.keys.subs(accountId, region), sub.arn)
      .zrem(this.keys.topicSubs(sub.topicArn), sub.arn)
      .zrem(this.keys.allSubs(), sub.arn)
      .exec();
    const uniqueKey = this.keys.subKey(sub.topicArn, sub.protocol, sub.endpoint);
    if ((await this.redis.get(uniqueKey)) === sub.arn) await this.redis.del(uniqueKey);
    if (removed > 0 && (await this.redis.exists(this.keys.topic(sub.topicArn)))) await this.redis.incr(this.keys.deleted(sub.topicArn));
  }

  private async load(arns: string[]): Promise<SubscriptionRecord[]> {
    if (arns.length === 0) return [];
    const texts = await this.redis.mget(arns.map((a) => this.keys.sub(a)));
    return texts.filter((t): t is string => t !== null).map((t) => JSON.parse(t) as SubscriptionRecord);
  }

  async listSubscriptions(scope: Scope, after: string | undefined, limit: number) {
    return this.load(await this.range(this.keys.subs(scope.accountId, scope.region), after, limit));
  }

  async listSubscriptionsByTopic(topicArn: string, after: string | undefined, limit: number) {
    return this.load(await this.range(this.keys.topicSubs(topicArn), after, limit));
  }

  /** Every subscription of every account (delivery workers consume them all). */
  async allSubscriptions(): Promise<SubscriptionRecord[]> {
    const out: SubscriptionRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const arns = await this.range(this.keys.allSubs(), after, 500);
      out.push(...(await this.load(arns)));
      if (arns.length < 500) return out;
      after = arns[arns.length - 1];
    }
  }

  async countSubscriptions(topicArn: string): Promise<SubscriptionCounts> {
    const subs = await this.load(await this.redis.zrange(this.keys.topicSubs(topicArn), 0, -1));
    const pending = subs.filter((s) => s.pendingConfirmation).length;
    const deleted = Number((await this.redis.get(this.keys.deleted(topicArn))) ?? 0);
    return { confirmed: subs.length - pending, pending, deleted };
  }

  async saveToken(token: string, subscriptionArn: string, ttlMs: number) {
    await this.redis.set(this.keys.token(token), subscriptionArn, 'PX', ttlMs);
  }

  async getToken(token: string) {
    return (await this.redis.get(this.keys.token(token))) ?? undefined;
  }

  /** The first process to get here stores its key pair; every other process (and every restart) reads it. */
  async signingMaterial(create: () => SigningMaterial): Promise<SigningMaterial> {
    const existing = await this.redis.get(this.keys.signing());
    if (existing) return JSON.parse(existing) as SigningMaterial;
    const material = create();
    checkSigningMaterial(material);
    const won = await this.redis.set(this.keys.signing(), JSON.stringify(material), 'NX');
    if (won === 'OK') return material;
    return JSON.parse((await this.redis.get(this.keys.signing())) as string) as SigningMaterial;
  }

  async publishEvent(event: SnsEvent) {
    await this.redis.publish(this.keys.events(), JSON.stringify(event));
  }
}

/** Follows the change notices of every sns process (its own included). Returns a stop function. */
export async function followSnsEvents(subscriber: Redis, keys: SnsKeys, onEvent: (event: SnsEvent) => void): Promise<() => Promise<void>> {
  const channel = keys.events();
  const listener = (ch: string, text: string) => {
    if (ch !== channel) return;
    try {
      onEvent(JSON.parse(text) as SnsEvent);
    } catch {
      // a malformed notice is ignored; the periodic resync covers it
    }
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off('message', listener);
    await subscriber.unsubscribe(channel);
  };
}
