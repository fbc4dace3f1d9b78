import { effectiveHttpPolicy, effectiveSubscriptionDeliveryPolicyJson, parseSubscriptionDeliveryPolicy } from './delivery-policy';
import { invalidParameter } from './errors';
import { compileFilterPolicy, FILTER_POLICY_SCOPES, FilterPolicyError, type FilterPolicyScope } from './filter-policy';
import type { SubscriptionProtocol, SubscriptionRecord, TopicRecord } from './records';
import { parseSqsQueueArn } from './names';

export const SETTABLE_SUBSCRIPTION_ATTRIBUTES = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);

export interface SubscriptionContext {
  protocol: SubscriptionProtocol;
  topic: TopicRecord;
  /** The other attributes as they will be after this change (FilterPolicy needs its scope and vice versa). */
  attributes: Record<string, string>;
}

/**
 * Validates one subscription attribute and returns the value to store ('' removes it). `prefix`:
 * "Invalid parameter: Attributes Reason: " at Subscribe, "Invalid parameter: " at SetSubscriptionAttributes.
 */
export function validateSubscriptionAttribute(name: string, value: string, ctx: SubscriptionContext, prefix: string): string {
  const fail = (reason: string): never => {
    throw invalidParameter(`${prefix}${reason}`);
  };
  if (!SETTABLE_SUBSCRIPTION_ATTRIBUTES.has(name)) fail(prefix.includes('Attributes') ? `Unknown attribute ${name}` : 'AttributeName');
  switch (name) {
    case 'RawMessageDelivery': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') fail(`RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      return v;
    }
    case 'DeliveryPolicy':
      if (ctx.protocol === 'sqs') fail('DeliveryPolicy: Delivery protocol [sqs] does not support delivery policies');
      if (value !== '') parseSubscriptionDeliveryPolicy(value);
      return value;
    case 'FilterPolicyScope':
      if (!FILTER_POLICY_SCOPES.includes(value as FilterPolicyScope)) fail(`FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      if (ctx.attributes.FilterPolicy) checkFilterPolicy(ctx.attributes.FilterPolicy, value as FilterPolicyScope, prefix);
      return value;
    case 'FilterPolicy':
      if (value === '') return '';
      checkFilterPolicy(value, (ctx.attributes.FilterPolicyScope as FilterPolicyScope) || 'MessageAttributes', prefix);
      return value;
    case 'RedrivePolicy':
      if (value === '') return '';
      return validateRedrivePolicy(value, ctx.topic, fail);
    default:
      return value;
  }
}

export function checkFilterPolicy(text: string, scope: FilterPolicyScope, prefix: string): void {
  try {
    compileFilterPolicy(text, scope);
  } catch (error) {
    if (error instanceof FilterPolicyError) throw invalidParameter(`${prefix}${error.reason}`);
    throw error;
  }
}

function validateRedrivePolicy(value: string, topic: TopicRecord, fail: (reason: string) => never): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    fail('RedrivePolicy: Redrive policy is not a valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('RedrivePolicy: Redrive policy is not a valid JSON');
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== 'deadLetterTargetArn') fail('RedrivePolicy: must contain only one attribute: deadLetterTargetArn');
  const target = (parsed as { deadLetterTargetArn: unknown }).deadLetterTargetArn;
  const queue = typeof target === 'string' ? parseSqsQueueArn(target) : undefined;
  if (!queue) return fail('RedrivePolicy: deadLetterTargetArn is an invalid arn');
  if (topic.fifo && !queue.fifo) fail('RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.');
  if (!topic.fifo && queue.fifo) fail('RedrivePolicy: must use a standard queue as DLQ for a Subscription to a standard Topic.');
  return value;
}

/** The subscription's dead-letter queue ARN, if it has a RedrivePolicy. */
export function deadLetterTargetArn(sub: SubscriptionRecord): string | undefined {
  const text = sub.attributes.RedrivePolicy;
  if (!text) return undefined;
  try {
    return (JSON.parse(text) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  } catch {
    return undefined;
  }
}

export function isRawDelivery(sub: SubscriptionRecord): boolean {
  return sub.attributes.RawMessageDelivery === 'true';
}

/** GetSubscriptionAttributes as AWS answers it. */
export function subscriptionAttributesView(sub: SubscriptionRecord, topic: TopicRecord | undefined): Record<string, string> {
  const out: Record<string, string> = {
    SubscriptionArn: sub.arn,
    TopicArn: sub.topicArn,
    Owner: sub.owner,
    Protocol: sub.protocol,
    Endpoint: sub.endpoint,
    PendingConfirmation: String(sub.pendingConfirmation),
    ConfirmationWasAuthenticated: String(sub.confirmationWasAuthenticated),
    RawMessageDelivery: sub.attributes.RawMessageDelivery ?? 'false',
    SubscriptionPrincipal: `arn:aws:iam::${sub.owner}:root`,
  };
  for (const [k, v] of Object.entries(sub.attributes)) if (v !== '') out[k] = v;
  if (sub.attributes.FilterPolicy) out.FilterPolicyScope = sub.attributes.FilterPolicyScope || 'MessageAttributes';
  if (sub.protocol === 'http' || sub.protocol === 'https') {
    out.EffectiveDeliveryPolicy = effectiveSubscriptionDeliveryPolicyJson(
      effectiveHttpPolicy(topic?.attributes.DeliveryPolicy || undefined, sub.attributes.DeliveryPolicy || undefined),
    );
  }
  return out;
}
