import { effectiveHttpPolicy, httpRetryDelaySeconds, sqsRetryDelaySeconds } from './delivery-policy';
import type { EnvelopeBuilder } from './envelope';
import { compileFilterPolicy, matchesFilterPolicy, type CompiledFilterPolicy, type FilterPolicyScope } from './filter-policy';
import { toSdkAttributes, type WireAttribute } from './message-attributes';
import type { SubscriptionRecord, TopicRecord } from './records';
import { parseSqsQueueArn } from './names';
import { topicSignatureVersion } from './topic-attributes';
import { deadLetterTargetArn, isRawDelivery } from './subscription-attributes';
import { isoTimestamp, messageForProtocol, type StoredMessage } from './stored-message';

// What one delivery of one message to one subscription looks like, and what happens when it fails.

export interface SqsDelivery {
  kind: 'sqs';
  queueArn: string;
  body: string;
  /** Raw delivery: the SNS message attributes as SQS message attributes. */
  attributes?: Record<string, WireAttribute>;
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

export interface HttpDelivery {
  kind: 'http';
  url: string;
  body: string;
  headers: Record<string, string>;
}

export type PlannedDelivery = SqsDelivery | HttpDelivery;

export type DeliveryPlan = { skip: 'filtered' | 'pending' } | { delivery: PlannedDelivery };

const policyCache = new Map<string, CompiledFilterPolicy>();

/** Compiled policies are cached by text and scope (policies were validated when set). */
export function compiledPolicy(sub: SubscriptionRecord): CompiledFilterPolicy | undefined {
  const text = sub.attributes.FilterPolicy;
  if (!text) return undefined;
  const scope = (sub.attributes.FilterPolicyScope || 'MessageAttributes') as FilterPolicyScope;
  const key = `${scope}\n${text}`;
  let compiled = policyCache.get(key);
  if (!compiled) {
    compiled = compileFilterPolicy(text, scope);
    if (policyCache.size > 10_000) policyCache.clear();
    policyCache.set(key, compiled);
  }
  return compiled;
}

export function passesFilter(sub: SubscriptionRecord, message: StoredMessage): boolean {
  const policy = compiledPolicy(sub);
  if (!policy) return true;
  return matchesFilterPolicy(policy, {
    attributes: toSdkAttributes(message.attributes) as Record<string, { DataType?: string; StringValue?: string }>,
    body: messageForProtocol(message, sub.protocol),
  });
}

const USER_AGENT = 'Amazon Simple Notification Service Agent';

/** Turns a queued message into the request for this subscription (or says to skip it). */
export async function planDelivery(
  sub: SubscriptionRecord,
  topic: TopicRecord | undefined,
  message: StoredMessage,
  envelopes: EnvelopeBuilder,
): Promise<DeliveryPlan> {
  const version = topic ? topicSignatureVersion(topic) : '1';
  if (message.kind === 'confirmation') {
    const body = await envelopes.confirmation(
      'SubscriptionConfirmation',
      { messageId: message.messageId, topicArn: message.topicArn, subscriptionArn: sub.arn, token: message.token ?? '', timestamp: message.timestamp },
      version,
    );
    if (sub.protocol === 'sqs') return { delivery: { kind: 'sqs', queueArn: sub.endpoint, body } };
    return {
      delivery: {
        kind: 'http',
        url: sub.endpoint,
        body,
        headers: {
          'content-type': 'text/plain; charset=UTF-8',
          'user-agent': USER_AGENT,
          'x-amz-sns-message-type': 'SubscriptionConfirmation',
          'x-amz-sns-message-id': message.messageId,
          'x-amz-sns-topic-arn': message.topicArn,
        },
      },
    };
  }
  if (sub.pendingConfirmation) return { skip: 'pending' };
  if (!passesFilter(sub, message)) return { skip: 'filtered' };
  const raw = isRawDelivery(sub);
  const body = raw ? messageForProtocol(message, sub.protocol) : await envelopes.notification(message, sub.protocol, sub.arn, version);
  if (sub.protocol === 'sqs') {
    const fifoQueue = parseSqsQueueArn(sub.endpoint)?.fifo ?? false;
    return {
      delivery: {
        kind: 'sqs',
        queueArn: sub.endpoint,
        body,
        ...(raw && message.attributes ? { attributes: message.attributes } : {}),
        // FIFO queues get the group and dedup id; standard queues only the group (fair queues).
        ...(message.groupId !== undefined ? { messageGroupId: message.groupId } : {}),
        ...(fifoQueue && message.dedupId !== undefined ? { messageDeduplicationId: message.dedupId } : {}),
      },
    };
  }
  const policy = effectiveHttpPolicy(topic?.attributes.DeliveryPolicy || undefined, sub.attributes.DeliveryPolicy || undefined);
  const headers: Record<string, string> = {
    'content-type': policy.headerContentType,
    'user-agent': USER_AGENT,
    'x-amz-sns-message-type': 'Notification',
    'x-amz-sns-message-id': message.messageId,
    'x-amz-sns-topic-arn': message.topicArn,
    'x-amz-sns-subscription-arn': sub.arn,
  };
  if (raw) headers['x-amz-sns-rawdelivery'] = 'true';
  return { delivery: { kind: 'http', url: sub.endpoint, body, headers } };
}

/** The UnsubscribeConfirmation an HTTP(S) endpoint receives after Unsubscribe (best effort). */
export async function planUnsubscribeConfirmation(
  sub: SubscriptionRecord,
  topic: TopicRecord | undefined,
  envelopes: EnvelopeBuilder,
  ids: { messageId: string; token: string; now: number },
): Promise<HttpDelivery> {
  const body = await envelopes.confirmation(
    'UnsubscribeConfirmation',
    { messageId: ids.messageId, topicArn: sub.topicArn, subscriptionArn: sub.arn, token: ids.token, timestamp: isoTimestamp(ids.now) },
    topic ? topicSignatureVersion(topic) : '1',
  );
  return {
    kind: 'http',
    url: sub.endpoint,
    body,
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'user-agent': USER_AGENT,
      'x-amz-sns-message-type': 'UnsubscribeConfirmation',
      'x-amz-sns-message-id': ids.messageId,
      'x-amz-sns-topic-arn': sub.topicArn,
      'x-amz-sns-subscription-arn': sub.arn,
    },
  };
}

