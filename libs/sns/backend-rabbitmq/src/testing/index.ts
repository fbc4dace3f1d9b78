// Test support (never built, never in index.ts): the records the bus tests publish through, with their clean-up.
import { randomUUID } from 'node:crypto';
import type { StoredMessage, SubscriptionRecord, TopicRecord } from '@wharf/sns-engine';
import { uniqueId } from '@wharf/testing';
import type { RabbitSnsBus } from '../fan-out-bus';

type Cleanup = (() => Promise<void>)[];

/** A topic record (account 000000000000, us-east-1) whose queues and exchanges `cleanup` deletes from `bus`. */
export function testTopic(bus: RabbitSnsBus, cleanup: Cleanup, prefix: string, fifo = false): TopicRecord {
  const name = uniqueId(prefix) + (fifo ? '.fifo' : '');
  const t: TopicRecord = { arn: `arn:aws:sns:us-east-1:000000000000:${name}`, name, accountId: '000000000000', region: 'us-east-1', fifo, attributes: {}, tags: {}, createdAt: 0 };
  cleanup.push(() => bus.deleteTopic(t));
  return t;
}

/** A confirmed SQS subscription of `t`, deleted from `bus` by `cleanup`. */
export function testSubscription(bus: RabbitSnsBus, cleanup: Cleanup, t: TopicRecord): SubscriptionRecord {
  const id = randomUUID();
  const s: SubscriptionRecord = { arn: `${t.arn}:${id}`, id, topicArn: t.arn, protocol: 'sqs', endpoint: `arn:aws:sqs:us-east-1:000000000000:q-${id}`, owner: '000000000000', pendingConfirmation: false, confirmationWasAuthenticated: true, attributes: {}, fifo: t.fifo, createdAt: 0 };
  cleanup.push(() => bus.deleteSubscription(s));
  return s;
}

/** A notification of `t` (in message group `groupId` on FIFO topics). */
export function testMessage(t: TopicRecord, text: string, groupId?: string): StoredMessage {
  return { v: 1, kind: 'notification', messageId: randomUUID(), topicArn: t.arn, timestamp: new Date().toISOString(), message: text, ...(groupId ? { groupId } : {}) };
}
