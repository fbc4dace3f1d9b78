import { arn, parseArn } from '@wharf/aws-protocol';
import { invalidParameter } from './errors';

/** An account and region: of an ARN, or of a request (every Caller is one). */
export interface Scope {
  accountId: string;
  region: string;
}

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
/** MessageGroupId / MessageDeduplicationId: ≤128 alphanumerics and punctuation. */
const FIFO_ID = /^[\x21-\x7e]{1,128}$/;

export function isValidTopicName(name: string, fifo: boolean): boolean {
  return fifo ? FIFO_TOPIC_NAME.test(name) : TOPIC_NAME.test(name);
}

export function isValidFifoId(id: string): boolean {
  return FIFO_ID.test(id);
}

export function topicArn(scope: Scope, name: string): string {
  return arn({ service: 'sns', region: scope.region, accountId: scope.accountId, resource: name });
}

export interface TopicArnParts extends Scope {
  name: string;
}

/** A topic ARN `arn:aws:sns:<region>:<account>:<name>`, or undefined. */
export function parseTopicArn(value: string | undefined): TopicArnParts | undefined {
  if (!value) return undefined;
  const parts = parseArn(value);
  if (!parts || parts.service !== 'sns' || parts.resource.includes(':')) return undefined;
  const fifo = parts.resource.endsWith('.fifo');
  if (!isValidTopicName(parts.resource, fifo)) return undefined;
  if (!/^\d{12}$/.test(parts.accountId) || !parts.region) return undefined;
  return { accountId: parts.accountId, region: parts.region, name: parts.resource };
}

/** Validates the TopicArn parameter (InvalidParameter when malformed) and returns its parts. */
export function requireTopicArn(value: string | undefined, parameter = 'TopicArn'): TopicArnParts {
  const parts = parseTopicArn(value);
  if (!parts) throw invalidParameter(`Invalid parameter: ${parameter}`);
  return parts;
}

/** `<topicArn>:<uuid>` → the topic ARN and the subscription id. */
export function parseSubscriptionArn(value: string | undefined): { topicArn: string; id: string } | undefined {
  if (!value) return undefined;
  const at = value.lastIndexOf(':');
  if (at < 0) return undefined;
  const topic = value.slice(0, at);
  const id = value.slice(at + 1);
  if (!parseTopicArn(topic) || !/^[0-9a-fA-F-]{36}$/.test(id)) return undefined;
  return { topicArn: topic, id };
}

export interface SqsQueueArnParts extends Scope {
  name: string;
  fifo: boolean;
}

/** `arn:aws:sqs:<region>:<account>:<queue>`, the endpoint of an sqs subscription and of a RedrivePolicy. */
export function parseSqsQueueArn(value: string | undefined): SqsQueueArnParts | undefined {
  if (!value) return undefined;
  const parts = parseArn(value);
  if (!parts || parts.service !== 'sqs' || !/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(parts.resource)) return undefined;
  if (parts.resource.length > 80 || !parts.region || !/^\d{12}$/.test(parts.accountId)) return undefined;
  return { accountId: parts.accountId, region: parts.region, name: parts.resource, fifo: parts.resource.endsWith('.fifo') };
}

/** Opaque pagination token over a sorted key space. */
export function encodeNextToken(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

export function decodeNextToken(token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (!decoded || encodeNextToken(decoded) !== token) throw invalidParameter('Invalid parameter: NextToken');
  return decoded;
}
