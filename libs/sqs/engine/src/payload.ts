import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

/** What the engine stores per message: immutable after send. */
export interface Payload {
  body: string;
  md5Body: string;
  attrs?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  sys?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  sentMs: number;
  senderId: string;
  groupId?: string;
  dedupId?: string;
}

type Wire = Record<string, MessageAttributeValue> | undefined;

export function packAttributes(attrs: Wire): Payload['attrs'] {
  if (!attrs || Object.keys(attrs).length === 0) return undefined;
  const out: NonNullable<Payload['attrs']> = {};
  for (const [k, v] of Object.entries(attrs)) {
    out[k] =
      v.BinaryValue !== undefined && v.BinaryValue !== null
        ? { DataType: String(v.DataType), BinaryValue: Buffer.from(v.BinaryValue as Uint8Array).toString('base64') }
        : { DataType: String(v.DataType), StringValue: v.StringValue };
  }
  return out;
}

export function unpackAttributes(attrs: Payload['attrs']): Record<string, MessageAttributeValue> | undefined {
  if (!attrs) return undefined;
  const out: Record<string, MessageAttributeValue> = {};
  for (const [k, v] of Object.entries(attrs)) {
    out[k] =
      v.BinaryValue !== undefined
        ? { DataType: v.DataType, BinaryValue: new Uint8Array(Buffer.from(v.BinaryValue, 'base64')) }
        : { DataType: v.DataType, StringValue: v.StringValue };
  }
  return out;
}

export const encodePayload = (p: Payload) => JSON.stringify(p);
export const decodePayload = (s: string) => JSON.parse(s) as Payload;
