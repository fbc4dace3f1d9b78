import { describe, expect, it } from 'vitest';
import { AwsError } from '@wharf/aws-protocol';
import { ManualClock } from '@wharf/engine-kit/testing';
import { hasOnlyValidChars, validateBatchEntries, validateMessageAttributes } from './message-validation';
import { md5OfAttributes } from './md5';
import { parseQueueArn, parseQueueUrl, validateQueueName } from './names';
import { parseRedrivePolicy, validateQueueAttributes } from './queue-attributes';
import { decodeReceiptHandle, encodeReceiptHandle } from './receipt';

const caller = { accountId: '000000000000', region: 'us-east-1', requestId: 'r', origin: 'http://h:1' };
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as AwsError).code;
  }
  return 'none';
};

describe('names and URLs', () => {
  it('parses queue URLs and ARNs', () => {
    expect(parseQueueUrl('http://x:9324/123456789012/q-1', { ...caller, accountId: '123456789012' })).toEqual({ account: '123456789012', name: 'q-1' });
    // Another account's queue: refused before any lookup (accounts are isolated).
    expect(code(() => parseQueueUrl('http://x:9324/123456789012/q-1', caller))).toBe('AccessDenied');
    expect(parseQueueUrl('https://sqs.us-east-1.amazonaws.com/000000000000/a.fifo', caller)).toEqual({ account: '000000000000', name: 'a.fifo' });
    expect(code(() => parseQueueUrl(undefined, caller))).toBe('MissingParameter');
    expect(code(() => parseQueueUrl('http://x/not an account/q', caller))).toBe('InvalidAddress');
    expect(code(() => parseQueueUrl('http://x/1/2/3', caller))).toBe('InvalidAddress');
    expect(parseQueueArn('arn:aws:sqs:eu-west-1:111122223333:d')).toEqual({ region: 'eu-west-1', account: '111122223333', name: 'd' });
    expect(parseQueueArn('arn:aws:sns:eu-west-1:111122223333:d')).toBeUndefined();
  });
  it('validates names as AWS does', () => {
    expect(code(() => validateQueueName('a'.repeat(80), false))).toBe('none');
    expect(code(() => validateQueueName('a'.repeat(81), false))).toBe('InvalidParameterValue');
    expect(code(() => validateQueueName('bad.name', false))).toBe('InvalidParameterValue');
    expect(code(() => validateQueueName(`${'a'.repeat(75)}.fifo`, true))).toBe('none');
    expect(code(() => validateQueueName(`${'a'.repeat(76)}.fifo`, true))).toBe('InvalidParameterValue');
  });
});

