import { Errors } from './errors';
import { Limits } from './limits';

export const ALL_QUEUE_ATTRIBUTES = [
  'Policy',
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
  'ApproximateNumberOfMessagesDelayed',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'RedriveAllowPolicy',
  'SqsManagedSseEnabled',
] as const;

const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const SETTABLE = new Set([
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'Policy',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

export function defaultAttributes(fifo: boolean): Record<string, string> {
  const d: Record<string, string> = {
    DelaySeconds: '0',
    MaximumMessageSize: String(Limits.maxMessageSizeDefault),
    MessageRetentionPeriod: String(Limits.retentionDefault),
    ReceiveMessageWaitTimeSeconds: '0',
    VisibilityTimeout: String(Limits.visibilityDefault),
    SqsManagedSseEnabled: 'true',
  };
  if (fifo) {
    d.FifoQueue = 'true';
    d.ContentBasedDeduplication = 'false';
    d.DeduplicationScope = 'queue';
    d.FifoThroughputLimit = 'perQueue';
  }
  return d;
}

function intIn(name: string, value: string, min: number, max: number): string {
  if (!/^-?\d+$/.test(value.trim())) throw Errors.invalidAttributeValue(name);
  const n = Number(value.trim());
  if (n < min || n > max) throw Errors.invalidAttributeValue(name);
  return String(n);
}

function bool(name: string, value: string): string {
  const v = value.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw Errors.invalidAttributeValue(name);
  return v;
}

/**
 * Validates attributes for CreateQueue / SetQueueAttributes and normalizes their values. RedrivePolicy
 * and RedriveAllowPolicy are checked for shape here; references to other queues by the engine.
 */
export function validateQueueAttributes(
  attrs: Record<string, string | undefined> | undefined,
  fifo: boolean,
  creating: boolean,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(attrs ?? {})) {
    if (!SETTABLE.has(name)) throw Errors.invalidAttributeName(name);
    if (FIFO_ONLY.has(name) && !fifo && !(name === 'FifoQueue' && creating)) throw Errors.invalidAttributeName(name);
    const value = raw === undefined || raw === null ? '' : String(raw);
    switch (name) {
      case 'DelaySeconds':
        out[name] = intIn(name, value, 0, Limits.delayMax);
        break;
      case 'MaximumMessageSize':
        out[name] = intIn(name, value, Limits.maxMessageSizeMin, Limits.maxMessageSizeMax);
        break;
      case 'MessageRetentionPeriod':
        out[name] = intIn(name, value, Limits.retentionMin, Limits.retentionMax);
        break;
      case 'ReceiveMessageWaitTimeSeconds':
        out[name] = intIn(name, value, 0, Limits.waitMax);
        break;
      case 'VisibilityTimeout':
        out[name] = intIn(name, value, 0, Limits.visibilityMax);
        break;
      case 'KmsDataKeyReusePeriodSeconds':
        out[name] = intIn(name, value, 60, 86_400);
        break;
      case 'SqsManagedSseEnabled':
      case 'ContentBasedDeduplication':
        out[name] = bool(name, value);
        break;
      case 'FifoQueue': {
        const v = bool(name, value);
        if (!creating) throw Errors.invalidAttributeName(name);
        if (v !== String(fifo)) {
          throw Errors.invalidParameterValue(
            'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
          );
        }
        out[name] = v;
        break;
      }
      case 'DeduplicationScope':
        if (value !== 'queue' && value !== 'messageGroup') throw Errors.invalidAttributeValue(name);
        out[name] = value;
        break;
      case 'FifoThroughputLimit':
        if (value !== 'perQueue' && value !== 'perMessageGroupId') throw Errors.invalidAttributeValue(name);
        out[name] = value;
        break;
      case 'Policy':
        if (value !== '') {
          try {
            const p = JSON.parse(value);
            if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new Error();
          } catch {
            throw Errors.invalidAttributeValue(name, 'Policy is not a valid JSON document.');
          }
        }
        out[name] = value;
        break;
      case 'KmsMasterKeyId':
        out[name] = value;
        break;
      case 'RedrivePolicy':
        if (value !== '') parseRedrivePolicy(value);
        out[name] = value;
        break;
      case 'RedriveAllowPolicy':
        if (value !== '') parseRedriveAllowPolicy(value);
        out[name] = value;
        break;
    }
  }
  const scope = out.DeduplicationScope ?? 'queue';
  const limit = out.FifoThroughputLimit;
  if (creating && limit === 'perMessageGroupId' && scope === 'queue') {
    throw Errors.invalidAttributeValue(
      'FifoThroughputLimit',
      'The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup',
    );
  }
  return out;
}

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export function parseRedrivePolicy(value: string): RedrivePolicy {
  let p: unknown;
  try {
    p = JSON.parse(value);
  } catch {
    throw Errors.invalidValue('RedrivePolicy', value, 'Redrive policy is not a valid JSON map.');
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw Errors.invalidValue('RedrivePolicy', value, 'Redrive policy is not a valid JSON map.');
  }
  const o = p as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'deadLetterTargetArn' && k !== 'maxReceiveCount') {
      throw Errors.invalidValue('RedrivePolicy', value, `Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount].`);
    }
  }
  if (typeof o.deadLetterTargetArn !== 'string' || o.maxReceiveCount === undefined) {
    throw Errors.invalidValue('RedrivePolicy', value, 'Redrive policy does not contain mandatory attribute: deadLetterTargetArn, maxReceiveCount.');
  }
  const n = Number(o.maxReceiveCount);
  if (!Number.isInteger(n) || n < 1 || n > Limits.maxReceiveCountMax) {
    throw Errors.invalidValue(
      'RedrivePolicy',
      value,
      `Invalid value for maxReceiveCount: ${String(o.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  return { deadLetterTargetArn: o.deadLetterTargetArn, maxReceiveCount: n };
}

export interface RedriveAllowPolicy {
  redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  sourceQueueArns?: string[];
}

export function parseRedriveAllowPolicy(value: string): RedriveAllowPolicy {
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(value);
  } catch {
    throw Errors.invalidValue('RedriveAllowPolicy', value, 'Redrive allow policy is not a valid JSON map.');
  }
  const perm = p?.redrivePermission;
  if (perm !== 'allowAll' && perm !== 'denyAll' && perm !== 'byQueue') {
    throw Errors.invalidValue('RedriveAllowPolicy', value, 'Invalid value for redrivePermission. Valid values are allowAll, denyAll and byQueue.');
  }
  const arns = p.sourceQueueArns;
  if (perm === 'byQueue') {
    if (!Array.isArray(arns) || arns.length < 1 || arns.length > 10 || arns.some((a) => typeof a !== 'string')) {
      throw Errors.invalidValue('RedriveAllowPolicy', value, 'Amount of source queue ARNs must be between 1 and 10 when redrivePermission is byQueue.');
    }
    return { redrivePermission: perm, sourceQueueArns: arns as string[] };
  }
  if (arns !== undefined) {
    throw Errors.invalidValue('RedriveAllowPolicy', value, 'sourceQueueArns may be given only when redrivePermission is byQueue.');
  }
  return { redrivePermission: perm };
}
