import { Errors } from './errors';
import { Limits } from './limits';
import type { AttributeValue } from './md5';

/** True when every code point is one AWS accepts: #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF. */
export function hasOnlyValidChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0xd7ff) continue;
    if (c === 0x9 || c === 0xa || c === 0xd) continue;
    if (c >= 0xe000 && c <= 0xfffd) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return false;
  }
  return true;
}

const ATTR_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/;
// Alphanumerics and punctuation, 1-128 (MessageGroupId, MessageDeduplicationId, ReceiveRequestAttemptId).
const TOKEN_ID = /^[\x21-\x7e]{1,128}$/;

/** An integer parameter (the Query protocol may hand it over as a string); undefined when absent. */
export function intParam(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : (v as number);
  if (typeof n !== 'number' || !Number.isInteger(n)) throw Errors.invalidValue(name, v, `${name} must be an integer.`);
  return n;
}

export function validateTokenId(param: string, value: unknown): void {
  if (typeof value !== 'string' || !TOKEN_ID.test(value)) {
    throw Errors.invalidValue(param, value, `${param} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');
const binLength = (b: Uint8Array | string) => (typeof b === 'string' ? Buffer.from(b, 'base64').length : b.length);

/**
 * Checks message attributes as AWS does and returns the bytes they add to the message size
 * (name + data type + value of each).
 */
export function validateMessageAttributes(attrs: Record<string, AttributeValue> | undefined, system = false): number {
  if (!attrs) return 0;
  const names = Object.keys(attrs);
  const kind = system ? 'system' : 'user';
  if (!system && names.length > Limits.maxMessageAttributes) {
    throw Errors.invalidParameterValue(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${Limits.maxMessageAttributes}].`,
    );
  }
  let size = 0;
  for (const name of names) {
    const v = attrs[name] ?? {};
    if (system) {
      if (name !== 'AWSTraceHeader') {
        throw Errors.invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
      }
    } else if (
      !ATTR_NAME.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..') ||
      /^(aws\.|amazon\.)/i.test(name)
    ) {
      throw Errors.invalidParameterValue(
        `Message (${kind}) attribute name '${name}' is invalid. The name can only contain alphanumeric characters, hyphens, underscores and periods, must not begin or end with a period, must not have consecutive periods and must not start with 'AWS.' or 'Amazon.'.`,
      );
    }
    const type = v.DataType;
    if (type === undefined || type === null || type === '') {
      throw Errors.invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute type.`);
    }
    if (!DATA_TYPE.test(type) || type.length > 256) {
      throw Errors.invalidParameterValue(
        `The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (v.StringListValues?.length || v.BinaryListValues?.length) {
      throw Errors.unsupported('Message attribute list values in SendMessage operation are not supported.');
    }
    size += byteLength(name) + byteLength(type);
    if (type.startsWith('Binary')) {
      if (v.BinaryValue === undefined || v.BinaryValue === null || binLength(v.BinaryValue) === 0) {
        throw Errors.invalidParameterValue(
          `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
        );
      }
      size += binLength(v.BinaryValue);
    } else {
      const sv = v.StringValue;
      if (sv === undefined || sv === null || sv === '') {
        throw Errors.invalidParameterValue(
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type.split('.')[0]}'.`,
        );
      }
      if (!hasOnlyValidChars(sv)) {
        throw Errors.invalidParameterValue(
          `Message (${kind}) attribute '${name}' must contain only valid characters. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
        );
      }
      if (type.startsWith('Number')) {
        const n = sv.trim();
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(n) || n.replace(/^[+-]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').length > 38) {
          throw Errors.invalidParameterValue(`Can't cast the value of message (${kind}) attribute '${name}' to a number.`);
        }
      }
      size += byteLength(sv);
    }
  }
  return size;
}

/** Validates the body and returns its UTF-8 size. */
export function validateBody(body: unknown): number {
  if (body === undefined || body === null) throw Errors.missingParameter('MessageBody');
  if (typeof body !== 'string') throw Errors.invalidParameterValue('Value for parameter MessageBody is invalid.');
  if (body.length === 0) throw Errors.missingParameter('MessageBody');
  if (!hasOnlyValidChars(body)) throw Errors.invalidMessageContents();
  return byteLength(body);
}

export const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Shape checks every batch request shares: count, ids distinct and well-formed. */
export function validateBatchEntries<T extends { Id?: string }>(entries: T[] | undefined, entryShape: string): T[] {
  if (entries === undefined || entries === null || (Array.isArray(entries) && entries.length === 0)) {
    throw Errors.emptyBatch(entryShape);
  }
  if (!Array.isArray(entries)) throw Errors.emptyBatch(entryShape);
  if (entries.length > Limits.maxBatchEntries) throw Errors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const e of entries) {
    if (typeof e.Id !== 'string' || !BATCH_ENTRY_ID.test(e.Id)) throw Errors.invalidBatchEntryId();
    if (seen.has(e.Id)) throw Errors.idsNotDistinct(e.Id);
    seen.add(e.Id);
  }
  return entries;
}
