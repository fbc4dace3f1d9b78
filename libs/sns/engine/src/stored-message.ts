import type { WireAttribute } from './message-attributes';

/**
 * A published message as it waits in a subscription's queue (JSON in the broker). Everything a delivery
 * needs is here, so any sns process can deliver it, also after a restart.
 */
export interface StoredMessage {
  v: 1;
  kind: 'notification' | 'confirmation';
  messageId: string;
  topicArn: string;
  /** ISO-8601 with milliseconds, set at publish time (it is signed). */
  timestamp: string;
  /** The message (MessageStructure=json: its `default`). */
  message: string;
  /** MessageStructure=json: per-protocol texts (`sqs`, `http`, `https`). */
  messages?: Record<string, string>;
  subject?: string;
  attributes?: Record<string, WireAttribute>;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  /** kind=confirmation: the subscription and its token. */
  subscriptionArn?: string;
  token?: string;
}

/** `2012-03-29T05:12:16.901Z`: the timestamp of stored messages and SNS envelopes. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function messageForProtocol(message: StoredMessage, protocol: string): string {
  return message.messages?.[protocol] ?? message.message;
}

export function encodeStoredMessage(message: StoredMessage): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

export function decodeStoredMessage(bytes: Buffer): StoredMessage {
  const value = JSON.parse(bytes.toString('utf8')) as StoredMessage;
  if (value.v !== 1 || !value.messageId || !value.topicArn) throw new Error('not a Wharf SNS message');
  return value;
}
