import { durableWrite, type RedisClient } from '@wharf/redis-lua';
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

type Write = Parameters<typeof durableWrite>[2];

/**
 * Topic and subscription metadata in Redis (standalone or Cluster), shared by every sns process. Records are
 * JSON strings; sorted sets (all scores 0, ordered by ARN) index them for paging with ZRANGEBYLEX; change
 * notices go out on a pub/sub channel. Every command names one key, so keys may sit on any cluster node: a
 * record is written before its index entries and removed after them (a crash in between leaves a record
 * not yet listed, which the retried call lists; a listed ARN whose record is gone is skipped on reading).
 * Each write waits for the client's replicas (`durably`) before the call answers.
 */
export class RedisSnsStore implements SnsStore {
  readonly keys: SnsKeys;

  constructor(private readonly redis: RedisClient, prefix?: string) {
    this.keys = new SnsKeys(prefix);
  }

  /** Runs single-key writes (in parallel), each answered once the client's replicas hold it (same round trip). */
  private async durably(...writes: [key: string, build: Write][]): Promise<unknown[]> {
    return Promise.all(writes.map(async ([key, build]) => (await durableWrite(this.redis, key, build))[0]));
  }

  async createTopic(topic: TopicRecord): Promise<{ created: boolean; topic: TopicRecord }> {
    const topicKey = this.keys.topic(topic.arn);
    const [ok] = await this.durably([topicKey, (p) => p.set(topicKey, JSON.stringify(topic), 'NX')]);
    const listed = this.keys.topics(topic.accountId, topic.region);
    if (ok === 'OK') {
      await this.durably([listed, (p) => p.zadd(listed, 0, topic.arn)]);
      return { created: true, topic };
    }
    const existing = await this.getTopic(topic.arn);
    if (!existing) return this.createTopic(topic); // deleted in between
    // a create that crashed before listing its topic is completed by the retry
    await this.durably([listed, (p) => p.zadd(listed, 0, topic.arn)]);
    return { created: false, topic: existing };
  }

  async getTopic(arn: string): Promise<TopicRecord | undefined> {
    const text = await this.redis.get(this.keys.topic(arn));
    return text ? (JSON.parse(text) as TopicRecord) : undefined;
  }

  async saveTopic(topic: TopicRecord) {
    const key = this.keys.topic(topic.arn);
    await this.durably([key, (p) => p.set(key, JSON.stringify(topic), 'XX')]);
  }

  async deleteTopic(arn: string) {
    const { accountId, region } = scopeOfArn(arn);
    const listed = this.keys.topics(accountId, region);
    await this.durably([listed, (p) => p.zrem(listed, arn)]);
    const [topic, subs, deleted] = [this.keys.topic(arn), this.keys.topicSubs(arn), this.keys.deleted(arn)];
    await this.durably([topic, (p) => p.del(topic)], [subs, (p) => p.del(subs)], [deleted, (p) => p.del(deleted)]);
  }

  private async range(key: string, after: string | undefined, limit: number): Promise<string[]> {
    return this.redis.zrangebylex(key, after === undefined ? '-' : `(${after}`, '+', 'LIMIT', 0, limit);
  }

  listTopicArns(scope: Scope, after: string | undefined, limit: number) {
    return this.range(this.keys.topics(scope.accountId, scope.region), after, limit);
  }

  async createSubscription(sub: SubscriptionRecord): Promise<{ created: boolean; subscription: SubscriptionRecord }> {
    const uniqueKey = this.keys.subKey(sub.topicArn, sub.protocol, sub.endpoint);
    const [claimed] = await this.durably([uniqueKey, (p) => p.set(uniqueKey, sub.arn, 'NX')]);
    if (claimed !== 'OK') {
      const existingArn = await this.redis.get(uniqueKey);
      const existing = existingArn ? await this.getSubscription(existingArn) : undefined;
      if (existing) return { created: false, subscription: existing };
      await this.redis.del(uniqueKey); // a stale claim: take it over
      return this.createSubscription(sub);
    }
    const { accountId, region } = scopeOfArn(sub.topicArn);
    const subKey = this.keys.sub(sub.arn);
    await this.durably([subKey, (p) => p.set(subKey, JSON.stringify(sub))]);
    await this.durably(
      ...[this.keys.subs(accountId, region), this.keys.topicSubs(sub.topicArn), this.keys.allSubs()].map(
        (k): [string, Write] => [k, (p) => p.zadd(k, 0, sub.arn)],
      ),
    );
    return { created: true, subscription: sub };
  }

  async getSubscription(arn: string): Promise<SubscriptionRecord | undefined> {
    const text = await this.redis.get(this.keys.sub(arn));
    return text ? (JSON.parse(text) as SubscriptionRecord) : undefined;
  }

  async saveSubscription(sub: SubscriptionRecord) {
    const key = this.keys.sub(sub.arn);
    await this.durably([key, (p) => p.set(key, JSON.stringify(sub), 'XX')]);
  }

  async deleteSubscription(sub: SubscriptionRecord) {
    const { accountId, region } = scopeOfArn(sub.topicArn);
    const subKey = this.keys.sub(sub.arn);
    const [removed] = (await this.durably([subKey, (p) => p.del(subKey)])) as number[];
    await this.durably(
      ...[this.keys.subs(accountId, region), this.keys.topicSubs(sub.topicArn), this.keys.allSubs()].map(
        (k): [string, Write] => [k, (p) => p.zrem(k, sub.arn)],
      ),
    );
    const uniqueKey = this.keys.subKey(sub.topicArn, sub.protocol, sub.endpoint);
    if ((await this.redis.get(uniqueKey)) === sub.arn) await this.durably([uniqueKey, (p) => p.del(uniqueKey)]);
    const deleted = this.keys.deleted(sub.topicArn);
    if (removed > 0 && (await this.redis.exists(this.keys.topic(sub.topicArn)))) await this.durably([deleted, (p) => p.incr(deleted)]);
  }

  private async load(arns: string[]): Promise<SubscriptionRecord[]> {
    if (arns.length === 0) return [];
    // one GET per record (each on its own slot on a cluster), sent together
    const texts = await Promise.all(arns.map((a) => this.redis.get(this.keys.sub(a))));
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
    const key = this.keys.token(token);
    await this.durably([key, (p) => p.set(key, subscriptionArn, 'PX', ttlMs)]);
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
    const key = this.keys.signing();
    const [won] = await this.durably([key, (p) => p.set(key, JSON.stringify(material), 'NX')]);
    if (won === 'OK') return material;
    return JSON.parse((await this.redis.get(this.keys.signing())) as string) as SigningMaterial;
  }

  async publishEvent(event: SnsEvent) {
    await this.redis.publish(this.keys.events(), JSON.stringify(event));
  }
}

/** Follows the change notices of every sns process (its own included). Returns a stop function. */
export async function followSnsEvents(subscriber: RedisClient, keys: SnsKeys, onEvent: (event: SnsEvent) => void): Promise<() => Promise<void>> {
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
