import { Inject, Injectable } from '@nestjs/common';
import { RabbitSnsBus } from '@wharf/sns-backend-rabbitmq';
import { RedisSnsStore } from '@wharf/sns-backend-redis';

export interface HeldReport {
  subscriptions: { subscriptionArn: string; endpoint: string; protocol: string; held: number; waiting: number }[];
  totalHeld: number;
}

/**
 * AWS drops a message whose retries are exhausted when the subscription has no DLQ; Wharf parks it in the
 * subscription's holding queue (`wharf.sns.held.<id>`) and reports it here (GET /_wharf/sns/held).
 */
@Injectable()
export class SnsReports {
  constructor(
    @Inject(RedisSnsStore) private readonly store: RedisSnsStore,
    @Inject(RabbitSnsBus) private readonly bus: RabbitSnsBus,
  ) {}

  async held(): Promise<HeldReport> {
    const subscriptions: HeldReport['subscriptions'] = [];
    for (const sub of await this.store.allSubscriptions()) {
      const depth = await this.bus.depth(sub);
      if (depth.held > 0) {
        subscriptions.push({ subscriptionArn: sub.arn, endpoint: sub.endpoint, protocol: sub.protocol, held: depth.held, waiting: depth.ready });
      }
    }
    return { subscriptions, totalHeld: subscriptions.reduce((n, s) => n + s.held, 0) };
  }
}
