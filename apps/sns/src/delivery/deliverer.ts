import { randomBytes, randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import {
  decideAfterFailure,
  effectiveHttpPolicy,
  planDelivery,
  planUnsubscribeConfirmation,
  parseSqsQueueArn,
  type AttemptResult,
  type EnvelopeBuilder,
  type PlannedDelivery,
  type SnsStore,
  type StoredMessage,
  type SubscriptionRecord,
  type TopicRecord,
} from '@wharf/sns-engine';
import type { WorkerDecision } from '@wharf/sns-backend-rabbitmq';
import { metricsRegistry } from '@wharf/service-kit';
import type { Logger } from 'pino';
import type { HttpTransport } from './http-transport';
import type { SqsTransport } from './sqs-transport';
import { subscriptionTally } from './subscription-tally';

export const deliveries = new Counter({
  name: 'wharf_sns_deliveries_total',
  help: 'SNS delivery attempts by protocol and outcome (delivered, filtered, retry, dead-lettered, held, failed)',
  labelNames: ['protocol', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** Counts an outcome per protocol (Prometheus) and per subscription (the console's counts). */
function count(sub: SubscriptionRecord, outcome: string): void {
  deliveries.inc({ protocol: sub.protocol, outcome });
  subscriptionTally.count(sub.arn, outcome);
}

/** One attempt of one message to one subscription, and what follows from its result. */
export class Deliverer {
  /** Next free send slot per throttled HTTP(S) subscription (throttlePolicy.maxReceivesPerSecond, per process). */
  private readonly slots = new Map<string, number>();

  constructor(
    private readonly store: SnsStore,
    private readonly envelopes: EnvelopeBuilder,
    private readonly sqs: SqsTransport,
    private readonly http: HttpTransport,
    private readonly retrySecondMs: number,
    private readonly log: Logger,
  ) {}

  private transport(delivery: PlannedDelivery): Promise<AttemptResult> {
    return delivery.kind === 'sqs' ? this.sqs.send(delivery) : this.http.send(delivery);
  }

  /** Spaces deliveries to one endpoint 1/maxReceivesPerSecond apart (AWS's throttlePolicy). */
  private async throttle(sub: SubscriptionRecord, topic: TopicRecord | undefined): Promise<void> {
    if (sub.protocol === 'sqs') return;
    const rate = effectiveHttpPolicy(topic?.attributes.DeliveryPolicy || undefined, sub.attributes.DeliveryPolicy || undefined).maxReceivesPerSecond;
    if (!rate) return;
    const now = Date.now();
    const slot = Math.max(now, this.slots.get(sub.arn) ?? 0);
    this.slots.set(sub.arn, slot + 1000 / rate);
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }

  async deliver(sub: SubscriptionRecord, message: StoredMessage, failedAttempts: number): Promise<WorkerDecision> {
    const topic = await this.store.getTopic(sub.topicArn);
    const plan = await planDelivery(sub, topic, message, this.envelopes);
    if ('skip' in plan) {
      count(sub, plan.skip);
      return { action: 'ack' };
    }
    await this.throttle(sub, topic);
    const result = await this.transport(plan.delivery);
    if (result.ok) {
      count(sub, 'delivered');
      return { action: 'ack' };
    }
    return this.afterFailure(sub, topic, message, plan.delivery, result, failedAttempts + 1);
  }

  private async afterFailure(
    sub: SubscriptionRecord,
    topic: TopicRecord | undefined,
    message: StoredMessage,
    delivery: PlannedDelivery,
    result: Extract<AttemptResult, { ok: false }>,
    failed: number,
  ): Promise<WorkerDecision> {
    const decision = decideAfterFailure(sub, topic, result, failed, this.retrySecondMs);
    if (decision.action === 'retry') {
      count(sub, 'retry');
      return { action: 'retry', delayMs: decision.delayMs };
    }
    if (decision.action === 'hold') {
      count(sub, 'held');
      return { action: 'hold', reason: decision.reason };
    }
    // The subscription's dead-letter queue, through the SQS API like any delivery.
    const fifoDlq = parseSqsQueueArn(decision.queueArn)?.fifo ?? false;
    const dlq = await this.sqs.send({
      kind: 'sqs',
      queueArn: decision.queueArn,
      body: delivery.body,
      ...(delivery.kind === 'sqs' && delivery.attributes ? { attributes: delivery.attributes } : {}),
      ...(fifoDlq && message.groupId !== undefined ? { messageGroupId: message.groupId } : {}),
      ...(fifoDlq && message.dedupId !== undefined ? { messageDeduplicationId: message.dedupId } : {}),
    });
    if (dlq.ok) {
      count(sub, 'dead-lettered');
      this.log.warn({ sub: sub.arn, messageId: message.messageId, dlq: decision.queueArn, reason: decision.reason }, 'delivery exhausted: sent to the dead-letter queue');
      return { action: 'ack' };
    }
    if (!dlq.retryable) {
      count(sub, 'held');
      return { action: 'hold', reason: `${decision.reason}; dead-letter queue ${decision.queueArn} refused it: ${dlq.error}` };
    }
    count(sub, 'failed');
    return { action: 'retry', delayMs: 20 * this.retrySecondMs };
  }

  /** AWS tells an HTTP(S) endpoint it was unsubscribed; best effort, not retried. */
  sendUnsubscribeConfirmation(sub: SubscriptionRecord, topic: TopicRecord | undefined): void {
    void planUnsubscribeConfirmation(sub, topic, this.envelopes, { messageId: randomUUID(), token: randomBytes(64).toString('hex'), now: Date.now() })
      .then((delivery) => this.http.send(delivery))
      .then((r) => {
        if (!r.ok) this.log.info({ sub: sub.arn, error: r.error }, 'UnsubscribeConfirmation not delivered');
      })
      .catch((err: Error) => this.log.warn({ sub: sub.arn, err: err.message }, 'UnsubscribeConfirmation failed'));
  }
}
