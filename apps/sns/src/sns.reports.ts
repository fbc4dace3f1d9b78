import { Inject, Injectable } from '@nestjs/common';
import { RabbitSnsBus } from '@wharf/sns-backend-rabbitmq';
import { RedisSnsStore } from '@wharf/sns-backend-redis';
import { subscriptionTally, type SubscriptionTallyEntry } from './delivery/subscription-tally';

export interface SubscriptionCounts extends SubscriptionTallyEntry {
  subscriptionArn: string;
  /** Messages parked in the subscription's holding queue now (retries exhausted, no DLQ). */
  held: number;
}

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

  /** `visible`: which subscription ARNs the asker may see (the signer's account with SigV4 on; all without). */
  async held(visible?: (subscriptionArn: string) => boolean): Promise<HeldReport> {
    const subscriptions: HeldReport['subscriptions'] = [];
    for (const sub of await this.store.allSubscriptions()) {
      if (visible && !visible(sub.arn)) continue;
      const depth = await this.bus.depth(sub);
      if (depth.held > 0) {
        subscriptions.push({ subscriptionArn: sub.arn, endpoint: sub.endpoint, protocol: sub.protocol, held: depth.held, waiting: depth.ready });
      }
    }
    return { subscriptions, totalHeld: subscriptions.reduce((n, s) => n + s.held, 0) };
  }

  /** The console's per-subscription counts of a topic: this process's tallies and the holding queue's depth. */
  async subscriptionCounts(topicArn: string): Promise<{ subscriptions: SubscriptionCounts[] }> {
    const out: SubscriptionCounts[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.store.listSubscriptionsByTopic(topicArn, after, 100);
      for (const sub of page) out.push({ subscriptionArn: sub.arn, ...subscriptionTally.get(sub.arn), held: await this.bus.depth(sub).then((d) => d.held, () => 0) });
      if (page.length < 100) break;
      after = page[page.length - 1].arn;
    }
    return { subscriptions: out };
  }
}
