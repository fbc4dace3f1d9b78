import { effectiveTopicDeliveryPolicyJson, parseTopicDeliveryPolicy } from './delivery-policy';
import { invalidParameter } from './errors';
import type { SubscriptionCounts } from './ports';
import type { TopicRecord } from './records';

const FEEDBACK = ['HTTP', 'Firehose', 'Lambda', 'Application', 'SQS'].flatMap((p) => [
  `${p}SuccessFeedbackRoleArn`,
  `${p}SuccessFeedbackSampleRate`,
  `${p}FailureFeedbackRoleArn`,
]);

/** Attributes SetTopicAttributes accepts; CreateTopic also takes FifoTopic. */
export const SETTABLE_TOPIC_ATTRIBUTES = new Set([
  'DeliveryPolicy',
  'DisplayName',
  'Policy',
  'SignatureVersion',
  'TracingConfig',
  'KmsMasterKeyId',
  'ContentBasedDeduplication',
  'FifoThroughputScope',
  'ArchivePolicy',
  'MaximumMessageSize',
  ...FEEDBACK,
]);

const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'FifoThroughputScope', 'ArchivePolicy']);
export const DEFAULT_MAXIMUM_MESSAGE_SIZE = 262_144;

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/**
 * Checks one topic attribute and returns the value to store. `prefix` is how AWS introduces the failure:
 * "Invalid parameter: Attributes Reason: " at CreateTopic, "Invalid parameter: " at SetTopicAttributes.
 */
export function validateTopicAttribute(name: string, value: string, fifo: boolean, prefix: string): string {
  const fail = (reason: string): never => {
    throw invalidParameter(`${prefix}${reason}`);
  };
  if (!SETTABLE_TOPIC_ATTRIBUTES.has(name)) fail(prefix.includes('Attributes') ? `Unknown attribute ${name}` : 'AttributeName');
  if (FIFO_ONLY.has(name) && !fifo) fail(`${name}: ${name} can only be set for FIFO topics`);
  switch (name) {
    case 'DisplayName':
      if (value.length > 100) fail('DisplayName: must be at most 100 characters');
      return value;
    case 'Policy':
      if (!isJsonObject(value)) fail('Policy: failed to parse JSON.');
      return value;
    case 'DeliveryPolicy':
      if (value !== '') parseTopicDeliveryPolicy(value);
      return value;
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') fail('SignatureVersion: must be 1 or 2');
      return value;
    case 'TracingConfig':
      if (value !== 'PassThrough' && value !== 'Active') fail('TracingConfig: must be PassThrough or Active');
      return value;
    case 'ContentBasedDeduplication': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') fail('ContentBasedDeduplication: must be true or false');
      return v;
    }
    case 'FifoThroughputScope':
      if (value !== 'Topic' && value !== 'MessageGroup') fail('FifoThroughputScope: must be Topic or MessageGroup');
      return value;
    case 'ArchivePolicy':
      if (value !== '' && !isJsonObject(value)) fail('ArchivePolicy: failed to parse JSON.');
      return value;
    case 'MaximumMessageSize': {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1024 || n > 1_048_576) fail('MaximumMessageSize: must be an integer between 1024 and 1048576');
      return String(n);
    }
    default:
      if (name.endsWith('SampleRate')) {
        const n = Number(value);
        if (!/^\d+$/.test(value) || n > 100) fail(`${name}: must be an integer between 0 and 100`);
      }
      return value;
  }
}

/** AWS's default access policy of a new topic. */
export function defaultTopicPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  });
}

/** GetTopicAttributes: stored attributes plus the computed ones AWS returns. */
export function topicAttributesView(topic: TopicRecord, counts: SubscriptionCounts): Record<string, string> {
  const out: Record<string, string> = {
    TopicArn: topic.arn,
    Owner: topic.accountId,
    Policy: topic.attributes.Policy ?? defaultTopicPolicy(topic.arn, topic.accountId),
    DisplayName: topic.attributes.DisplayName ?? '',
    SubscriptionsConfirmed: String(counts.confirmed),
    SubscriptionsPending: String(counts.pending),
    SubscriptionsDeleted: String(counts.deleted),
    EffectiveDeliveryPolicy: effectiveTopicDeliveryPolicyJson(topic.attributes.DeliveryPolicy || undefined),
  };
  if (topic.fifo) {
    out.FifoTopic = 'true';
    out.ContentBasedDeduplication = topic.attributes.ContentBasedDeduplication ?? 'false';
    out.FifoThroughputScope = topic.attributes.FifoThroughputScope ?? 'Topic';
  }
  for (const [k, v] of Object.entries(topic.attributes)) if (!(k in out) || k === 'Policy' || k === 'DisplayName') out[k] = v;
  return out;
}

export function topicSignatureVersion(topic: TopicRecord): '1' | '2' {
  return topic.attributes.SignatureVersion === '2' ? '2' : '1';
}

export function topicMaximumMessageSize(topic: TopicRecord): number {
  const v = Number(topic.attributes.MaximumMessageSize);
  return Number.isInteger(v) && v > 0 ? v : DEFAULT_MAXIMUM_MESSAGE_SIZE;
}