describe('message checks', () => {
  it('accepts exactly the characters AWS allows', () => {
    expect(hasOnlyValidChars('tab\there\nü😀')).toBe(true);
    expect(hasOnlyValidChars('\u0000')).toBe(false);
    expect(hasOnlyValidChars('\uFFFF')).toBe(false);
    expect(hasOnlyValidChars('\uD800')).toBe(false);
  });
  it('checks attributes and counts their size', () => {
    expect(validateMessageAttributes({ ab: { DataType: 'String', StringValue: 'xyz' } })).toBe(2 + 6 + 3);
    expect(code(() => validateMessageAttributes({ 'AWS.x': { DataType: 'String', StringValue: 'v' } }))).toBe('InvalidParameterValue');
    expect(code(() => validateMessageAttributes({ n: { DataType: 'Number', StringValue: 'abc' } }))).toBe('InvalidParameterValue');
    expect(code(() => validateMessageAttributes({ n: { DataType: 'Weird', StringValue: '1' } }))).toBe('InvalidParameterValue');
    expect(code(() => validateMessageAttributes({ n: { DataType: 'String', StringValue: '' } }))).toBe('InvalidParameterValue');
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));
    expect(code(() => validateMessageAttributes(eleven))).toBe('InvalidParameterValue');
  });
  it('checks batch shape', () => {
    expect(code(() => validateBatchEntries([], 'E'))).toBe('EmptyBatchRequest');
    expect(code(() => validateBatchEntries(Array.from({ length: 11 }, (_, i) => ({ Id: `${i}` })), 'E'))).toBe('TooManyEntriesInBatchRequest');
    expect(code(() => validateBatchEntries([{ Id: 'a' }, { Id: 'a' }], 'E'))).toBe('BatchEntryIdsNotDistinct');
    expect(code(() => validateBatchEntries([{ Id: 'a.b' }], 'E'))).toBe('InvalidBatchEntryId');
  });
  it('MD5 of attributes follows the AWS encoding (order-independent, type-sensitive)', () => {
    const a = md5OfAttributes({ b: { DataType: 'String', StringValue: '1' }, a: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) } });
    const b = md5OfAttributes({ a: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) }, b: { DataType: 'String', StringValue: '1' } });
    expect(a).toBe(b);
    expect(md5OfAttributes({ b: { DataType: 'Number', StringValue: '1' } })).not.toBe(md5OfAttributes({ b: { DataType: 'String', StringValue: '1' } }));
    expect(md5OfAttributes({})).toBeUndefined();
  });
  it('MD5 of attributes matches AWS answers (AWS CLI documentation examples, first/last 8 hex digits)', () => {
    const S = (v: string) => ({ DataType: 'String', StringValue: v });
    const N = (v: string) => ({ DataType: 'Number', StringValue: v });
    const cases: [Record<string, { DataType: string; StringValue: string }>, string, string][] = [
      [{ SellerName: S('Example Store'), City: S('Any City'), Region: S('WA'), PostalCode: S('99065'), PricePerGallon: N('1.99') }, '10809b55', 'baf283ef'],
      [{ SellerName: S('Example Fuels'), City: S('North Town'), Region: S('WA'), PostalCode: S('99123'), PricePerGallon: N('1.87') }, '55623928', 'ae354a25'],
      [{ PostalCode: S('ABC123'), City: S('Any City') }, '9424c491', '26bc3ae7'],
      // a receive that asked for PostalCode only: the MD5 covers the returned attributes
      [{ PostalCode: S('ABC123') }, 'b8e89563', 'e088e74f'],
    ];
    for (const [attrs, head, tail] of cases) {
      const md5 = md5OfAttributes(attrs) ?? '';
      expect(md5.slice(0, 8)).toBe(head);
      expect(md5.slice(-8)).toBe(tail);
    }
  });
});

describe('queue attributes', () => {
  it('validates ranges and FIFO-only names', () => {
    expect(validateQueueAttributes({ VisibilityTimeout: '43200', DelaySeconds: '900' }, false, true)).toEqual({ VisibilityTimeout: '43200', DelaySeconds: '900' });
    expect(code(() => validateQueueAttributes({ DelaySeconds: '901' }, false, true))).toBe('InvalidAttributeValue');
    expect(code(() => validateQueueAttributes({ MaximumMessageSize: '1048577' }, false, true))).toBe('InvalidAttributeValue');
    expect(code(() => validateQueueAttributes({ MessageRetentionPeriod: '59' }, false, true))).toBe('InvalidAttributeValue');
    expect(code(() => validateQueueAttributes({ ContentBasedDeduplication: 'true' }, false, true))).toBe('InvalidAttributeName');
    expect(code(() => validateQueueAttributes({ FifoThroughputLimit: 'perMessageGroupId' }, true, true))).toBe('InvalidAttributeValue');
  });
  it('parses redrive policies', () => {
    expect(parseRedrivePolicy('{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:d","maxReceiveCount":"3"}').maxReceiveCount).toBe(3);
    expect(code(() => parseRedrivePolicy('{"deadLetterTargetArn":"x","maxReceiveCount":0}'))).toBe('InvalidParameterValue');
    expect(code(() => parseRedrivePolicy('nope'))).toBe('InvalidParameterValue');
  });
});

describe('receipt handles and the manual clock', () => {
  it('round-trips and rejects foreign handles', () => {
    const q = { account: '000000000000', name: 'q' };
    const h = encodeReceiptHandle(q, 'id-1', 'tok');
    expect(decodeReceiptHandle(h, q)).toEqual({ id: 'id-1', token: 'tok' });
    expect(code(() => decodeReceiptHandle(h, { ...q, name: 'other' }))).toBe('ReceiptHandleIsInvalid');
    expect(code(() => decodeReceiptHandle('garbage!', q))).toBe('ReceiptHandleIsInvalid');
  });
  it('fires timers as time passes them', () => {
    const c = new ManualClock(0);
    const fired: number[] = [];
    c.setTimeout(() => fired.push(c.now()), 20);
    const timer = c.setTimeout(() => fired.push(-1), 10);
    timer.cancel();
    c.advance(50);
    expect(fired).toEqual([20]);
  });
});
