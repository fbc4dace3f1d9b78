import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { parameterValueInvalid } from './errors';

/** A message attribute as it travels through Wharf (binary as base64 so it survives JSON). */
export interface WireAttribute {
  DataType: string;
  StringValue?: string;
  /** base64 */
  BinaryValue?: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const RESERVED_PREFIX = /^(aws\.|amazon\.)/i;

function typePrefix(dataType: string): 'String' | 'Number' | 'Binary' | undefined {
  const base = dataType.split('.')[0];
  return base === 'String' || base === 'Number' || base === 'Binary' ? base : undefined;
}

/**
 * Validates Publish's MessageAttributes (names, types String / String.Array / Number / Binary, values)
 * and converts them to the wire form. Errors are AWS's ParameterValueInvalid texts.
 */
export function normalizeMessageAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, WireAttribute> | undefined {
  if (!attributes) return undefined;
  const entries = Object.entries(attributes);
  if (entries.length === 0) return undefined;
  const out: Record<string, WireAttribute> = {};
  for (const [name, value] of entries) {
    if (!NAME.test(name) || RESERVED_PREFIX.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw parameterValueInvalid(`The message attribute name '${name}' is invalid.`);
    }
    const dataType = value?.DataType;
    if (!dataType) {
      throw parameterValueInvalid(`The message attribute '${name}' must contain non-empty message attribute type.`);
    }
    const prefix = typePrefix(dataType);
    if (!prefix || (dataType.length > prefix.length && !/^[A-Za-z]+\.[A-Za-z0-9_.-]{1,256}$/.test(dataType))) {
      throw parameterValueInvalid(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (prefix === 'Binary') {
      const bytes = value.BinaryValue;
      if (!bytes || bytes.length === 0) {
        throw parameterValueInvalid(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      }
      out[name] = { DataType: dataType, BinaryValue: Buffer.from(bytes).toString('base64') };
      continue;
    }
    const text = value.StringValue;
    if (text === undefined || text === '') {
      throw parameterValueInvalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${prefix}'.`);
    }
    if (prefix === 'Number') {
      const n = Number(text);
      if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text.trim()) || !Number.isFinite(n)) {
        throw parameterValueInvalid(`Could not cast message attribute '${name}' value to number.`);
      }
    }
    if (dataType === 'String.Array') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed)) {
        throw parameterValueInvalid(`The message attribute '${name}' with type 'String.Array' has an invalid value: it must be a JSON array.`);
      }
    }
    out[name] = { DataType: dataType, StringValue: text };
  }
  return out;
}

/** Bytes AWS counts toward the message size limit for the attributes: names, types and values. */
export function attributesSize(attributes: Record<string, WireAttribute> | undefined): number {
  if (!attributes) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType, 'utf8');
    if (value.StringValue !== undefined) size += Buffer.byteLength(value.StringValue, 'utf8');
    if (value.BinaryValue !== undefined) size += Buffer.from(value.BinaryValue, 'base64').length;
  }
  return size;
}

/** Back to the SDK shape (for filter policies and SQS delivery). */
export function toSdkAttributes(attributes: Record<string, WireAttribute> | undefined): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, v] of Object.entries(attributes ?? {})) {
    out[name] = v.BinaryValue !== undefined
      ? { DataType: v.DataType, BinaryValue: Buffer.from(v.BinaryValue, 'base64') }
      : { DataType: v.DataType, StringValue: v.StringValue };
  }
  return out;
}
