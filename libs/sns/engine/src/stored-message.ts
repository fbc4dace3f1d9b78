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

/**
 * One broker message for several published messages: a PublishBatch's entries to a standard topic travel, are
 * confirmed and are stored as one (a JSON array), each delivered on its own. One message stays a JSON object.
 */
export function encodeStoredMessages(messages: StoredMessage[]): Buffer {
  return messages.length === 1 ? encodeStoredMessage(messages[0]) : Buffer.from(JSON.stringify(messages), 'utf8');
}

function checked(value: StoredMessage): StoredMessage {
  if (value?.v !== 1 || !value.messageId || !value.topicArn) throw new Error('not a Wharf SNS message');
  return value;
}

export function decodeStoredMessage(bytes: Buffer): StoredMessage {
  return checked(JSON.parse(bytes.toString('utf8')) as StoredMessage);
}

/** The messages of one broker message (`encodeStoredMessage` or `encodeStoredMessages`). */
export function decodeStoredMessages(bytes: Buffer): StoredMessage[] {
  const value = JSON.parse(bytes.toString('utf8')) as StoredMessage | StoredMessage[];
  if (!Array.isArray(value)) return [checked(value)];
  if (value.length === 0) throw new Error('not a Wharf SNS message');
  return value.map(checked);
}
