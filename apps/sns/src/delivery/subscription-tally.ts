/** What one subscription's deliveries came to in this process, for the console (GET /_wharf/sns/subscriptions). */
export interface SubscriptionTallyEntry {
  delivered: number;
  retried: number;
  deadLettered: number;
}

export type TalliedOutcome = 'delivered' | 'retry' | 'dead-lettered';

/**
 * Per-subscription delivery counts since this process started, kept beside the per-protocol Prometheus
 * counter (one Map increment a delivery; a label set per subscription would grow Prometheus without bound).
 * Several SNS processes each count what they delivered.
 */
export class SubscriptionTally {
  private readonly entries = new Map<string, SubscriptionTallyEntry>();

  count(subscriptionArn: string, outcome: string): void {
    if (outcome !== 'delivered' && outcome !== 'retry' && outcome !== 'dead-lettered') return;
    let e = this.entries.get(subscriptionArn);
    if (!e) this.entries.set(subscriptionArn, (e = { delivered: 0, retried: 0, deadLettered: 0 }));
    if (outcome === 'delivered') e.delivered++;
    else if (outcome === 'retry') e.retried++;
    else e.deadLettered++;
  }

  get(subscriptionArn: string): SubscriptionTallyEntry {
    return this.entries.get(subscriptionArn) ?? { delivered: 0, retried: 0, deadLettered: 0 };
  }
}

export const subscriptionTally = new SubscriptionTally();
