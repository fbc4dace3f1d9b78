import type { Redis } from 'ioredis';
import { DeliveryWorker, type RabbitConnection, type RabbitSnsBus } from '@wharf/sns-backend-rabbitmq';
import { followSnsEvents, type RedisSnsStore } from '@wharf/sns-backend-redis';
import type { SnsEvent, SubscriptionRecord } from '@wharf/sns-engine';
import type { Logger } from 'pino';
import type { CachedSnsStore } from '../cached-store';
import type { Deliverer } from './deliverer';

export interface DeliveryServiceOptions {
  connection: RabbitConnection;
  bus: RabbitSnsBus;
  redisStore: RedisSnsStore;
  cache: CachedSnsStore;
  subscriber: Redis;
  deliverer: Deliverer;
  prefetch: number;
  fifoPrefetch: number;
  resyncMs: number;
  /** Unconfirmed HTTP(S) subscriptions are deleted after this long (AWS: 3 days). */
  pendingExpiryMs: number;
  enabled: boolean;
  log: Logger;
}

/**
 * Keeps this process consuming every subscription queue: all of them at start, new ones on change notices
 * (and a periodic re-read in case a notice was missed), none after they are deleted.
 */
export class DeliveryService {
  private worker?: DeliveryWorker;
  private timer?: NodeJS.Timeout;
  private stopEvents?: () => Promise<void>;

  constructor(private readonly o: DeliveryServiceOptions) {}

  async start(): Promise<void> {
    // Change notices keep every process' cache fresh, delivering or not.
    this.stopEvents = await followSnsEvents(this.o.subscriber, this.o.redisStore.keys, (event) => void this.onEvent(event));
    if (!this.o.enabled) return;
    this.worker = new DeliveryWorker({
      connection: this.o.connection,
      bus: this.o.bus,
      deliver: (sub, message, failed) => this.o.deliverer.deliver(sub, message, failed),
      lookup: (arn) => this.o.cache.getSubscription(arn),
      prefetch: this.o.prefetch,
      fifoPrefetch: this.o.fifoPrefetch,
      log: this.o.log,
    });
    await this.resync();
    this.timer = setInterval(() => void this.resync(), this.o.resyncMs);
    this.timer.unref();
  }

  private async follow(sub: SubscriptionRecord): Promise<void> {
    try {
      await this.worker?.follow(sub);
    } catch (error) {
      this.o.log.warn({ sub: sub.arn, err: (error as Error).message }, 'cannot consume subscription queue yet');
    }
  }

  private async onEvent(event: SnsEvent): Promise<void> {
    this.o.cache.invalidate(event);
    if (!this.worker || event.kind !== 'subscription') return;
    if (event.action === 'deleted') {
      await this.worker.unfollow(event.arn);
      return;
    }
    const sub = await this.o.cache.getSubscription(event.arn);
    if (sub) await this.follow(sub);
  }

  private resyncing = false;
  private async resync(): Promise<void> {
    if (!this.worker || this.resyncing) return;
    this.resyncing = true;
    try {
      const subs = await this.o.redisStore.allSubscriptions();
      const now = Date.now();
      for (const sub of subs) {
        if (sub.pendingConfirmation && now - sub.createdAt > this.o.pendingExpiryMs) await this.expire(sub);
        else await this.follow(sub);
      }
    } catch (error) {
      this.o.log.warn({ err: (error as Error).message }, 'subscription resync failed');
    } finally {
      this.resyncing = false;
    }
  }

  /** AWS deletes a subscription that was never confirmed after three days; so does Wharf. */
  private async expire(sub: SubscriptionRecord): Promise<void> {
    await this.worker?.unfollow(sub.arn);
    await this.o.bus.deleteSubscription(sub);
    await this.o.redisStore.deleteSubscription(sub);
    await this.o.redisStore.publishEvent({ kind: 'subscription', action: 'deleted', arn: sub.arn });
    this.o.log.info({ sub: sub.arn }, 'unconfirmed subscription expired');
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.stopEvents?.().catch(() => undefined);
    await this.worker?.stop();
  }
}