/** How an attempt ended, as the transport reports it. */
export type AttemptResult =
  | { ok: true }
  /** `retryable: false` = client-side error (e.g. the queue is gone): no retries, straight to the DLQ. */
  | { ok: false; retryable: boolean; error: string };

export type FailureDecision =
  | { action: 'retry'; delayMs: number }
  | { action: 'dead-letter'; queueArn: string; reason: string }
  | { action: 'hold'; reason: string };

/**
 * After a failed attempt: retry per the subscription's policy (HTTP(S): DeliveryPolicy, default 3 × 20 s;
 * SQS: AWS's 100,015-attempt schedule), else the RedrivePolicy DLQ, else Wharf's holding queue.
 * `failedAttempts` counts this one; `secondMs` scales policy seconds (tests run with short seconds).
 */
export function decideAfterFailure(
  sub: SubscriptionRecord,
  topic: TopicRecord | undefined,
  result: Extract<AttemptResult, { ok: false }>,
  failedAttempts: number,
  secondMs = 1000,
): FailureDecision {
  if (result.retryable) {
    const seconds =
      sub.protocol === 'sqs'
        ? sqsRetryDelaySeconds(failedAttempts)
        : httpRetryDelaySeconds(effectiveHttpPolicy(topic?.attributes.DeliveryPolicy || undefined, sub.attributes.DeliveryPolicy || undefined).retry, failedAttempts);
    if (seconds !== undefined) return { action: 'retry', delayMs: Math.round(seconds * secondMs) };
  }
  const reason = `${result.error} (after ${failedAttempts} attempt${failedAttempts === 1 ? '' : 's'})`;
  const dlq = deadLetterTargetArn(sub);
  return dlq ? { action: 'dead-letter', queueArn: dlq, reason } : { action: 'hold', reason };
}
