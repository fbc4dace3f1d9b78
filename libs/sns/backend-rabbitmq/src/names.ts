import { createHash } from 'node:crypto';
import type { SubscriptionRecord } from '@wharf/sns-engine';

// RabbitMQ names: a fanout exchange per topic, a durable queue per subscription, a holding queue per
// subscription (exhausted deliveries without a DLQ), shared delay queues per retry delay whose expired
// messages dead-letter into a headers exchange that routes them back to their subscription queue.

const hash = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 12);

/** ≤255 bytes: readable topic name (truncated) plus a hash of the full ARN (account and region included). */
export function topicExchange(topicArn: string): string {
  const name = topicArn.slice(topicArn.lastIndexOf(':') + 1).slice(0, 200);
  return `wharf.sns.topic.${name}.${hash(topicArn)}`;
}

export const subscriptionQueue = (sub: Pick<SubscriptionRecord, 'id'>) => `wharf.sns.sub.${sub.id}`;
export const holdingQueue = (sub: Pick<SubscriptionRecord, 'id'>) => `wharf.sns.held.${sub.id}`;
export const delayQueue = (ms: number) => `wharf.sns.delay.${ms}`;
/**
 * Every publish goes to this direct exchange with the topic exchange's name as routing key; each topic
 * exchange is bound to it exchange-to-exchange. A topic deleted a moment ago then only makes the message
 * unroutable, instead of closing the publisher channel (and failing every publish in flight on it).
 */
export const PUBLISH_EXCHANGE = 'wharf.sns.publish';
/** Headers exchange: a message whose `wharf-queue` header names a subscription queue goes back to it. */
export const REDELIVER_EXCHANGE = 'wharf.sns.redeliver';

export const HEADER_QUEUE = 'wharf-queue';
export const HEADER_ATTEMPTS = 'wharf-failed-attempts';
export const HEADER_HOLD_REASON = 'wharf-hold-reason';
