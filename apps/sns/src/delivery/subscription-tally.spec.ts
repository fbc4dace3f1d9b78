import { describe, expect, it } from 'vitest';
import { SubscriptionTally } from './subscription-tally';

describe('SubscriptionTally', () => {
  it('counts delivered, retried and dead-lettered per subscription, and nothing else', () => {
    const t = new SubscriptionTally();
    for (const o of ['delivered', 'delivered', 'retry', 'dead-lettered', 'held', 'filtered', 'failed']) t.count('arn:a', o);
    t.count('arn:b', 'retry');
    expect(t.get('arn:a')).toEqual({ delivered: 2, retried: 1, deadLettered: 1 });
    expect(t.get('arn:b')).toEqual({ delivered: 0, retried: 1, deadLettered: 0 });
    expect(t.get('arn:none')).toEqual({ delivered: 0, retried: 0, deadLettered: 0 });
  });
});
